// The EFS mount target autoscaler as the design's Lambda (efs-mount-target-autoscaling): EventBridge
// invokes it every 5 minutes and it runs Warren's controller once — count the files under
// TARGET_DIRECTORY (the function's EFS access point mount), and above FILE_COUNT_THRESHOLD add a
// mount target in a free AZ, publish the list to the SSM parameter and force one ECS deployment.
// The same runScaler the Warren daemon runs; only the configuration (environment variables), the
// logging (one JSON line per event on stdout → CloudWatch Logs) and the deadline are Lambda's.
//
// Bundled by build.mjs (esbuild, CommonJS, AWS SDK v3 inside) into handler.cjs: `Handler: handler.handler`.
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from '../../src-main/aws/aws-clients.js';
import { sdkEfsPort } from '../../src-main/aws/efs/aws-port.js';
import { runScaler } from '../../src-main/aws/efs/controller.js';
import { FileSystemLocks } from '../../src-main/aws/efs/fs-locks.js';
import { efsScalerConfigSchema, type EfsEvent, type EfsRun, type EfsScalerConfig } from '../../src-shared/api/efs-contract.js';
import type { LambdaExecutionResult } from '../../src-shared/efs/index.js';

/** The part of Lambda's context object the handler reads (no @types/aws-lambda in this repo). */
export interface LambdaContext {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

type ConfigKey = 'file_system_id' | 'directory' | 'threshold' | 'ssm_parameter' | 'ecs_cluster' | 'ecs_service' | 'vpc_id' | 'security_group_id' | 'recursive' | 'wait_timeout';

interface EnvVar {
  key: ConfigKey;
  required: boolean;
  /** What the value is, for the error message. */
  what: string;
}

/**
 * The design's environment variables (names unchanged), then Warren's two optional ones. The
 * template (template.yaml) sets exactly these; a test checks the two lists agree.
 */
export const ENV_VARS: Readonly<Record<string, EnvVar>> = {
  EFS_FILE_SYSTEM_ID: { key: 'file_system_id', required: true, what: 'the EFS file system id, e.g. fs-0123456789abcdef0' },
  TARGET_DIRECTORY: { key: 'directory', required: true, what: 'the directory to count, under the access point mount, e.g. /mnt/efs/data' },
  FILE_COUNT_THRESHOLD: { key: 'threshold', required: false, what: 'scale when the file count is above this whole number (default 100000)' },
  SSM_PARAMETER_NAME: { key: 'ssm_parameter', required: true, what: 'the SSM parameter the mount target list is written to, e.g. /app/efs/mount-targets' },
  ECS_CLUSTER_NAME: { key: 'ecs_cluster', required: true, what: 'the ECS cluster of the Fargate service' },
  ECS_SERVICE_NAME: { key: 'ecs_service', required: true, what: 'the ECS service to redeploy after a new mount target' },
  VPC_ID: { key: 'vpc_id', required: true, what: 'the VPC of the file system, e.g. vpc-0123456789abcdef0' },
  SECURITY_GROUP_ID: { key: 'security_group_id', required: true, what: 'the security group for new mount targets, e.g. sg-0123456789abcdef0' },
  RECURSIVE: { key: 'recursive', required: false, what: 'count the whole tree: true or false (default false)' },
  WAIT_TIMEOUT: { key: 'wait_timeout', required: false, what: 'how long to wait for a new mount target, e.g. 4m (default 10m; the run also stops before the Lambda timeout)' },
};

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** Every bad or missing variable at once, so one failed invocation shows everything to fix. */
export class LambdaConfigError extends Error {
  override readonly name = 'LambdaConfigError';
  constructor(readonly problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(`the EFS scaler's environment is not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`);
  }
}

/** The environment → the controller's config, checked by its own zod schema (efsScalerConfigSchema). */
export function configFromEnv(env: NodeJS.ProcessEnv): EfsScalerConfig {
  const problems: Array<{ variable: string; problem: string }> = [];
  const input: Record<string, unknown> = { name: 'lambda' };
  for (const [variable, spec] of Object.entries(ENV_VARS)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') {
      if (spec.required) problems.push({ variable, problem: `not set (${spec.what})` });
      continue;
    }
    if (spec.key === 'threshold') {
      if (!/^\d+$/.test(raw)) problems.push({ variable, problem: `${JSON.stringify(raw)} is not a whole number (${spec.what})` });
      else input.threshold = Number(raw);
    } else if (spec.key === 'recursive') {
      const b = BOOLEANS[raw.toLowerCase()];
      if (b === undefined) problems.push({ variable, problem: `${JSON.stringify(raw)} is not true or false` });
      else input.recursive = b;
    } else input[spec.key] = raw;
  }
  const parsed = efsScalerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const byKey = new Map(Object.entries(ENV_VARS).map(([variable, spec]) => [spec.key as string, variable]));
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const variable = byKey.get(key) ?? (key || 'configuration');
      // A variable already reported (missing, or not a number) is not reported twice.
      if (problems.some((p) => p.variable === variable)) continue;
      const value = typeof input[key] === 'string' ? `${JSON.stringify(input[key])}: ` : '';
      problems.push({ variable, problem: `${value}${issue.message}` });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    const order = Object.keys(ENV_VARS);
    const rank = (v: string): number => (order.includes(v) ? order.indexOf(v) : order.length);
    throw new LambdaConfigError(problems.sort((a, b) => rank(a.variable) - rank(b.variable)));
  }
  return parsed.data;
}

/** The run failed: thrown so the invocation counts in the function's Errors metric. */
export class EfsScalerRunFailed extends Error {
  override readonly name = 'EfsScalerRunFailed';
  constructor(
    message: string,
    /** What the handler would have returned (file_count is null when the count itself failed). */
    readonly result: LambdaResult,
  ) {
    super(message);
  }
}

/** The design's LambdaExecutionResult; file_count is null only when counting failed (then the handler throws). */
export type LambdaResult = Omit<LambdaExecutionResult, 'file_count'> & { file_count: number | null };

/** How long before the Lambda timeout the run is stopped: 10 s, or a tenth of the time left when that is less. */
export function deadlineMarginMs(remainingMs: number): number {
  return Math.max(0, Math.min(10_000, Math.floor(remainingMs / 10)));
}

// Kept across warm invocations: the SDK clients (and their credentials) and the lock map. Reserved
// concurrency 1 means one invocation at a time, so the lock only ever has one holder here; it is
// passed because the controller takes it, and it costs nothing.
let shared: { clients: AwsClients; locks: FileSystemLocks } | undefined;

function logLine(record: Record<string, unknown>): void {
  // One line per record: CloudWatch Logs keeps it whole and Logs Insights discovers its JSON fields.
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function levelOf(status: EfsEvent['status'] | undefined, outcome: EfsRun['outcome'] | undefined): 'info' | 'warn' | 'error' {
  if (status === 'failed' || outcome === 'failed') return 'error';
  // The design's "no free subnet": a warning, and a normal end. Below the threshold is plain info.
  if (outcome === 'no_subnet') return 'warn';
  return 'info';
}

function isDryRunRequest(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { dry_run?: unknown }).dry_run === true;
}

/**
 * EventBridge's scheduled event (or any event) runs the scaler once. `{"dry_run": true}` (a manual
 * `aws lambda invoke`) plans without changing anything.
 */
export async function handler(event: unknown, context?: LambdaContext): Promise<LambdaResult> {
  const requestId = context?.awsRequestId || randomUUID();
  let config: EfsScalerConfig;
  try {
    config = configFromEnv(process.env);
  } catch (e) {
    logLine({ level: 'error', type: 'config', request_id: requestId, error: e instanceof Error ? e.message : String(e) });
    throw e;
  }
  const dryRun = isDryRunRequest(event);

  // Stop before Lambda kills the invocation: a run cut off by the timeout logs no result, and its
  // counting worker would die mid-walk. The signal stops the count (the walker is terminated) and
  // the wait for "available" (its sleep is abortable); the controller then ends with a record.
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let marginMs = 0;
  const remaining = context?.getRemainingTimeInMillis?.();
  if (typeof remaining === 'number' && Number.isFinite(remaining)) {
    marginMs = deadlineMarginMs(remaining);
    timer = setTimeout(() => abort.abort(new Error('the Lambda timeout is near')), Math.max(0, remaining - marginMs));
    timer.unref();
  }

  shared ??= { clients: createAwsClients({ region: process.env.AWS_REGION }), locks: new FileSystemLocks() };
  let run: EfsRun;
  try {
    run = await runScaler(
      config,
      {
        port: sdkEfsPort(shared.clients),
        locks: shared.locks,
        signal: abort.signal,
        emit: (e) => logLine({ level: levelOf(e.status, e.outcome), type: 'event', request_id: requestId, ...e }),
      },
      { runId: requestId, dryRun, trigger: dryRun ? 'manual' : 'schedule' },
    );
  } catch (e) {
    // runScaler ends every run in a record; a throw is a bug in it. Log it like a result anyway.
    logLine({ level: 'error', type: 'result', request_id: requestId, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    throw e;
  } finally {
    clearTimeout(timer);
  }
  logLine({ level: levelOf(undefined, run.outcome), type: 'result', request_id: requestId, ...run });

  let error = run.error;
  if (run.outcome === 'failed' && abort.signal.aborted)
    error = `stopped ${marginMs} ms before the Lambda timeout, during "${run.failed_step}" (raise the function's Timeout, or lower WAIT_TIMEOUT): ${run.error}`;
  const result: LambdaResult = {
    timestamp: run.timestamp,
    file_count: run.file_count,
    threshold: run.threshold,
    threshold_exceeded: run.threshold_exceeded,
    new_mount_target_created: run.new_mount_target_created,
    ...(run.new_mount_target_id !== undefined ? { new_mount_target_id: run.new_mount_target_id } : {}),
    deployment_triggered: run.deployment_triggered,
    ...(error !== undefined ? { error } : {}),
  };
  // Only a failed run throws. EventBridge invokes asynchronously and nobody reads the return value,
  // so a failure that merely returned {error} would count as a success: throwing puts it in the
  // function's Errors metric, where the design's CloudWatch alarm ("Lambda error rate") sees it.
  // "No free AZ" is not a failure (the design: warn, skip, end normally), nor is "below the threshold".
  if (run.outcome === 'failed') throw new EfsScalerRunFailed(`${run.failed_step ?? 'run'} failed: ${error ?? 'unknown error'}`, result);
  return result;
}
