import { describe, expect, it } from 'vitest';
import { parseSourcePattern } from '../../src-shared/logic/source-pattern.js';
import type { AuthorizedClient } from './client-keys.js';
import { MAX_DYNAMIC_SOURCES, OpenRefused, SourceRouter } from './source-router.js';

const client = (allow: string[]): AuthorizedClient => ({ name: 'c', allow, patterns: allow.map(parseSourcePattern), expiresAt: undefined, id: 'SHA256:x' });

describe('SourceRouter', () => {
  const router = () =>
    new SourceRouter({ groups: [{ name: 'web', endpoints: ['10.0.0.1:80', '10.0.0.2:80'], strategy: 'round_robin' }], literalSources: ['10.0.0.9:5432'], failureThreshold: 3, openMs: 1000, connectTimeoutMs: 1000 });

  it('authorizes by the allow list before anything else, and names what is missing', () => {
    const r = router();
    expect(r.authorize(client(['web']), 'web').name).toBe('web');
    expect(() => r.authorize(client(['web']), '10.0.0.9:5432')).toThrow(OpenRefused);
    expect(() => r.authorize(client(['db']), 'db')).toThrow(/no source named "db"/);
    expect(() => r.authorize(client(['10.0.0.0/8:*']), 'web')).toThrow(/not in the allow list/);
    expect(() => r.authorize(client(['10.0.0.0/8:*']), 'not an address')).toThrow(OpenRefused);
    expect(r.authorize(client(['10.0.0.0/8:*']), '10.1.2.3:22').name).toBe('10.1.2.3:22');
  });

  it('keeps configured sources and a bounded number of on-demand ones', () => {
    const r = router();
    const wide = client(['10.0.0.0/8:*']);
    for (let i = 0; i < MAX_DYNAMIC_SOURCES + 500; i++) r.authorize(wide, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:1`);
    const names = r.health().map((h) => h.name);
    expect(names).toContain('web');
    expect(names).toContain('10.0.0.9:5432');
    expect(names.length).toBeLessThanOrEqual(MAX_DYNAMIC_SOURCES + 2);
  });
});
