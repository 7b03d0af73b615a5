// One run of an EFS mount target scaler, the design's Lambda flow step by step: count the files →
// plan (strictly above the threshold, a free AZ) → describe the file system, its mount targets and
// the VPC's subnets → create a mount target (idempotently) → wait until it is available → put the
// SSM parameter → force one ECS deployment. Every run ends in a record, never a throw, and what
// a failure leaves behind is the design's error table:
//   count or describe fails   stop; nothing was changed
//   no free AZ                 warn; nothing changed; success (outcome no_subnet)
//   create fails               no SSM write, no deployment
//   wait fails                 the mount target exists; no SSM write, no deployment
//   SSM fails                  the parameter is unchanged; no deployment
//   ECS fails                  recorded; the parameter is already updated (the next deployment uses it)
//
// Idempotent creation (design property 3): the write section runs under a per-file-system lock in
// this process; across processes, the AZ is re-checked right before CreateMountTarget, and a
// MountTargetConflict (a concurrent creator won) adopts the target now in that AZ — never another
// AZ, never a second target. The plan is a pure function of the account's state, so concurrent runs
// converge on the same AZ.
import type { EfsEvent, EfsRun, EfsScalerConfig, EfsTrigger } from '../../../src-shared/api/efs-contract.js';
import { exceedsThreshold, planScaleUp, type RunStep, type ScaleUpPlan } from '../../../src-shared/efs/index.js';
import { parseDuration } from '../../../src-shared/logic/duration.js';
import { awsError } from '../../transports/ssm/aws-errors.js';
import { countFiles, type FileCountOptions, type FileCountResult } from './file-counter.js';
import { awsErrorName, type AwsMountTarget, type EfsAwsPort } from './aws-port.js';
import type { FileSystemLocks } from './fs-locks.js';
import { publishable, publishMountTargets } from './publish.js';
import { finishRun, newRunState, type RunIdentity, type RunState } from './run-record.js';
import { CancelledError, sleep as realSleep, type Sleep } from './sleep.js';
import { waitUntilAvailable } from './wait-available.js';

export type CountFn = (dir: string, options: FileCountOptions) => Promise<Pick<FileCountResult, 'files' | 'dirs' | 'elapsedMs'> & { unreadable?: string[] }>;

export interface RunDeps {
  port: EfsAwsPort;
  /** Shared by every run in this process. */
  locks: FileSystemLocks;
  /** Default: countFiles. */
  count?: CountFn;
  emit?: (e: EfsEvent) => void;
  /** How often the wait step asks for the mount target's state; default 5 s. */
  pollIntervalMs?: number;
  /** Cancels counting and waiting (daemon shutdown). */
  signal?: AbortSignal;
  sleep?: Sleep;
  now?: () => number;
}

export interface RunOptions {
  runId: string;
  dryRun: boolean;
  trigger: EfsTrigger;
}

export const DEFAULT_POLL_INTERVAL_MS = 5000;

/** Not "deleting"/"deleted": such a target still holds its AZ (the planner's rule too). */
const holdsAz = (mt: AwsMountTarget): boolean => mt.lifecycle_state !== 'deleting' && mt.lifecycle_state !== 'deleted';

class StepFailure extends Error {
  constructor(
    readonly step: RunStep,
    message: string,
  ) {
    super(message);
  }
}

function describeError(e: unknown, what: string): string {
  if (e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError')) return `${what}: cancelled (Warren is stopping)`;
  return awsError(e, what).message;
}

export async function runScaler(config: EfsScalerConfig, deps: RunDeps, opts: RunOptions): Promise<EfsRun> {
  const now = deps.now ?? Date.now;
  const started = now();
  const id: RunIdentity = {
    runId: opts.runId,
    name: config.name,
    fileSystemId: config.file_system_id,
    trigger: opts.trigger,
    dryRun: opts.dryRun,
    threshold: config.threshold,
    timestamp: new Date().toISOString(),
  };
  const st: RunState = newRunState();
  const emit = (e: Pick<EfsEvent, 'stage' | 'status' | 'message'> & Partial<EfsEvent>): void =>
    deps.emit?.({ name: id.name, run_id: id.runId, trigger: id.trigger, dry_run: id.dryRun, ...e });
  const finish = (outcome: EfsRun['outcome'], failure?: StepFailure): EfsRun => {
    const run = finishRun(id, st, outcome, now() - started, failure ? { step: failure.step, error: failure.message } : undefined);
    emit({ stage: 'done', status: failure ? 'failed' : 'ok', outcome, message: summary(run) });
    return run;
  };

  try {
    await countStep(config, deps, st, emit);
    if (!exceedsThreshold(st.fileCount ?? 0, config.threshold)) {
      st.plan = { action: 'none', reason: `${st.fileCount} files is not above the threshold of ${config.threshold}` };
      emit({ stage: 'plan', status: 'skipped', message: st.plan.reason! });
      return finish('below_threshold');
    }
    // A dry run writes nothing, so it need not wait for (or hold up) the runs that do.
    if (opts.dryRun) return await planAndApply(config, deps, st, emit, finish, true);
    if (deps.locks.busy(config.file_system_id)) emit({ stage: 'describe', status: 'progress', message: `waiting for another run on ${config.file_system_id} to finish` });
    return await deps.locks.run(config.file_system_id, () => planAndApply(config, deps, st, emit, finish, false));
  } catch (e) {
    if (e instanceof StepFailure) return finish('failed', e);
    throw e;
  }
}

type Emit = (e: Pick<EfsEvent, 'stage' | 'status' | 'message'> & Partial<EfsEvent>) => void;
type Finish = (outcome: EfsRun['outcome'], failure?: StepFailure) => EfsRun;

async function countStep(config: EfsScalerConfig, deps: RunDeps, st: RunState, emit: Emit): Promise<void> {
  const count = deps.count ?? countFiles;
  emit({ stage: 'count', status: 'started', message: `counting files in ${config.directory}${config.recursive ? ' (recursive)' : ''}` });
  try {
    const r = await count(config.directory, {
      recursive: config.recursive,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onProgress: (p) => emit({ stage: 'count', status: 'progress', message: `${p.files} files so far`, files: p.files, dirs: p.dirs, elapsed_ms: p.elapsedMs }),
    });
    st.fileCount = r.files;
    const unreadable = r.unreadable?.length ? `; ${r.unreadable.length} unreadable directories not counted (first: ${r.unreadable[0]})` : '';
    emit({ stage: 'count', status: 'ok', message: `${r.files} files in ${config.directory} (threshold ${config.threshold})${unreadable}`, files: r.files, dirs: r.dirs, elapsed_ms: r.elapsedMs });
  } catch (e) {
    const message = e instanceof Error && e.name === 'FileCountError' ? e.message : describeError(e, `counting files in ${config.directory}`);
    emit({ stage: 'count', status: 'failed', message });
    throw new StepFailure('count', message);
  }
}

async function planAndApply(config: EfsScalerConfig, deps: RunDeps, st: RunState, emit: Emit, finish: Finish, dryRun: boolean): Promise<EfsRun> {
  const { port } = deps;
  const fsId = config.file_system_id;
  // describe: the file system (access and existence), its mount targets, the VPC's subnets.
  emit({ stage: 'describe', status: 'started', message: `describing ${fsId}, its mount targets and the subnets of ${config.vpc_id}` });
  let plan: ScaleUpPlan;
  let current: AwsMountTarget[];
  try {
    const fs = await port.describeFileSystem(fsId);
    if (fs.lifecycle_state !== undefined && fs.lifecycle_state !== 'available')
      throw new StepFailure('describe', `file system ${fsId} is "${fs.lifecycle_state}", not available: no mount target can be added now`);
    const [targets, subnets] = await Promise.all([port.listMountTargets(fsId), port.listSubnets(config.vpc_id)]);
    current = targets;
    plan = planScaleUp({ fileCount: st.fileCount ?? 0, threshold: config.threshold, mountTargets: targets, subnets, vpcId: config.vpc_id });
  } catch (e) {
    const failure = e instanceof StepFailure ? e : new StepFailure('describe', describeError(e, `describing ${fsId}`));
    emit({ stage: 'describe', status: 'failed', message: failure.message });
    throw failure;
  }
  emit({ stage: 'describe', status: 'ok', message: `${current.length} mount targets: ${current.map((m) => `${m.availability_zone} ${m.mount_target_id} (${m.lifecycle_state})`).join(', ') || 'none'}` });

  if (plan.action === 'skip') {
    st.plan = { action: 'skip', reason: plan.message };
    st.warning = plan.message;
    st.after = publishable(current);
    emit({ stage: 'plan', status: 'skipped', message: plan.message });
    return finish('no_subnet');
  }
  if (plan.action === 'none') throw new Error('planScaleUp said below the threshold after the count was above it');
  st.plan = { action: 'create', availability_zone: plan.availability_zone, subnet_id: plan.subnet_id };
  emit({ stage: 'plan', status: 'ok', message: `a new mount target in ${plan.availability_zone} (${plan.subnet_id})` });

  if (dryRun) {
    st.after = publishable(current);
    st.actions = [
      `CreateMountTarget ${fsId} in ${plan.subnet_id} (${plan.availability_zone}) with security group ${config.security_group_id}`,
      `wait until it is available (up to ${config.wait_timeout})`,
      `PutParameter ${config.ssm_parameter} (Overwrite) listing ${st.after.length + 1} mount targets`,
      `UpdateService ${config.ecs_cluster}/${config.ecs_service} with forceNewDeployment`,
    ];
    return finish('dry_run');
  }

  const target = await createStep(config, port, plan, st, emit);
  await waitStep(config, deps, target, st, emit);
  await ssmStep(config, port, st, emit);
  await ecsStep(config, port, st, emit);
  return finish('scaled');
}

/** Re-check the AZ, create, and adopt on a conflict. Fails with nothing created. */
async function createStep(config: EfsScalerConfig, port: EfsAwsPort, plan: Extract<ScaleUpPlan, { action: 'create' }>, st: RunState, emit: Emit): Promise<AwsMountTarget> {
  const fsId = config.file_system_id;
  const az = plan.availability_zone;
  const occupant = async (): Promise<AwsMountTarget | undefined> => (await port.listMountTargets(fsId)).find((m) => m.availability_zone === az && holdsAz(m));
  emit({ stage: 'create', status: 'started', message: `creating a mount target for ${fsId} in ${plan.subnet_id} (${az})` });
  let target: AwsMountTarget | undefined;
  try {
    target = await occupant();
    if (target) st.adopted = true;
    else {
      try {
        target = await port.createMountTarget({ fileSystemId: fsId, subnetId: plan.subnet_id, securityGroupId: config.security_group_id });
      } catch (e) {
        if (awsErrorName(e) !== 'MountTargetConflict') throw e;
        target = await occupant(); // a concurrent run (or an SDK retry of ours) created it first
        if (!target) throw e;
        st.adopted = true;
      }
    }
  } catch (e) {
    const message = describeError(e, `CreateMountTarget in ${plan.subnet_id} (${az})`);
    emit({ stage: 'create', status: 'failed', message });
    throw new StepFailure('create', message);
  }
  st.target = target;
  const what = st.adopted
    ? `adopted mount target ${target.mount_target_id} in ${az}: a concurrent run created it first`
    : `CreateMountTarget → ${target.mount_target_id} in ${target.subnet_id} (${az})`;
  st.actions.push(what);
  emit({ stage: 'create', status: 'ok', message: what });
  return target;
}

async function waitStep(config: EfsScalerConfig, deps: RunDeps, target: AwsMountTarget, st: RunState, emit: Emit): Promise<void> {
  emit({ stage: 'wait', status: 'started', message: `waiting for ${target.mount_target_id} to become available` });
  let failure: string;
  try {
    const r = await waitUntilAvailable(deps.port, target.mount_target_id, {
      intervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      timeoutMs: parseDuration(config.wait_timeout),
      sleep: deps.sleep ?? realSleep,
      now: deps.now ?? Date.now,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onCheck: (c) =>
        emit({ stage: 'wait', status: 'progress', message: `${target.mount_target_id} is ${c.state}`, elapsed_ms: c.elapsedMs, checks: c.checks }),
    });
    if (r.ok) {
      st.target = { ...target, ...r.target };
      st.actions.push(`${target.mount_target_id} became available after ${Math.round(r.elapsedMs / 100) / 10} s`);
      emit({ stage: 'wait', status: 'ok', message: `${target.mount_target_id} is available (${r.target.ip_address ?? 'no address'})`, elapsed_ms: r.elapsedMs, checks: r.checks });
      return;
    }
    failure = r.reason;
  } catch (e) {
    failure = describeError(e, `waiting for ${target.mount_target_id}`);
  }
  emit({ stage: 'wait', status: 'failed', message: failure });
  throw new StepFailure('wait', failure);
}

async function ssmStep(config: EfsScalerConfig, port: EfsAwsPort, st: RunState, emit: Emit): Promise<void> {
  emit({ stage: 'ssm', status: 'started', message: `writing the available mount targets to ${config.ssm_parameter}` });
  try {
    const r = await publishMountTargets(port, config.file_system_id, config.ssm_parameter, st.target!);
    st.after = r.written;
    const what = `PutParameter ${config.ssm_parameter}: ${r.written.length} mount targets (${r.written.map((m) => m.availability_zone).join(', ')})`;
    st.actions.push(what);
    emit({ stage: 'ssm', status: 'ok', message: what });
  } catch (e) {
    const message = `${describeError(e, `PutParameter ${config.ssm_parameter}`)}; the parameter is unchanged and no deployment was started`;
    emit({ stage: 'ssm', status: 'failed', message });
    throw new StepFailure('ssm', message);
  }
}

async function ecsStep(config: EfsScalerConfig, port: EfsAwsPort, st: RunState, emit: Emit): Promise<void> {
  const service = `${config.ecs_cluster}/${config.ecs_service}`;
  emit({ stage: 'ecs', status: 'started', message: `forcing a new deployment of ${service}` });
  try {
    await port.forceNewDeployment(config.ecs_cluster, config.ecs_service);
  } catch (e) {
    const message = `${describeError(e, `UpdateService ${service}`)}; ${config.ssm_parameter} is already updated, so the service's next deployment picks it up`;
    emit({ stage: 'ecs', status: 'failed', message });
    throw new StepFailure('ecs', message);
  }
  st.deployed = true;
  const what = `UpdateService ${service} with forceNewDeployment`;
  st.actions.push(what);
  emit({ stage: 'ecs', status: 'ok', message: what });
}

/** One line for the "done" event and the CLI. */
export function summary(run: EfsRun): string {
  const count = run.file_count === null ? 'no count' : `${run.file_count} files (threshold ${run.threshold})`;
  switch (run.outcome) {
    case 'below_threshold':
      return `${count}: nothing to do`;
    case 'no_subnet':
      return `${count}: no mount target added: ${run.warning ?? 'no free availability zone'}`;
    case 'dry_run':
      return `${count}: would add a mount target in ${run.plan?.availability_zone ?? '?'} (${run.plan?.subnet_id ?? '?'}) — dry run, nothing changed`;
    case 'scaled':
      return `${count}: ${run.adopted ? 'adopted' : 'added'} ${run.new_mount_target_id} in ${run.plan?.availability_zone ?? '?'}, published ${run.mount_targets_after?.length ?? 0} mount targets, deployment started`;
    case 'failed':
      return `${count}: failed at ${run.failed_step}: ${run.error}`;
  }
}
