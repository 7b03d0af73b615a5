import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
afterEach(() => t?.dispose());

const DAY = 86_400_000;

describe('EFS counts repository', () => {
  it('returns samples oldest first, by scaler and since a time; a limit keeps the newest', () => {
    t = openTempStore();
    const c = t.store.efsCounts;
    const now = Date.now();
    for (let i = 0; i < 5; i++) c.add({ ts: now - (5 - i) * 60_000, name: 'media', file_count: 100 + i, threshold: 102 });
    c.add({ ts: now, name: 'logs', file_count: 7, threshold: 10 });
    expect(c.query({ name: 'media' }).map((s) => s.file_count)).toEqual([100, 101, 102, 103, 104]);
    expect(c.query({ name: 'media', sinceMs: now - 2 * 60_000 }).map((s) => s.file_count)).toEqual([103, 104]);
    expect(c.query({ name: 'media', limit: 2 }).map((s) => s.file_count)).toEqual([103, 104]);
    expect(c.query().map((s) => s.name)).toEqual(['media', 'media', 'media', 'media', 'media', 'logs']);
    expect(c.query({ name: 'logs' })).toEqual([{ ts: now, name: 'logs', file_count: 7, threshold: 10 }]);
    expect(() => c.add({ ts: now, name: 'media', file_count: -1, threshold: 1 })).toThrow();
  });

  it('drops samples older than the retention and beyond the row cap on insert', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    t = openTempStore({ now: () => new Date(now), efsCountsRetention: { maxAgeDays: 30, maxRows: 3 } });
    const c = t.store.efsCounts;
    c.add({ ts: now - 40 * DAY, name: 'media', file_count: 1, threshold: 1 });
    expect(c.count()).toBe(0); // already too old
    for (let i = 1; i <= 5; i++) c.add({ ts: now - (10 - i) * DAY, name: 'media', file_count: i, threshold: 1 });
    expect(c.query().map((s) => s.file_count)).toEqual([3, 4, 5]);
  });
});
