import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
afterEach(() => t?.dispose());

describe('session history repository', () => {
  it('opens a row on start and closes it once on finish', () => {
    let clock = Date.UTC(2026, 1, 1);
    t = openTempStore({ now: () => new Date((clock += 1000)) });
    const h = t.store.history;
    const id = h.start('web');
    expect(h.list('web')).toEqual([
      { id, rule_name: 'web', started_at: '2026-02-01T00:00:01.000Z', status: 'running', bytes_sent: 0, bytes_received: 0 },
    ]);
    expect(h.finish(id, { status: 'error', bytes_sent: 10, bytes_received: 20, reason: 'auth failed' })).toBe(true);
    expect(h.finish(id, { status: 'stopped', bytes_sent: 0, bytes_received: 0 })).toBe(false);
    expect(h.finish(9999, { status: 'stopped', bytes_sent: 0, bytes_received: 0 })).toBe(false);
    expect(h.list('web')[0]).toEqual({
      id,
      rule_name: 'web',
      started_at: '2026-02-01T00:00:01.000Z',
      finished_at: '2026-02-01T00:00:02.000Z',
      status: 'error',
      bytes_sent: 10,
      bytes_received: 20,
      reason: 'auth failed',
    });
    const long = h.start('web');
    h.finish(long, { status: 'error', bytes_sent: 0, bytes_received: 0, reason: 'x'.repeat(10_000) });
    expect(h.list('web', 1)[0]?.reason).toHaveLength(4096);
    expect(() => h.finish(id, { status: 'running' as never, bytes_sent: 0, bytes_received: 0 })).toThrow();
    expect(() => h.finish(id, { status: 'stopped', bytes_sent: -1, bytes_received: 0 })).toThrow();
  });

  it('lists newest first, filtered by rule, limited; prunes to a row cap', () => {
    t = openTempStore();
    const h = t.store.history;
    const ids = ['a', 'b', 'a', 'c', 'a'].map((name) => h.start(name));
    expect(h.list().map((e) => e.id)).toEqual([...ids].reverse());
    expect(h.list('a', 2).map((e) => e.id)).toEqual([ids[4], ids[2]]);
    expect(h.list('zzz')).toEqual([]);
    expect(h.prune(2)).toBe(3);
    expect(h.list().map((e) => e.id)).toEqual([ids[4], ids[3]]);
    expect(h.prune(10)).toBe(0);
  });

  it('closes rows a crash left open as interrupted', () => {
    t = openTempStore();
    const h = t.store.history;
    const done = h.start('a');
    h.finish(done, { status: 'stopped', bytes_sent: 1, bytes_received: 1 });
    h.start('b');
    h.start('c');
    expect(h.closeInterrupted('daemon was killed')).toBe(2);
    expect(h.list().map((e) => e.status)).toEqual(['interrupted', 'interrupted', 'stopped']);
    expect(h.closeInterrupted('again')).toBe(0);
  });
});
