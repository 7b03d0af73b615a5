import { afterEach, describe, expect, it } from 'vitest';
import type { ForwardRule } from '../../src-shared/api/models.js';
import { openStore } from './store.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
afterEach(() => t?.dispose());

function rule(name: string): ForwardRule {
  return { kind: 'ssh', name, host: 'h', type: 'dynamic', local_port: 1080, auto_connect: false };
}

describe('active set repository', () => {
  it('marks and unmarks; unknown names are ignored; durable across reopen', () => {
    t = openTempStore();
    const { store } = t;
    for (const n of ['a', 'b', 'c']) store.rules.insert(rule(n));
    expect(store.active.markActive('b')).toBe(true);
    expect(store.active.markActive('a')).toBe(true);
    expect(store.active.markActive('a')).toBe(true); // idempotent
    expect(store.active.markActive('ghost')).toBe(false);
    store.active.markInactive('zzz');
    expect(store.active.list().sort()).toEqual(['a', 'b']);
    store.active.markInactive('b');
    store.close();
    const again = openStore(t.file);
    try {
      expect(again.active.list()).toEqual(['a']);
    } finally {
      again.close();
    }
  });

  it('replaceAll swaps the whole set at once, keeping only known rules', () => {
    t = openTempStore();
    const { store } = t;
    for (const n of ['a', 'b', 'c']) store.rules.insert(rule(n));
    store.active.markActive('a');
    expect(store.active.replaceAll(['c', 'ghost', 'b'])).toEqual(['c', 'b']);
    expect(store.active.list().sort()).toEqual(['b', 'c']);
    expect(store.active.replaceAll([])).toEqual([]);
    expect(store.active.list()).toEqual([]);
  });

  it('follows a rename and forgets a deleted rule (foreign keys on)', () => {
    t = openTempStore();
    const { store } = t;
    store.rules.insert(rule('a'));
    store.rules.insert(rule('b'));
    store.active.replaceAll(['a', 'b']);
    store.rules.rename('a', 'a2');
    store.rules.delete('b');
    expect(store.active.list()).toEqual(['a2']);
  });
});
