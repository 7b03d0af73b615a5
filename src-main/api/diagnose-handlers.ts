// diagnose.* handlers: EC2 Connect's diagnostics run in the daemon through its AWS clients. Each
// finished item of diagnose.run goes out as an `event.diagnose` notification (progress while the
// run is under way); each run, diagnose.aws_config's included, is stored (diagnose.history) with
// its whole report.
import { randomUUID } from 'node:crypto';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { diagnosticItemDescriptions, type DiagnoseEvent } from '../../src-shared/api/diagnose-contract.js';
import { diagnosticItemNames } from '../../src-shared/api/diagnostics.js';
import type { AwsClientCache } from '../aws/aws-clients.js';
import { asDiagnosticReport, runAwsConfig } from '../aws/diagnostics/aws-config/run.js';
import { runDiagnostics } from '../aws/diagnostics/run.js';
import type { CheckContext } from '../aws/diagnostics/types.js';
import type { DiagnosticsRepo } from '../store/diagnostics-repo.js';
import { awsError } from '../transports/ssm/aws-errors.js';
import type { Handlers } from './dispatcher.js';

type DiagnoseMethod = 'diagnose.run' | 'diagnose.list_items' | 'diagnose.history' | 'diagnose.aws_config';

export interface DiagnoseDeps {
  /** Where runs are kept; absent: runs are not stored and history is empty. */
  repo?: Pick<DiagnosticsRepo, 'add' | 'list'>;
  /** Publishes event.diagnose to subscribers. */
  emit: (event: DiagnoseEvent) => void;
  /** Where diagnose.aws_config reads AWS_PROFILE, AWS_REGION, AWS_CONFIG_FILE…; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export function createDiagnoseHandlers(aws: AwsClientCache | undefined, deps: DiagnoseDeps | undefined): Pick<Handlers, DiagnoseMethod> {
  return {
    'diagnose.run': async (p) => {
      if (!aws) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
      if (p.mode === 'item' && p.items?.length !== 1)
        throw new WarrenError(ErrorCode.InvalidParams, `mode "item" needs exactly one item (one of ${diagnosticItemNames.join(', ')})`);
      if (p.items && p.mode !== 'item' && p.mode !== 'full') throw new WarrenError(ErrorCode.InvalidParams, `items can only be chosen in modes "full" and "item", not "${p.mode}"`);
      const runId = randomUUID();
      const ctx: CheckContext = { aws: aws.get({ profile: p.profile, region: p.region }), instanceId: p.instance_id };
      if (p.local_port !== undefined) ctx.localPort = p.local_port;
      if (p.remote_port !== undefined) ctx.remotePort = p.remote_port;
      let report;
      try {
        report = await runDiagnostics(ctx, {
          mode: p.mode,
          ...(p.items ? { items: p.items } : {}),
          abortOnCritical: p.abort_on_critical === true,
          onProgress: (item, result, info) => {
            const event: DiagnoseEvent = { run_id: runId, instance_id: p.instance_id, item, result };
            if (info.stage) event.stage = info.stage;
            if (info.stageNumber !== undefined) event.stage_number = info.stageNumber;
            if (info.totalStages !== undefined) event.total_stages = info.totalStages;
            deps?.emit(event);
          },
        });
      } catch (e) {
        throw awsError(e, `diagnosing ${p.instance_id}`, { instance_id: p.instance_id });
      }
      deps?.repo?.add(runId, report);
      return { ...report, run_id: runId };
    },
    'diagnose.aws_config': async (p) => {
      if (!aws) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
      const runId = randomUUID();
      // Failures of AWS calls are results of the run (each check catches its own), so nothing here maps AWS errors.
      const report = await runAwsConfig(
        { clients: aws, env: deps?.env ?? process.env },
        {
          profile: p.profile,
          region: p.region,
          instanceId: p.instance_id,
          includeCredentials: p.include_credentials === true,
          includeIam: p.include_iam === true,
          minimumScore: p.minimum_score ?? 0,
        },
      );
      deps?.repo?.add(runId, asDiagnosticReport(report));
      return { ...report, run_id: runId };
    },
    'diagnose.list_items': () => ({ items: diagnosticItemNames.map((item) => ({ item, description: diagnosticItemDescriptions[item] })) }),
    'diagnose.history': (p) => ({
      runs: deps?.repo?.list({ ...(p.instance_id ? { instanceId: p.instance_id } : {}), ...(p.limit ? { limit: p.limit } : {}) }) ?? [],
    }),
  };
}
