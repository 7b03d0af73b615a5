// Auto-fix (EC2 Connect's `fix`): plan from a diagnostic report, apply the automatic actions.
export { planFixes, formatWait, DEFAULT_POLL_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS, type PlanOptions } from './plan.js';
export { applyFixes, type ApplyOptions, type ApplyOutcome, type FixProgress } from './apply.js';
export { waitForSsmOnline, type WaitOptions, type WaitOutcome, type WaitProgress } from './wait-registration.js';

/** WARREN_FIX_POLL_INTERVAL_MS: the daemon's wait interval (tests shorten it); absent or invalid: 3 s. */
export function pollIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env['WARREN_FIX_POLL_INTERVAL_MS']);
  return Number.isInteger(n) && n >= 10 ? n : undefined;
}
