// fix.run: diagnose (full), plan, apply what is allowed, re-diagnose. Every action's start, end and
// each wait tick go out as `event.fix` so the CLI can show "waiting for SSM registration: 12 s,
// check 4" while the call is still under way.
import { randomUUID } from 'node:crypto';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import type { FixEvent } from '../../src-shared/api/fix-contract.js';
import type { AwsClientCache } from '../aws/aws-clients.js';
import { runDiagnostics } from '../aws/diagnostics/run.js';
import type { CheckContext } from '../aws/diagnostics/types.js';
import { applyFixes, planFixes, pollIntervalFromEnv } from '../aws/fix/index.js';
import { awsError } from '../transports/ssm/aws-errors.js';
import type { Handlers } from './dispatcher.js';

export interface FixDeps {
  /** Publishes event.fix to subscribers. */
  emit: (event: FixEvent) => void;
  /** How often to check the agent's registration; default WARREN_FIX_POLL_INTERVAL_MS, else 3 s. */
  pollIntervalMs?: number;
}

export function createFixHandlers(aws: AwsClientCache | undefined, deps: FixDeps | undefined): Pick<Handlers, 'fix.run'> {
  const pollIntervalMs = deps?.pollIntervalMs ?? pollIntervalFromEnv(process.env);
  return {
    'fix.run': async (p) => {
      if (!aws) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
      const runId = randomUUID();
      const ctx: CheckContext = { aws: aws.get({ profile: p.profile, region: p.region }), instanceId: p.instance_id };
      if (p.local_port !== undefined) ctx.localPort = p.local_port;
      if (p.remote_port !== undefined) ctx.remotePort = p.remote_port;
      try {
        const before = await runDiagnostics({ ...ctx }, { mode: 'full' });
        const plan = planFixes(before);
        const outcome = await applyFixes(ctx, plan, {
          safeOnly: p.safe_only,
          dryRun: p.dry_run || !p.auto_fix,
          dryRunReason: p.dry_run ? 'dry run' : 'auto-fix not requested',
          ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
          ...(p.wait_timeout_s !== undefined ? { waitTimeoutMs: p.wait_timeout_s * 1000 } : {}),
          onProgress: (e) => {
            const event: FixEvent = { run_id: runId, instance_id: p.instance_id, action: e.action, status: e.status, message: e.message };
            if (e.status === 'progress') {
              event.elapsed_ms = e.elapsedMs;
              event.checks = e.checks;
            }
            deps?.emit(event);
          },
        });
        const after = outcome.after ?? before;
        return {
          run_id: runId,
          instance_id: p.instance_id,
          plan,
          applied: outcome.applied,
          skipped: outcome.skipped,
          failed: outcome.failed,
          likelihood_before: before.likelihood_percent,
          likelihood_after: after.likelihood_percent,
          report_after: after,
        };
      } catch (e) {
        throw awsError(e, `fixing ${p.instance_id}`, { instance_id: p.instance_id });
      }
    },
  };
}
