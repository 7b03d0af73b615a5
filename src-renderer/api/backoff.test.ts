import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    const noJitter = (): number => 0;
    const opts = { initialMs: 250, maxMs: 5000 };
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => reconnectDelay(a, opts, noJitter))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('stays within [80%, 100%] of the capped exponential and never exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialMs, extra, r) => {
          const maxMs = initialMs + extra;
          const d = reconnectDelay(attempt, { initialMs, maxMs }, () => r);
          const base = Math.min(maxMs, initialMs * 2 ** attempt);
          expect(d).toBeLessThanOrEqual(maxMs);
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(d).toBeLessThanOrEqual(Math.ceil(base));
        },
      ),
    );
  });
});
