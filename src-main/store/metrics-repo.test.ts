import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';
import type { MetricSample } from './metrics-repo.js';

let t: TempStore;
afterEach(() => t?.dispose());

const DAY = 86_400_000;
function sample(ts: number, rule_name = 'web', extra: Partial<MetricSample> = {}): MetricSample {
  return { ts, rule_name, bytes_sent: ts % 1000, bytes_received: 7, active_connections: 1, ...extra };
}

describe('metric samples repository', () => {
  it('adds a batch and queries one rule by time range, oldest first', () => {
    t = openTempStore();
    const m = t.store.metrics;
    m.add([sample(300), sample(100, 'web', { rtt_ms: 12.5 }), sample(200, 'db'), sample(200)]);
    expect(m.query('web', 100, 200)).toEqual([sample(100, 'web', { rtt_ms: 12.5 }), sample(200)]);
    expect(m.query('web', 0, 1000, 1)).toHaveLength(1);
    expect(m.query('db', 0, 1000)).toEqual([sample(200, 'db')]);
    expect(m.query('web', 301, 1000)).toEqual([]);
    m.add([]);
    expect(m.count()).toBe(4);
    // The engine reports "no probe yet" as null; it reads back as absent.
    m.add([sample(500, 'web', { rtt_ms: null })]);
    expect(m.query('web', 500, 500)).toEqual([sample(500)]);
  });

  it('validates the whole batch before writing any of it', () => {
    t = openTempStore();
    expect(() => t.store.metrics.add([sample(1), sample(2, 'web', { bytes_sent: -5 })])).toThrow();
    expect(() => t.store.metrics.add([sample(1), { ...sample(2), rule_name: '' }])).toThrow();
    expect(t.store.metrics.count()).toBe(0);
  });

  it('prunes by age and by row cap', () => {
    const now = 100 * DAY;
    t = openTempStore({ retention: { maxAgeDays: 7, maxRows: 5 }, now: () => new Date(now) });
    const m = t.store.metrics;
    m.add([sample(now - 10 * DAY), sample(now - 8 * DAY), ...[6, 5, 4, 3, 2, 1, 0].map((d) => sample(now - d * DAY))]);
    expect(m.count()).toBe(9);
    // 2 too old, then 7 left and a cap of 5 drops the 2 oldest of those.
    expect(t.store.maintain()).toEqual({ metricsDeleted: 4, historyDeleted: 0 });
    expect(m.query('web', 0, now).map((s) => (now - s.ts) / DAY)).toEqual([4, 3, 2, 1, 0]);
    expect(m.prune(now)).toBe(0);
    expect(m.prune(now, { maxRows: 2 })).toBe(3);
  });

  it('property: after prune, nothing is older than the cutoff and the cap holds', () => {
    t = openTempStore();
    const m = t.store.metrics;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 30 * DAY }), { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), fc.nat({ max: 40 }), (stamps, days, cap) => {
        m.prune(Number.MAX_SAFE_INTEGER, { maxAgeDays: 0 }); // empty it
        m.add(stamps.map((ts) => sample(ts)));
        const now = 30 * DAY;
        m.prune(now, { maxAgeDays: days, maxRows: cap });
        const left = m.query('web', 0, Number.MAX_SAFE_INTEGER);
        expect(left.length).toBeLessThanOrEqual(cap);
        expect(left.every((s) => s.ts >= now - days * DAY)).toBe(true);
        const young = stamps.filter((ts) => ts >= now - days * DAY).length;
        expect(left.length).toBe(Math.min(young, cap));
      }),
      { numRuns: 40 },
    );
  });
});
