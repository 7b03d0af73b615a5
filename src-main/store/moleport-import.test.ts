import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../src-shared/api/errors.js';
import { applyConfigUpdate, defaultSettings } from '../../src-shared/domain/settings.js';
import { importMolePortYaml } from './moleport-import.js';

const seedExample = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'moleport-config.yaml'), 'utf8');

describe('importMolePortYaml', () => {
  it("imports the seed's example config.yaml", () => {
    const r = importMolePortYaml(seedExample);
    expect(r.settings).toEqual({
      ssh_config_path: '~/.ssh/config',
      reconnect: { enabled: true, max_retries: 10, initial_delay: '1s', max_delay: '60s' },
      session: { auto_restore: true },
      log: { level: 'info' },
    });
    expect(r.rules).toEqual([
      { kind: 'ssh', name: 'prod-web', host: 'prod-server', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: true },
      { kind: 'ssh', name: 'prod-db', host: 'prod-server', type: 'local', local_port: 5432, remote_host: 'localhost', remote_port: 5432, auto_connect: true },
      { kind: 'ssh', name: 'proxy', host: 'staging', type: 'dynamic', local_port: 1080, auto_connect: false },
    ]);
    // MolePort's own log path is not taken over.
    expect(r.skipped).toEqual([{ name: 'setting:log.file', reason: expect.stringMatching(/Warren keeps its own log/) }]);
    // The settings patch is a valid config.update.
    expect(() => applyConfigUpdate(defaultSettings('/w'), r.settings)).not.toThrow();
  });

  it('skips bad forwards with reasons and keeps the good ones', () => {
    const r = importMolePortYaml(`
forwards:
  - name: ok
    host: a
    type: Local
    local_port: 8000
    remote_host: db.internal
    remote_port: 5432
  - name: no-remote-port
    host: a
    type: local
    local_port: 8001
    remote_host: localhost
  - name: bad-port
    host: a
    type: dynamic
    local_port: 70000
  - name: weird-type
    host: a
    type: sideways
    local_port: 8002
  - just a string
  - host: b
    type: dynamic
    local_port: 1081
    remote_host: ""
    remote_port: 0
    auto_connect: true
  - name: ok
    host: c
    type: dynamic
    local_port: 1082
  - name: exists
    host: c
    type: dynamic
    local_port: 1083
  - name: rev
    host: edge
    type: remote
    local_port: 3000
    remote_port: 9000
`, { existingNames: ['exists'] });
    expect(r.rules.map((x) => x.name)).toEqual(['ok', 'b-dynamic-1081', 'rev']);
    expect(r.rules[0]).toMatchObject({ type: 'local', remote_host: 'db.internal', auto_connect: false });
    expect(r.rules[1]).toEqual({ kind: 'ssh', name: 'b-dynamic-1081', host: 'b', type: 'dynamic', local_port: 1081, auto_connect: true });
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(reasons)).toEqual(['no-remote-port', 'bad-port', 'weird-type', 'forwards[4]', 'ok', 'exists']);
    expect(reasons['no-remote-port']).toMatch(/remote_port: a local forward needs remote_port/);
    expect(reasons['bad-port']).toMatch(/local_port/);
    expect(reasons['weird-type']).toMatch(/^type:/);
    expect(reasons['forwards[4]']).toBe('not a mapping');
    expect(reasons['ok']).toBe('a rule with this name already exists');
    expect(reasons['exists']).toBe('a rule with this name already exists');
  });

  it('normalises Go durations and skips settings it cannot use', () => {
    const r = importMolePortYaml(`
ssh_config_path: 42
reconnect:
  enabled: "yes"
  max_retries: -1
  initial_delay: 1m0s
  max_delay: 120000000000
session:
  auto_restore: true
log:
  level: WARNING
`);
    // Go's bare integers are nanoseconds.
    expect(r.settings).toEqual({ reconnect: { initial_delay: '1m0s', max_delay: '2m' }, session: { auto_restore: true }, log: { level: 'warn' } });
    expect(applyConfigUpdate(defaultSettings('/w'), r.settings).reconnect.initial_delay).toBe('1m0s');
    // Only initial_delay given, longer than the current max: caught when applied, with the clear message.
    expect(() => applyConfigUpdate(defaultSettings('/w'), importMolePortYaml('reconnect:\n  initial_delay: 2m\n').settings)).toThrow(/initial_delay/);
    expect(r.skipped.map((s) => s.name)).toEqual(['setting:ssh_config_path', 'setting:reconnect.enabled', 'setting:reconnect.max_retries']);

    const both = importMolePortYaml('reconnect:\n  initial_delay: 5m\n  max_delay: 1m\n  extra: 1\n');
    expect(both.settings).toEqual({ reconnect: { max_delay: '1m' } });
    expect(both.skipped[0]).toEqual({ name: 'setting:reconnect.initial_delay', reason: '"5m": longer than max_delay (1m)' });
    expect(importMolePortYaml('reconnect:\n  initial_delay: 3us\n').skipped[0]?.name).toBe('setting:reconnect.initial_delay');
  });

  it('an empty file imports nothing; a non-mapping or broken YAML is an InvalidParams error with the line', () => {
    expect(importMolePortYaml('')).toEqual({ settings: {}, rules: [], skipped: [] });
    expect(importMolePortYaml('forwards: 3').skipped).toEqual([{ name: 'forwards', reason: 'not a list' }]);
    for (const text of ['- a\n- b\n', 'forwards: [\n  {name: x\n', 'a: 1\na: 2\n']) {
      let err: unknown;
      try {
        importMolePortYaml(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WarrenError);
      expect((err as WarrenError).code).toBe(ErrorCode.InvalidParams);
    }
    try {
      importMolePortYaml('ok: 1\nbad: [1\n');
    } catch (e) {
      expect((e as Error).message).toMatch(/not valid YAML \(line \d+, column \d+\)/);
    }
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    expect(() => importMolePortYaml(bomb)).toThrow(/cannot be read: .*alias/i);
  });
});
