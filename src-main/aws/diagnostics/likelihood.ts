// Connection likelihood (EC2 Connect's 接続成功可能性, shown as a percentage). The seed asks for a
// percentage computed from the problems found, classified by severity, without fixing numbers;
// these are Warren's:
//   start at 100 and subtract, for every result that is not pass or skip,
//     CRITICAL 100, ERROR 30, WARNING 10, INFO 0;
//   clamp to 0–100; and any CRITICAL caps it at 10 (the connection is aborted on CRITICAL, so
//   it must never read as "likely").
// Each penalty only ever applies while its result fails, so fixing a problem never lowers it.
import type { DiagnosticResult, Severity } from '../../../src-shared/api/diagnostics.js';

export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = { CRITICAL: 100, ERROR: 30, WARNING: 10, INFO: 0 };
export const CRITICAL_CAP = 10;

export function connectionLikelihood(results: readonly Pick<DiagnosticResult, 'status' | 'severity'>[]): number {
  let score = 100;
  let critical = false;
  for (const r of results) {
    if (r.status === 'pass' || r.status === 'skip') continue;
    score -= SEVERITY_PENALTY[r.severity];
    if (r.severity === 'CRITICAL') critical = true;
  }
  score = Math.min(100, Math.max(0, score));
  return critical ? Math.min(score, CRITICAL_CAP) : score;
}
