// The aws-config score: bounded, 100 when all pass, monotone in every check's improvement.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AWS_CONFIG_WEIGHTS, awsConfigScore, checkPoints, type ScoredCheck } from './score.js';

const check = fc.record<ScoredCheck>({
  weight: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.01, max: 100, noNaN: true })),
  status: fc.constantFrom('pass', 'warn', 'fail', 'skip'),
  blocked: fc.boolean(),
});
const checks = fc.array(check, { minLength: 1, maxLength: 10 });

describe('awsConfigScore', () => {
  it('follows the documented weights: warn is half, blocked counts as 0, a plain skip is left out', () => {
    expect(Object.values(AWS_CONFIG_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    expect(awsConfigScore([])).toBe(100);
    expect(awsConfigScore([{ weight: 20, status: 'pass' }, { weight: 20, status: 'fail' }])).toBe(50);
    expect(awsConfigScore([{ weight: 15, status: 'warn' }, { weight: 5, status: 'pass' }])).toBe(62.5);
    expect(awsConfigScore([{ weight: 10, status: 'pass' }, { weight: 10, status: 'skip' }])).toBe(100);
    expect(awsConfigScore([{ weight: 10, status: 'pass' }, { weight: 10, status: 'skip', blocked: true }])).toBe(50);
    expect(awsConfigScore([{ weight: 1, status: 'pass' }, { weight: 2, status: 'fail' }])).toBe(33.3);
    expect(checkPoints({ weight: 15, status: 'warn' })).toBe(7.5);
  });

  it('stays within 0–100 with at most one decimal', () => {
    fc.assert(
      fc.property(checks, (cs) => {
        const s = awsConfigScore(cs);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
        expect(Math.round(s * 10)).toBeCloseTo(s * 10, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('is exactly 100 when every check passes', () => {
    fc.assert(
      fc.property(checks, (cs) => {
        expect(awsConfigScore(cs.map((c) => ({ weight: c.weight, status: 'pass' as const })))).toBe(100);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone: turning any check (failed, warned, blocked or skipped) into a pass never lowers it', () => {
    fc.assert(
      fc.property(checks, fc.nat(), (cs, k) => {
        const i = k % cs.length;
        const fixed = cs.map((c, j) => (j === i ? { weight: c.weight, status: 'pass' as const } : c));
        expect(awsConfigScore(fixed)).toBeGreaterThanOrEqual(awsConfigScore(cs));
      }),
      { numRuns: 500 },
    );
  });

  it('is monotone: a fail becoming a warning never lowers it either', () => {
    fc.assert(
      fc.property(checks, fc.nat(), (cs, k) => {
        const i = k % cs.length;
        if (cs[i]!.status !== 'fail') return;
        const better = cs.map((c, j) => (j === i ? { ...c, status: 'warn' as const } : c));
        expect(awsConfigScore(better)).toBeGreaterThanOrEqual(awsConfigScore(cs));
      }),
      { numRuns: 300 },
    );
  });
});
