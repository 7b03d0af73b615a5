// applyFixes: carries out a plan in order. An action is applied only when it is automatic, allowed
// by safeOnly, and this is not a dry run; everything else is reported as skipped with the reason.
// Then the instance is diagnosed again so the caller sees the likelihood before and after.
import { StartInstancesCommand } from '@aws-sdk/client-ec2';
import type { DiagnosticReport } from '../../../src-shared/api/diagnostics.js';
import type { FixAction, FixActionId, FixApplied, FixFailed, FixSkipped } from '../../../src-shared/api/fix-contract.js';
import { runDiagnostics } from '../diagnostics/run.js';
import type { CheckContext } from '../diagnostics/types.js';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS } from './plan.js';
import { waitForSsmOnline, type WaitOptions } from './wait-registration.js';

export type FixProgress =
  | { action: FixActionId; status: 'started' | 'applied' | 'skipped' | 'failed'; message: string }
  | { action: FixActionId; status: 'progress'; message: string; elapsedMs: number; checks: number };

export interface ApplyOptions {
  safeOnly: boolean;
  dryRun: boolean;
  /** Why nothing is applied when dryRun is set (e.g. "--auto-fix not given"); default "dry run". */
  dryRunReason?: string;
  onProgress?: (p: FixProgress) => void;
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
  /** Injectable for unit tests. */
  sleep?: WaitOptions['sleep'];
  now?: WaitOptions['now'];
}

export interface ApplyOutcome {
  applied: FixApplied[];
  skipped: FixSkipped[];
  failed: FixFailed[];
  /** The re-run diagnostics; absent when nothing was applied (nothing can have changed). */
  after?: DiagnosticReport;
}

export async function applyFixes(ctx: CheckContext, plan: readonly FixAction[], opts: ApplyOptions): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { applied: [], skipped: [], failed: [] };
  const ids = new Set(plan.map((a) => a.id));
  const skip = (id: FixActionId, reason: string) => {
    out.skipped.push({ id, reason });
    opts.onProgress?.({ action: id, status: 'skipped', message: reason });
  };

  for (const action of plan) {
    const why = skipReason(action, opts);
    if (why) {
      skip(action.id, why);
      continue;
    }
    if (action.id === 'wait_for_ssm_registration') {
      // Without a role the agent can never register: do not wait minutes for nothing.
      if (ids.has('attach_instance_profile')) {
        skip(action.id, 'the agent cannot register before attach_instance_profile is done (see its steps)');
        continue;
      }
      if (out.failed.some((f) => f.id === 'start_instance')) {
        skip(action.id, 'start_instance failed');
        continue;
      }
    }
    opts.onProgress?.({ action: action.id, status: 'started', message: action.title });
    const t0 = Date.now();
    try {
      const message = await run(ctx, action.id, opts);
      out.applied.push({ id: action.id, message, duration_ms: Date.now() - t0 });
      opts.onProgress?.({ action: action.id, status: 'applied', message });
    } catch (e) {
      const error = e instanceof Error ? e.message || e.name : String(e);
      out.failed.push({ id: action.id, error, duration_ms: Date.now() - t0 });
      opts.onProgress?.({ action: action.id, status: 'failed', message: error });
    }
  }

  if (out.applied.length > 0) {
    // A fresh context: diagnostics cache the instance per context object (aws-facts.ts).
    out.after = await runDiagnostics({ ...ctx }, { mode: 'full' });
  }
  return out;
}

function skipReason(a: FixAction, opts: ApplyOptions): string | undefined {
  if (!a.automatic) return a.safe ? 'manual: run the steps yourself' : 'not safe to apply automatically: run the steps yourself';
  if (opts.safeOnly && !a.safe) return 'not safe (--safe-only)';
  if (opts.dryRun) return opts.dryRunReason ?? 'dry run';
  return undefined;
}

async function run(ctx: CheckContext, id: FixActionId, opts: ApplyOptions): Promise<string> {
  switch (id) {
    case 'start_instance': {
      const r = await ctx.aws.ec2.send(new StartInstancesCommand({ InstanceIds: [ctx.instanceId] }));
      const change = r.StartingInstances?.find((i) => i.InstanceId === ctx.instanceId);
      return `${ctx.instanceId}: ${change?.PreviousState?.Name ?? '?'} → ${change?.CurrentState?.Name ?? '?'}`;
    }
    case 'wait_for_ssm_registration': {
      const timeoutMs = opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
      const w = await waitForSsmOnline(ctx.aws, ctx.instanceId, {
        intervalMs: opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        timeoutMs,
        onCheck: (p) =>
          opts.onProgress?.({
            action: id,
            status: 'progress',
            message: `ping status ${p.pingStatus ?? 'not registered'}`,
            elapsedMs: p.elapsedMs,
            checks: p.checks,
          }),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      });
      if (!w.online)
        throw new Error(`the SSM agent is not Online after ${Math.round(w.elapsedMs / 1000)} s (${w.checks} checks, last status ${w.pingStatus ?? 'not registered'})`);
      return `the SSM agent is Online after ${(w.elapsedMs / 1000).toFixed(1)} s (${w.checks} checks)`;
    }
    default:
      // planFixes marks every other action manual, so skipReason never lets it through.
      throw new Error(`${id} cannot be applied automatically`);
  }
}
