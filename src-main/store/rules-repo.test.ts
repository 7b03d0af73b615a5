import fc from 'fast-check';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../src-shared/api/errors.js';
import type { ForwardRule } from '../../src-shared/api/models.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
const warnings: string[] = [];
afterEach(() => {
  t?.dispose();
  warnings.length = 0;
});
function fresh(): TempStore {
  let tick = 0;
  t = openTempStore({ log: { warn: (_o, msg) => warnings.push(msg) }, now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)) });
  return t;
}

const web: ForwardRule = { kind: 'ssh', name: 'web', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: true };
const socks: ForwardRule = { kind: 'ssh', name: 'socks', host: 'prod', type: 'dynamic', local_port: 1080, auto_connect: false };
const rev: ForwardRule = { kind: 'ssh', name: 'rev', host: 'edge', type: 'remote', local_port: 3000, remote_port: 9000, auto_connect: false };

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof WarrenError) return e.code;
    throw e;
  }
  return undefined;
}

describe('rules repository', () => {
  it('inserts, gets and lists in insertion order with timestamps', () => {
    const { store } = fresh();
    store.rules.insert(socks);
    store.rules.insert(web);
    store.rules.insert(rev);
    expect(store.rules.list().map((r) => r.name)).toEqual(['socks', 'web', 'rev']);
    expect(store.rules.get('web')).toEqual(web);
    expect(store.rules.get('nope')).toBeUndefined();
    expect(store.rules.has('rev')).toBe(true);
    const entry = store.rules.getEntry('socks');
    expect(entry?.created_at).toBe('2026-01-01T00:00:00.000Z');
    expect(entry?.updated_at).toBe(entry?.created_at);
  });

  it('refuses a duplicate name with RuleAlreadyExists and invalid rules with InvalidParams', () => {
    const { store } = fresh();
    store.rules.insert(web);
    expect(codeOf(() => store.rules.insert({ ...web, local_port: 9999 }))).toBe(ErrorCode.RuleAlreadyExists);
    expect(codeOf(() => store.rules.insert({ ...socks, remote_port: 22 }))).toBe(ErrorCode.InvalidParams);
    expect(codeOf(() => store.rules.insert({ ...web, name: 'bad name' }))).toBe(ErrorCode.InvalidParams);
    expect(store.rules.list()).toEqual([web]);
  });

  it('updates in place (keeping order and created_at), renames, and deletes', () => {
    const { store } = fresh();
    store.rules.insert(web);
    store.rules.insert(socks);
    const before = store.rules.getEntry('web');
    const after = store.rules.update('web', { ...web, local_port: 8081 });
    expect(after.rule.kind === 'ssh' && after.rule.local_port).toBe(8081);
    expect(after.created_at).toBe(before?.created_at);
    expect(after.updated_at > (before?.updated_at ?? '')).toBe(true);
    store.rules.rename('web', 'web2');
    expect(store.rules.list().map((r) => r.name)).toEqual(['web2', 'socks']);
    expect(store.rules.get('web2')).toEqual({ ...web, name: 'web2', local_port: 8081 });
    expect(codeOf(() => store.rules.rename('web2', 'socks'))).toBe(ErrorCode.RuleAlreadyExists);
    expect(codeOf(() => store.rules.rename('ghost', 'x'))).toBe(ErrorCode.RuleNotFound);
    expect(codeOf(() => store.rules.update('ghost', web))).toBe(ErrorCode.RuleNotFound);
    expect(codeOf(() => store.rules.rename('web2', 'has space'))).toBe(ErrorCode.InvalidParams);
    expect(store.rules.delete('web2')).toBe(true);
    expect(store.rules.delete('web2')).toBe(false);
    expect(store.rules.list()).toEqual([socks]);
  });

  it('skips a stored row that no longer validates, with a warning, instead of failing the list', () => {
    const { store, file } = fresh();
    store.rules.insert(web);
    store.rules.insert(socks);
    const raw = new Database(file);
    raw.prepare("UPDATE rules SET rule_json = json_set(rule_json, '$.local_port', 70000) WHERE name = 'web'").run();
    raw.prepare("INSERT INTO rules (name, kind, rule_json, created_at, updated_at) VALUES ('junk', 'ssh', '{not json', 'x', 'x')").run();
    raw.close();
    expect(store.rules.list()).toEqual([socks]);
    expect(store.rules.get('web')).toBeUndefined();
    expect(warnings.some((w) => w.includes('stored rule is invalid'))).toBe(true);
    expect(warnings.some((w) => w.includes('not JSON'))).toBe(true);
  });

  it('property: what goes in comes out, in order', () => {
    const { store } = fresh();
    const rule = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      host: fc.stringMatching(/^[a-z][a-z0-9.]{0,20}$/),
      local_port: fc.integer({ min: 1, max: 65535 }),
      remote_port: fc.integer({ min: 1, max: 65535 }),
      auto_connect: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(rule, { selector: (r) => r.name, maxLength: 8 }), (rules) => {
        for (const r of store.rules.list()) store.rules.delete(r.name);
        const full: ForwardRule[] = rules.map((r) => ({ kind: 'ssh', type: 'local', remote_host: 'localhost', ...r }));
        for (const r of full) store.rules.insert(r);
        expect(store.rules.list()).toEqual(full);
      }),
      { numRuns: 30 },
    );
  });
});
