// The EFS scaler as the daemon runs it: saved scalers (store), one run at a time per scaler,
// runs and counts recorded, progress on event.efs, and the schedule restored at start. The API
// handlers are thin over this; the run itself is controller.ts.
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_EFS_SCALER,
  efsConfigureParamsSchema,
  efsScalerConfigSchema,
  ErrorCode,
  WarrenError,
  describeIssues,
  type EfsConfigureParams,
  type EfsEvent,
  type EfsRun,
  type EfsScalerInfo,
  type EfsStatusResult,
  type EfsTrigger,
} from '../../../src-shared/api/index.js';
import { parseDuration } from '../../../src-shared/logic/duration.js';
import type { Log } from '../../log.js';
import type { EfsCountsRepo } from '../../store/efs-counts-repo.js';
import type { EfsRunsRepo } from '../../store/efs-runs-repo.js';
import type { EfsScalerRow, EfsScalersRepo } from '../../store/efs-scalers-repo.js';
import type { AwsTarget } from '../aws-clients.js';
import type { EfsAwsPort } from './aws-port.js';
import { runScaler, type CountFn } from './controller.js';
import { FileSystemLocks } from './fs-locks.js';
import { readParameter } from './parameter.js';
import { EfsScheduler } from './scheduler.js';
import { mountTargetStatus } from './status.js';

export interface EfsServiceDeps {
  scalers: EfsScalersRepo;
  runs: EfsRunsRepo;
  counts: EfsCountsRepo;
  /** The AWS calls for a profile/region (the daemon: sdkEfsPort over its client cache). */
  port: (target: AwsTarget) => EfsAwsPort;
  emit: (e: EfsEvent) => void;
  log: Pick<Log, 'info' | 'warn'>;
  count?: CountFn;
  pollIntervalMs?: number;
}

/** WARREN_EFS_POLL_INTERVAL_MS: how often a run checks a new mount target (tests shorten it). */
export function efsPollIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env['WARREN_EFS_POLL_INTERVAL_MS']);
  return Number.isInteger(n) && n >= 10 ? n : undefined;
}

interface InFlight {
  runId: string;
  abort: AbortController;
  done: Promise<unknown>;
}

const targetOf = (c: { profile?: string | undefined; region?: string | undefined }): AwsTarget => ({
  ...(c.profile ? { profile: c.profile } : {}),
  ...(c.region ? { region: c.region } : {}),
});

export class EfsService {
  private readonly locks = new FileSystemLocks();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly scheduler: EfsScheduler;
  private disposed = false;

  constructor(private readonly d: EfsServiceDeps) {
    this.scheduler = new EfsScheduler({ run: (name) => this.run(name, { dryRun: false, trigger: 'schedule' }), isRunning: (name) => this.inFlight.has(name), log: d.log });
  }

  /** Arm the schedules that were on when the daemon last stopped. */
  restoreSchedules(): string[] {
    const on = this.d.scalers.list().filter((s) => s.schedule_enabled);
    for (const s of on) this.arm(s);
    if (on.length > 0) this.d.log.info({ scalers: on.map((s) => s.name) }, 'efs schedules restored');
    return on.map((s) => s.name);
  }

  /** The scaler's name: the one given, else "default", else the only one there is. */
  resolveName(name: string | undefined): string {
    if (name !== undefined) return name;
    if (this.d.scalers.get(DEFAULT_EFS_SCALER)) return DEFAULT_EFS_SCALER;
    const all = this.d.scalers.list();
    if (all.length === 1) return all[0]!.name;
    throw new WarrenError(
      ErrorCode.EfsScalerNotFound,
      all.length === 0 ? 'no EFS scaler is configured' : `which EFS scaler? there are ${all.length} and none is named "${DEFAULT_EFS_SCALER}": ${all.map((s) => s.name).join(', ')}`,
      { name: DEFAULT_EFS_SCALER, scalers: all.map((s) => s.name) },
    );
  }

  private row(name: string | undefined): EfsScalerRow {
    const resolved = this.resolveName(name);
    const row = this.d.scalers.get(resolved);
    if (!row) throw new WarrenError(ErrorCode.EfsScalerNotFound, `no EFS scaler named "${resolved}"`, { name: resolved });
    return row;
  }

  private info(row: EfsScalerRow): EfsScalerInfo {
    const next = this.scheduler.nextRunAt(row.name);
    return {
      name: row.name,
      config: row.config,
      schedule_enabled: row.schedule_enabled,
      running: this.inFlight.has(row.name),
      ...(next !== undefined ? { next_run_at: new Date(next).toISOString() } : {}),
      updated_at: row.updated_at,
    };
  }

  private arm(row: EfsScalerRow): void {
    this.scheduler.set(row.name, { enabled: row.schedule_enabled && !this.disposed, intervalMs: parseDuration(row.config.interval) });
  }

  configure(params: EfsConfigureParams): EfsScalerInfo {
    const parsed = efsConfigureParamsSchema.safeParse(params);
    if (!parsed.success) throw this.invalid(params.name ?? DEFAULT_EFS_SCALER, parsed.error.issues);
    const p = parsed.data;
    const name = p.name ?? DEFAULT_EFS_SCALER;
    const existing = this.d.scalers.get(name)?.config;
    const merged: Record<string, unknown> = { ...existing, name };
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      if (v === null) delete merged[k]; // profile/region: back to the default
      else merged[k] = v;
    }
    const valid = efsScalerConfigSchema.safeParse(merged);
    if (!valid.success) throw this.invalid(name, valid.error.issues);
    const row = this.d.scalers.save(valid.data);
    this.arm(row);
    return this.info(row);
  }

  private invalid(name: string, issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): WarrenError {
    return new WarrenError(ErrorCode.EfsConfigInvalid, `EFS scaler "${name}": ${describeIssues(issues, 'config')}`, {
      name,
      errors: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }

  list(): EfsScalerInfo[] {
    return this.d.scalers.list().map((r) => this.info(r));
  }

  delete(name: string): void {
    if (!this.d.scalers.delete(name)) throw new WarrenError(ErrorCode.EfsScalerNotFound, `no EFS scaler named "${name}"`, { name });
    this.scheduler.remove(name);
  }

  schedule(name: string | undefined, enabled: boolean): EfsScalerInfo {
    const row = this.d.scalers.setSchedule(this.row(name).name, enabled)!;
    this.arm(row);
    this.d.log.info({ scaler: row.name, enabled }, `efs schedule ${enabled ? 'on' : 'off'}`);
    return this.info(row);
  }

  isRunning(name: string): boolean {
    return this.inFlight.has(name);
  }

  /** One run now; the record is stored and returned. One run per scaler at a time. */
  async run(name: string | undefined, opts: { dryRun: boolean; trigger: EfsTrigger }): Promise<EfsRun> {
    if (this.disposed) throw new WarrenError(ErrorCode.ShuttingDown, 'Warren is shutting down');
    const { config } = this.row(name);
    const busy = this.inFlight.get(config.name);
    if (busy)
      throw new WarrenError(ErrorCode.EfsRunInProgress, `a run of EFS scaler "${config.name}" is under way (${busy.runId})`, { name: config.name, run_id: busy.runId });
    const runId = randomUUID();
    const abort = new AbortController();
    const done = runScaler(
      config,
      {
        port: this.d.port(targetOf(config)),
        locks: this.locks,
        emit: this.d.emit,
        signal: abort.signal,
        ...(this.d.count ? { count: this.d.count } : {}),
        ...(this.d.pollIntervalMs !== undefined ? { pollIntervalMs: this.d.pollIntervalMs } : {}),
      },
      { runId, dryRun: opts.dryRun, trigger: opts.trigger },
    );
    this.inFlight.set(config.name, { runId, abort, done: done.catch(() => undefined) });
    try {
      const run = await done;
      this.record(run);
      this.d.log.info({ scaler: config.name, run_id: runId, trigger: opts.trigger, outcome: run.outcome, failed_step: run.failed_step, error: run.error }, 'efs run finished');
      return run;
    } finally {
      this.inFlight.delete(config.name);
    }
  }

  private record(run: EfsRun): void {
    try {
      this.d.runs.add(run);
      if (run.file_count !== null) this.d.counts.add({ ts: Date.parse(run.timestamp), name: run.name, file_count: run.file_count, threshold: run.threshold });
    } catch (e) {
      this.d.log.warn({ run_id: run.run_id, err: e instanceof Error ? e.message : String(e) }, 'efs run could not be stored');
    }
  }

  runs(name: string | undefined, limit?: number): EfsRun[] {
    return this.d.runs.list({ ...(name !== undefined ? { name } : {}), ...(limit !== undefined ? { limit } : {}) });
  }

  counts(name: string | undefined, since?: string, limit?: number) {
    return this.d.counts.query({ ...(name !== undefined ? { name } : {}), ...(since ? { sinceMs: Date.parse(since) } : {}), ...(limit !== undefined ? { limit } : {}) });
  }

  /** Config, schedule, last run, counts — and the mount targets from AWS, which may fail on its own. */
  async status(name: string | undefined): Promise<EfsStatusResult> {
    const row = this.row(name);
    const last = this.d.runs.last(row.name);
    const result: EfsStatusResult = { scaler: this.info(row), counts: this.d.counts.query({ name: row.name, limit: 50 }), ...(last ? { last_run: last } : {}) };
    return { ...result, ...(await mountTargetStatus(this.d.port(targetOf(row.config)), row.config)) };
  }

  /** The mount targets in a scaler's (or a named) parameter. */
  async parameter(name: string | undefined, override: { parameter?: string; profile?: string; region?: string } = {}) {
    const config = override.parameter === undefined ? this.row(name).config : undefined;
    const parameter = override.parameter ?? config!.ssm_parameter;
    const target = targetOf({ profile: override.profile ?? config?.profile, region: override.region ?? config?.region });
    return { parameter, config, mount_targets: await readParameter(this.d.port(target), parameter) };
  }

  /** Stop the schedule, cancel runs under way (counting, waiting) and wait for them to end. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const f of this.inFlight.values()) f.abort.abort();
    await this.scheduler.stop();
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }
}
