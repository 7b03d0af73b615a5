import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN_RETRY, withOpenRetry } from './open-retry.js';

class Transient extends Error {}

describe('withOpenRetry (the seed: at most 3 retries, 100 ms base, exponential, jitter)', () => {
  it('retries transient failures at most 3 times with exponential, jittered delays', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 0.999, noNaN: true }), async (failures, r) => {
        const delays: number[] = [];
        let calls = 0;
        const p = withOpenRetry(
          async () => {
            calls++;
            if (calls <= failures) throw new Transient('source unreachable');
            return 'open';
          },
          (e) => e instanceof Transient,
          { random: () => r, sleep: async (ms) => void delays.push(ms) },
        );
        if (failures <= OPEN_RETRY.retries) {
          expect(await p).toBe('open');
          expect(calls).toBe(failures + 1);
        } else {
          await expect(p).rejects.toBeInstanceOf(Transient);
          expect(calls).toBe(OPEN_RETRY.retries + 1);
        }
        delays.forEach((d, i) => {
          const base = OPEN_RETRY.baseMs * 2 ** i;
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.5));
          expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.5));
        });
      }),
    );
  });

  it('does not retry what waiting cannot fix', async () => {
    let calls = 0;
    await expect(
      withOpenRetry(
        async () => {
          calls++;
          throw new Error('not allowed');
        },
        (e) => e instanceof Transient,
        { sleep: async () => undefined },
      ),
    ).rejects.toThrow('not allowed');
    expect(calls).toBe(1);
  });
});
