// Feature: ec2-connect-improvements, Property 32: issues are classified by severity and a
// connection likelihood is computed from them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiagnosticResult } from '../../../src-shared/api/diagnostics.js';
import { CRITICAL_CAP, LIKELY_THRESHOLD, UNCHECKED_CRITICAL_CAP, connectionLikelihood } from './likelihood.js';

type R = Pick<DiagnosticResult, 'status' | 'severity'>;
const result = fc.record<R>({
  status: fc.constantFrom('pass', 'fail', 'warn', 'skip', 'could_not_check'),
  severity: fc.constantFrom('CRITICAL', 'ERROR', 'WARNING', 'INFO'),
});

describe('connectionLikelihood', () => {
  it('is 100 when everything passes or is skipped, and follows the documented weights', () => {
    expect(connectionLikelihood([])).toBe(100);
    expect(connectionLikelihood([{ status: 'pass', severity: 'INFO' }, { status: 'skip', severity: 'INFO' }])).toBe(100);
    expect(connectionLikelihood([{ status: 'warn', severity: 'WARNING' }])).toBe(90);
    expect(connectionLikelihood([{ status: 'fail', severity: 'ERROR' }])).toBe(70);
    expect(connectionLikelihood([{ status: 'fail', severity: 'ERROR' }, { status: 'warn', severity: 'WARNING' }])).toBe(60);
    expect(connectionLikelihood([{ status: 'fail', severity: 'CRITICAL' }])).toBe(0);
  });

  it('stays within 0–100 and is capped low by any CRITICAL failure', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 12 }), (rs) => {
        const p = connectionLikelihood(rs);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(100);
        if (rs.some((r) => r.severity === 'CRITICAL' && (r.status === 'fail' || r.status === 'warn'))) expect(p).toBeLessThanOrEqual(CRITICAL_CAP);
      }),
      { numRuns: 200 },
    );
  });

  it('is monotone: turning any failure into a pass never lowers it', () => {
    fc.assert(
      fc.property(fc.array(result, { minLength: 1, maxLength: 12 }), fc.nat(), (rs, k) => {
        const i = k % rs.length;
        const fixed = rs.map((r, j) => (j === i ? { status: 'pass' as const, severity: 'INFO' as const } : r));
        expect(connectionLikelihood(fixed)).toBeGreaterThanOrEqual(connectionLikelihood(rs));
      }),
      { numRuns: 200 },
    );
  });

  it('a could-not-check result lowers it by half its severity; one on a CRITICAL item caps it below "likely"', () => {
    expect(connectionLikelihood([{ status: 'could_not_check', severity: 'ERROR' }])).toBe(85);
    expect(connectionLikelihood([{ status: 'could_not_check', severity: 'CRITICAL' }])).toBe(UNCHECKED_CRITICAL_CAP);
    expect(UNCHECKED_CRITICAL_CAP).toBeLessThan(LIKELY_THRESHOLD);
    fc.assert(
      fc.property(fc.array(result, { maxLength: 12 }), fc.nat(), (rs, k) => {
        const withUnchecked = [...rs];
        withUnchecked.splice(k % (rs.length + 1), 0, { status: 'could_not_check', severity: 'CRITICAL' });
        expect(connectionLikelihood(withUnchecked)).toBeLessThan(LIKELY_THRESHOLD);
      }),
      { numRuns: 300 },
    );
  });
});
