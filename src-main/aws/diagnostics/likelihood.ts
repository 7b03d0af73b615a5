// Connection likelihood (EC2 Connect's 接続成功可能性, shown as a percentage). The seed asks for a
// percentage computed from the problems found, classified by severity, without fixing numbers;
// these are Warren's:
//   start at 100 and subtract, for every result that is not pass or skip,
//     CRITICAL 100, ERROR 30, WARNING 10, INFO 0 (could_not_check: half of that, since the problem
//     may or may not be there);
//   clamp to 0–100; any CRITICAL failure caps it at 10 (the connection is aborted on CRITICAL, so
//   it must never read as "likely"), and any could_not_check on a CRITICAL item caps it at 40:
//   below LIKELY_THRESHOLD, because a connection whose instance or agent nobody could see is not
//   "likely", yet above a seen CRITICAL failure.
// Each penalty only ever applies while its result fails or is unchecked, so fixing a problem (or
// getting an answer that passes) never lowers it.
import type { DiagnosticResult, Severity } from '../../../src-shared/api/diagnostics.js';

export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = { CRITICAL: 100, ERROR: 30, WARNING: 10, INFO: 0 };
export const CRITICAL_CAP = 10;
export const UNCHECKED_CRITICAL_CAP = 40;
/** From this likelihood up (and with nothing CRITICAL failing or unchecked) a connection is "likely". */
export const LIKELY_THRESHOLD = 50;

export function connectionLikelihood(results: readonly Pick<DiagnosticResult, 'status' | 'severity'>[]): number {
  let score = 100;
  let cap = 100;
  for (const r of results) {
    if (r.status === 'pass' || r.status === 'skip') continue;
    const unchecked = r.status === 'could_not_check';
    score -= unchecked ? SEVERITY_PENALTY[r.severity] / 2 : SEVERITY_PENALTY[r.severity];
    if (r.severity === 'CRITICAL') cap = Math.min(cap, unchecked ? UNCHECKED_CRITICAL_CAP : CRITICAL_CAP);
  }
  return Math.floor(Math.min(cap, Math.max(0, score)));
}
