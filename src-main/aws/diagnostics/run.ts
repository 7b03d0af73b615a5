// Runs diagnostics in EC2 Connect's modes:
//   full       every item (or opts.items), in parallel: they are independent reads;
//   precheck   the fast subset before connecting: instance_state, ssm_agent, local_port_availability;
//   preventive staged EC2 → SSM → IAM → network, reporting progress per item in stage order and,
//              with abortOnCritical, stopping after the first stage that found a CRITICAL problem;
//   item       the one named check.
import { diagnosticItemNames, type DiagnosticItemName, type DiagnosticMode, type DiagnosticReport, type DiagnosticResult, type PreventiveStage } from '../../../src-shared/api/diagnostics.js';
import { CHECKS } from './checks/index.js';
import { connectionLikelihood } from './likelihood.js';
import type { CheckContext } from './types.js';

export const PRECHECK_ITEMS: readonly DiagnosticItemName[] = ['instance_state', 'ssm_agent', 'local_port_availability'];

export const PREVENTIVE_STAGES: readonly { stage: PreventiveStage; items: readonly DiagnosticItemName[] }[] = [
  { stage: 'ec2', items: ['instance_state'] },
  { stage: 'ssm', items: ['ssm_agent'] },
  { stage: 'iam', items: ['iam_permissions'] },
  { stage: 'network', items: ['vpc_endpoints', 'security_groups', 'network_connectivity', 'local_port_availability'] },
];

export interface ProgressInfo {
  /** Set in preventive mode. */
  stage?: PreventiveStage;
  /** 1-based stage number and stage count, as EC2 Connect's PreventiveCheckProgress shows them. */
  stageNumber?: number;
  totalStages?: number;
}

export interface RunOptions {
  mode: DiagnosticMode;
  /** full: a subset to run; item: exactly one name. */
  items?: readonly DiagnosticItemName[];
  /** preventive only: skip the later stages once a stage reports a CRITICAL failure. */
  abortOnCritical?: boolean;
  onProgress?: (item: DiagnosticItemName, result: DiagnosticResult, info: ProgressInfo) => void;
}

export async function runDiagnostics(ctx: CheckContext, opts: RunOptions): Promise<DiagnosticReport> {
  const startedAt = new Date();
  const region = await ctx.aws.ec2.config.region();
  let results: DiagnosticResult[];
  let abortedAfter: PreventiveStage | undefined;
  const runOne = async (item: DiagnosticItemName, info: ProgressInfo = {}) => {
    const r = await CHECKS[item](ctx);
    opts.onProgress?.(item, r, info);
    return r;
  };

  switch (opts.mode) {
    case 'full':
      results = await Promise.all((opts.items ?? diagnosticItemNames).map((i) => runOne(i)));
      break;
    case 'precheck':
      results = await Promise.all(PRECHECK_ITEMS.map((i) => runOne(i)));
      break;
    case 'item': {
      const item = opts.items?.[0];
      if (!item || opts.items?.length !== 1) throw new Error('mode "item" needs exactly one item name');
      results = [await runOne(item)];
      break;
    }
    case 'preventive': {
      results = [];
      for (const [n, { stage, items }] of PREVENTIVE_STAGES.entries()) {
        if (abortedAfter) {
          results.push(...items.map((item) => notRun(item, abortedAfter!)));
          continue;
        }
        const info = { stage, stageNumber: n + 1, totalStages: PREVENTIVE_STAGES.length };
        // Items of one stage run one after another so progress arrives in a stable order.
        for (const item of items) results.push(await runOne(item, info));
        if (opts.abortOnCritical && results.some((r) => r.status === 'fail' && r.severity === 'CRITICAL')) abortedAfter = stage;
      }
      break;
    }
  }

  return {
    instance_id: ctx.instanceId,
    ...(ctx.aws.target.profile ? { profile: ctx.aws.target.profile } : {}),
    region,
    results,
    likelihood_percent: connectionLikelihood(results),
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    mode: opts.mode,
    ...(abortedAfter ? { aborted_after_stage: abortedAfter } : {}),
  };
}

function notRun(item: DiagnosticItemName, stage: PreventiveStage): DiagnosticResult {
  return { item, status: 'skip', severity: 'INFO', message: `Not run: the ${stage} stage found a CRITICAL problem.`, details: { aborted_after_stage: stage }, duration_ms: 0 };
}
