import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateMolePortConfig } from './config-validate.js';

// The example from MolePort's data-model document.
const seedExample = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../store/fixtures/moleport-config.yaml'), 'utf8');

describe('validateMolePortConfig', () => {
  it('accepts the MolePort example, noting that its log file is not imported', () => {
    const r = validateMolePortConfig(seedExample);
    expect(r.problems).toEqual([]);
    expect(r.forwardCount).toBe(3);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^log\.file: /);
  });

  it('accepts an empty file and Go zero values for absent fields', () => {
    expect((validateMolePortConfig('')).problems).toEqual([]);
    const r = validateMolePortConfig('forwards:\n  - host: a\n    type: dynamic\n    local_port: 1080\n    remote_host: ""\n    remote_port: 0\n');
    expect(r).toEqual({ problems: [], warnings: [], forwardCount: 1 });
  });

  it('lists what the import would skip, by name, as problems', () => {
    const r = validateMolePortConfig(`
reconnect:
  max_retries: -1
log:
  level: loud
forwards:
  - name: web
    host: a
    type: local
    local_port: 8080
  - name: odd
    host: a
    type: sideways
    local_port: 99999
  - name: socks
    host: b
    type: dynamic
    local_port: 1080
  - name: socks
    host: a
    type: dynamic
    local_port: 1081
  - name: socks2
    host: a
    type: dynamic
    local_port: 1080
`);
    expect(r.problems.map((p) => p.split(':')[0])).toEqual(['reconnect.max_retries', 'log.level', 'web', 'odd', 'socks']);
    expect(r.problems[2]).toMatch(/remote_port/);
    expect(r.problems[4]).toMatch(/already exists/);
    expect(r.warnings).toEqual(['socks2: local port 1080 is also used by socks; they cannot run at the same time']);
    expect(r.forwardCount).toBe(2);
  });

  it('warns about unknown keys without failing', () => {
    const r = validateMolePortConfig('reconect:\n  enabled: true\nsession:\n  colour: blue\nforwards:\n  - {host: a, type: dynamic, local_port: 1, prot: 2}\n');
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual(['reconect: unknown key (ignored)', 'session.colour: unknown key (ignored)', 'forwards[0].prot: unknown key (ignored)']);
  });

  it('reports YAML syntax errors with a line number', () => {
    const r = validateMolePortConfig('reconnect:\n  enabled: true\n   max_retries: [1\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/not valid YAML \(line \d+/);
  });
});
