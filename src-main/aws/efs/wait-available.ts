// Waits for a new mount target to become "available" (creating → available takes about a minute
// and a half on AWS). Polls DescribeMountTargets for that one id and reports each check, so the
// user sees elapsed time and the check count. Gives up on a state it cannot leave for "available"
// (error, deleting, deleted, gone) and at the timeout; the mount target is left as it is either way.
import type { AwsMountTarget, EfsAwsPort } from './aws-port.js';
import type { Sleep } from './sleep.js';

export interface WaitCheck {
  elapsedMs: number;
  checks: number;
  state: string;
}

export interface WaitAvailableOptions {
  intervalMs: number;
  timeoutMs: number;
  sleep: Sleep;
  now: () => number;
  signal?: AbortSignal;
  onCheck?: (c: WaitCheck) => void;
}

export type WaitResult = { ok: true; target: AwsMountTarget; checks: number; elapsedMs: number } | { ok: false; reason: string; checks: number; elapsedMs: number };

const DEAD_STATES: ReadonlySet<string> = new Set(['error', 'deleting', 'deleted']);

export async function waitUntilAvailable(port: Pick<EfsAwsPort, 'describeMountTarget'>, mountTargetId: string, o: WaitAvailableOptions): Promise<WaitResult> {
  const start = o.now();
  let checks = 0;
  for (;;) {
    const mt = await port.describeMountTarget(mountTargetId);
    checks += 1;
    const elapsedMs = o.now() - start;
    const state = mt?.lifecycle_state ?? 'gone';
    o.onCheck?.({ elapsedMs, checks, state });
    if (mt && state === 'available') return { ok: true, target: mt, checks, elapsedMs };
    if (!mt || DEAD_STATES.has(state))
      return { ok: false, reason: `mount target ${mountTargetId} is ${mt ? `in state "${state}"` : 'gone'}; it will not become available`, checks, elapsedMs };
    if (elapsedMs + o.intervalMs > o.timeoutMs)
      return {
        ok: false,
        reason: `mount target ${mountTargetId} is still "${state}" after ${Math.round(elapsedMs / 1000)} s (wait_timeout ${Math.round(o.timeoutMs / 1000)} s); it is left to finish, and this run does not publish it to SSM`,
        checks,
        elapsedMs,
      };
    await o.sleep(o.intervalMs, o.signal);
  }
}
