import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationStringSchema } from '../api/models.js';
import { formatDuration, formatUptime, parseDuration, tryParseDuration } from './duration.js';

/** Reads an uptime string back to the milliseconds it claims (for the properties below). */
function uptimeValue(text: string): number {
  const size: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  return text.split(' ').reduce((sum, part) => {
    const m = /^(\d+)([dhms])$/.exec(part);
    if (!m) throw new Error(`bad uptime part ${part}`);
    return sum + Number(m[1]) * (size[m[2] as string] as number);
  }, 0);
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['60s', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1h0m0s', 3_600_000],
    ['1.5s', 1500],
    ['0', 0],
    ['0s', 0],
    [' 10s ', 10_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 's', '1', '-1s', '1d', '1 s', '1us', 'abc', '1s2', '1m 30s'])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1000, '1s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [7_200_000, '2h'],
    [1500, '1s500ms'],
    [-5, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips every non-negative integer and stays valid for the API schema', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 * 365 * 86_400_000 }), (ms) => {
        const text = formatDuration(ms);
        expect(parseDuration(text)).toBe(ms);
        expect(durationStringSchema.safeParse(text).success).toBe(true);
      }),
    );
  });

  it('is a fixed point after one parse (canonical form)', () => {
    const term = fc.tuple(fc.nat({ max: 5000 }), fc.constantFrom('ms', 's', 'm', 'h'));
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), (terms) => {
        const text = terms.map(([n, u]) => `${n}${u}`).join('');
        const ms = parseDuration(text);
        expect(ms).toBe(terms.reduce((sum, [n, u]) => sum + n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[u], 0));
        expect(formatDuration(parseDuration(formatDuration(ms)))).toBe(formatDuration(ms));
      }),
    );
  });

  it('is monotonic: a < b ⇒ parse(format(a)) < parse(format(b))', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e10 }), fc.nat({ max: 1e10 }), (a, b) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(parseDuration(formatDuration(lo))).toBeLessThan(parseDuration(formatDuration(hi)));
      }),
    );
  });
});

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [45_999, '45s'],
    [192_000, '3m 12s'],
    [9_000_000, '2h 30m'],
    [3_600_000, '1h 0m'],
    [(3 * 24 + 4) * 3_600_000 + 59_000, '3d 4h'],
    [-1000, '0s'],
    [Number.NaN, '0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });

  it('never claims more than has passed, and loses less than its smallest unit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 * 86_400_000 }), (ms) => {
        const text = formatUptime(ms);
        const claimed = uptimeValue(text);
        const smallest = text.endsWith('h') ? 3_600_000 : text.endsWith('m') ? 60_000 : 1000;
        expect(claimed).toBeLessThanOrEqual(ms);
        expect(ms - claimed).toBeLessThan(smallest);
      }),
    );
  });

  it('is monotonic in the time it claims', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 * 86_400_000 }), fc.nat({ max: 400 * 86_400_000 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(uptimeValue(formatUptime(lo))).toBeLessThanOrEqual(uptimeValue(formatUptime(hi)));
      }),
    );
  });
});
