// fix.run: diagnose (full), plan, apply what is allowed, re-diagnose. Every action's start, end and
// each wait tick go out as `event.fix` so the CLI can show "waiting for SSM registration: 12 s,
// check 4" while the call is still under way. Every run that produces a result is stored
// (fix.history, fix.show); a run that throws has applied nothing that needs keeping: only the first
// diagnosis can throw (region or credentials), and actions catch their own failures.
import { randomUUID } from 'node:crypto';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import type { FixEvent, FixOutcome, FixRunMode, FixRunResult } from '../../src-shared/api/fix-contract.js';
import type { AwsClientCache } from '../aws/aws-clients.js';
import { runDiagnostics } from '../aws/diagnostics/run.js';
import type { CheckContext } from '../aws/diagnostics/types.js';
import { applyFixes, planFixes, pollIntervalFromEnv } from '../aws/fix/index.js';
import type { FixRunsRepo } from '../store/fix-runs-repo.js';
import { awsError } from '../transports/ssm/aws-errors.js';
import type { Handlers } from './dispatcher.js';

export interface FixDeps {
  /** Publishes event.fix to subscribers. */
  emit: (event: FixEvent) => void;
  /** Where runs are kept; absent: runs are not stored and history is empty. */
  repo?: Pick<FixRunsRepo, 'add' | 'list' | 'get'>;
  /** How often to check the agent's registration; default WARREN_FIX_POLL_INTERVAL_MS, else 3 s. */
  pollIntervalMs?: number;
}

/**
 * How a run ended (see fixOutcomeSchema). "Fixed" means diagnosing again plans nothing more, the
 * same test the plan itself uses, rather than a likelihood threshold of its own.
 */
export function fixOutcome(r: { mode: FixRunMode; planned: number; applied: number; failed: number; plannedAfter: number }): FixOutcome {
  if (r.planned === 0) return 'nothing-to-fix';
  if (r.mode === 'dry-run') return 'planned';
  if (r.applied > 0 && r.plannedAfter === 0) return 'fixed';
  if (r.applied > 0) return 'partial';
  return r.failed > 0 ? 'failed' : 'manual';
}

export function createFixHandlers(aws: AwsClientCache | undefined, deps: FixDeps | undefined): Pick<Handlers, 'fix.run' | 'fix.history' | 'fix.show'> {
  const pollIntervalMs = deps?.pollIntervalMs ?? pollIntervalFromEnv(process.env);
  return {
    'fix.run': async (p) => {
      if (!aws) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
      const runId = randomUUID();
      const startedAt = new Date().toISOString();
      const mode: FixRunMode = p.auto_fix && !p.dry_run ? 'apply' : 'dry-run';
      const ctx: CheckContext = { aws: aws.get({ profile: p.profile, region: p.region }), instanceId: p.instance_id };
      if (p.local_port !== undefined) ctx.localPort = p.local_port;
      if (p.remote_port !== undefined) ctx.remotePort = p.remote_port;
      let result: FixRunResult;
      try {
        const before = await runDiagnostics({ ...ctx }, { mode: 'full' });
        const plan = planFixes(before, { ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}), ...(p.wait_timeout_s !== undefined ? { waitTimeoutMs: p.wait_timeout_s * 1000 } : {}) });
        const outcome = await applyFixes(ctx, plan, {
          safeOnly: p.safe_only,
          dryRun: mode === 'dry-run',
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
        result = {
          run_id: runId,
          instance_id: p.instance_id,
          mode,
          outcome: fixOutcome({
            mode,
            planned: plan.length,
            applied: outcome.applied.length,
            failed: outcome.failed.length,
            plannedAfter: outcome.after ? planFixes(outcome.after).length : plan.length,
          }),
          started_at: startedAt,
          finished_at: new Date().toISOString(),
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
      deps?.repo?.add(result);
      return result;
    },
    'fix.history': (p) => ({
      runs: deps?.repo?.list({ ...(p.instance_id ? { instanceId: p.instance_id } : {}), ...(p.limit ? { limit: p.limit } : {}) }) ?? [],
    }),
    'fix.show': (p) => {
      const run = deps?.repo?.get(p.run_id);
      if (!run) throw new WarrenError(ErrorCode.InvalidParams, `no stored fix run ${p.run_id} (see \`warren fix history\`)`, { run_id: p.run_id });
      return run;
    },
  };
}
