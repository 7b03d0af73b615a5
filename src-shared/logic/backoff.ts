// Reconnect delays: exponential from initial to max with downward jitter, optionally preceded by an
// "aggressive" burst of quick retries (EC2 Connect's policy). Pure: the random source is injected.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0…1: each delay is reduced by up to this fraction at random, so clients don't retry in lockstep. */
  jitter: number;
  /** Quick retries first: `attempts` of them, `intervalMs` apart (no jitter). */
  aggressive?: { attempts: number; intervalMs: number };
}

export const DEFAULT_JITTER = 0.2;

/** The un-jittered delay before retry number `attempt` (0-based). */
export function baseDelay(attempt: number, policy: BackoffPolicy): number {
  const initial = Math.max(0, policy.initialMs);
  const max = Math.max(initial, policy.maxMs);
  const quick = policy.aggressive?.attempts ?? 0;
  if (attempt < quick) return Math.min(policy.aggressive!.intervalMs, max);
  const n = attempt - quick;
  // 2^n overflows to Infinity for big n; Math.min keeps it at max.
  return Math.min(initial * 2 ** Math.min(n, 1024), max);
}

/** The delay to wait before retry number `attempt`, with jitter. Always within [ (1-jitter)·base, base ]. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = baseDelay(attempt, policy);
  const quick = policy.aggressive?.attempts ?? 0;
  if (attempt < quick) return base;
  const j = Math.min(1, Math.max(0, policy.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - j * r));
}

/** Whether another retry is allowed after `attemptsMade` failures. max_retries 0 means unlimited. */
export function mayRetry(attemptsMade: number, maxRetries: number): boolean {
  return maxRetries === 0 || attemptsMade < maxRetries;
}
