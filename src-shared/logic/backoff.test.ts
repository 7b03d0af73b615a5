import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, baseDelay, mayRetry, type BackoffPolicy } from './backoff.js';

const policyArb: fc.Arbitrary<BackoffPolicy> = fc.record({
  initialMs: fc.integer({ min: 1, max: 60_000 }),
  maxMs: fc.integer({ min: 1, max: 600_000 }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  aggressive: fc.option(fc.record({ attempts: fc.integer({ min: 0, max: 20 }), intervalMs: fc.integer({ min: 1, max: 5000 }) }), {
    nil: undefined,
  }),
});

describe('backoff', () => {
  it('MolePort/ARCHITECTURE defaults give 1, 2, 4, 8, 16 s', () => {
    const p = { initialMs: 1000, maxMs: 16_000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, p))).toEqual([1000, 2000, 4000, 8000, 16000, 16000, 16000]);
  });

  it('aggressive mode retries quickly first, then exponentially', () => {
    const p = { initialMs: 1000, maxMs: 16_000, jitter: 0, aggressive: { attempts: 3, intervalMs: 500 } };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, p))).toEqual([500, 500, 500, 1000, 2000]);
  });

  it('every delay respects its bounds, whatever the policy, attempt and random draw', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (p, attempt, r) => {
        const d = backoffDelay(attempt, p, () => r);
        const cap = Math.max(p.initialMs, p.maxMs);
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(cap);
        const base = baseDelay(attempt, p);
        expect(d).toBeLessThanOrEqual(base);
        const quick = p.aggressive?.attempts ?? 0;
        if (attempt >= quick) expect(d).toBeGreaterThanOrEqual(Math.floor(base * (1 - p.jitter)) - 1);
      }),
    );
  });

  it('the un-jittered schedule never decreases', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 200 }), (p, a) => {
        const quick = p.aggressive?.attempts ?? 0;
        if (a + 1 === quick) return; // the step from the burst to the exponential part may go down
        expect(baseDelay(a + 1, p)).toBeGreaterThanOrEqual(baseDelay(a, p));
      }),
    );
  });

  it('max_retries 0 is unlimited', () => {
    expect(mayRetry(1_000_000, 0)).toBe(true);
    expect(mayRetry(2, 3)).toBe(true);
    expect(mayRetry(3, 3)).toBe(false);
  });
});
