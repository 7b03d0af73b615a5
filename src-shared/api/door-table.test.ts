import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { doorTableMarkdown } from './door-table.js';

const securityDoc = fileURLToPath(new URL('../../docs/SECURITY.md', import.meta.url));

describe('docs/SECURITY.md "What each door may do"', () => {
  it('shows the table the door policy renders (regenerate it with doorTableMarkdown() after changing door-policy.ts)', () => {
    const doc = readFileSync(securityDoc, 'utf8');
    const section = /## What each door may do\n[\s\S]*?<!-- door-table:start[^\n]*-->\n([\s\S]*?)\n<!-- door-table:end -->/.exec(doc);
    expect(section, 'the section with its door-table markers').not.toBeNull();
    expect(section![1]).toBe(doorTableMarkdown());
  });
});
