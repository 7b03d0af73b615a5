// The aws-config score (EC2 Connect's `diagnose aws-config` 0–100 score): the weighted share of the
// checks that passed, a warning earning half its weight. A check that is not applicable (a plain
// skip) is left out of the sum; a check that could not run because an earlier one failed (blocked,
// e.g. no region so no endpoint to test) earns nothing, so an unverifiable setup never scores well.
// Pure, so a property test can pin it: within 0–100, all passing = 100, and turning any check into
// a pass never lowers it.
import type { AwsConfigCheckName, DiagnosticStatus } from '../../../../src-shared/api/diagnostics.js';

/**
 * What each check is worth. Credentials and the profile weigh most (nothing works without them);
 * IAM next (a session cannot start); region is required but easiest to fix; the endpoint and the
 * instance confirm the rest. They add up to 100 when every check runs.
 */
export const AWS_CONFIG_WEIGHTS: Readonly<Record<AwsConfigCheckName, number>> = {
  profile: 20,
  region: 15,
  credentials: 25,
  iam_permissions: 20,
  ssm_endpoint: 10,
  instance: 10,
};

export interface ScoredCheck {
  weight: number;
  status: DiagnosticStatus;
  /** Set when the check did not run because an earlier one failed: counts, earning 0. */
  blocked?: boolean;
}

// aws-config never reports could_not_check itself (its checks say "could not complete" as fail); scored as nothing known.
const CREDIT: Readonly<Record<DiagnosticStatus, number>> = { pass: 1, warn: 0.5, fail: 0, skip: 0, could_not_check: 0 };

function usableWeight(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 0;
}

/** Whether the check takes part in the score (a plain skip does not). */
export function counts(c: ScoredCheck): boolean {
  return c.status !== 'skip' || c.blocked === true;
}

/** The points a check earned: its weight for a pass, half for a warning, 0 otherwise. */
export function checkPoints(c: ScoredCheck): number {
  return usableWeight(c.weight) * CREDIT[c.status];
}

/** 0–100 with one decimal; 100 when nothing counts (nothing found wrong). */
export function awsConfigScore(checks: readonly ScoredCheck[]): number {
  let total = 0;
  let earned = 0;
  for (const c of checks) {
    if (!counts(c)) continue;
    total += usableWeight(c.weight);
    earned += checkPoints(c);
  }
  if (total === 0) return 100;
  // The ratio first: it is exactly 1 when everything passed, so the score is exactly 100.
  const ratio = Math.min(1, Math.max(0, earned / total));
  return Math.round(ratio * 1000) / 10;
}
