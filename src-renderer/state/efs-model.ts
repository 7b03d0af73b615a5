// The EFS view as plain data: the configure form checked with the contract's own schemas, the file
// count chart's geometry, how a run, its outcome and a run's live progress (event.efs) read, and the
// mount targets by availability zone. Pure, so every rule is unit-tested; the components only lay
// it out.
import { z } from 'zod';
import {
  DEFAULT_EFS_SCALER,
  ErrorCode,
  WarrenError,
  efsConfigureParamsSchema,
  type EfsConfigureParams,
  type EfsCountSample,
  type EfsEvent,
  type EfsMountTargetStatus,
  type EfsRun,
  type EfsScalerConfig,
  type EfsScalerInfo,
  type EfsStatusResult,
} from '../../src-shared/api/index.js';
import type { Tone } from './routers-model.js';

// ── the configure form ───────────────────────────────────────────────────────────────────────────

export interface EfsFormValues {
  file_system_id: string;
  directory: string;
  threshold: string;
  interval: string;
  ssm_parameter: string;
  ecs_cluster: string;
  ecs_service: string;
  vpc_id: string;
  security_group_id: string;
  profile: string;
  region: string;
  recursive: boolean;
}
export type EfsTextField = Exclude<keyof EfsFormValues, 'recursive'>;
export type EfsField = keyof EfsFormValues;
export type EfsFieldErrors = Partial<Record<EfsField, string>>;

export const EFS_DEFAULT_THRESHOLD = 100_000;
export const EFS_DEFAULT_INTERVAL = '5m';

/** The text fields in the order the form shows them. */
export const EFS_TEXT_FIELDS: readonly EfsTextField[] = [
  'file_system_id',
  'directory',
  'threshold',
  'interval',
  'ssm_parameter',
  'ecs_cluster',
  'ecs_service',
  'vpc_id',
  'security_group_id',
  'profile',
  'region',
];

/** What an empty required field should have held. */
const REQUIRED: Partial<Record<EfsTextField, string>> = {
  file_system_id: 'required: the EFS file system id (fs-…)',
  directory: 'required: the absolute path where this machine mounts the file system',
  threshold: 'required: the file count above which a mount target is added',
  interval: 'required: how often the schedule runs, e.g. 5m',
  ssm_parameter: 'required: the SSM parameter the tasks read the mount targets from',
  ecs_cluster: 'required: the ECS cluster of the service to redeploy',
  ecs_service: 'required: the ECS service to redeploy',
  vpc_id: 'required: the VPC whose subnets hold the mount targets (vpc-…)',
  security_group_id: 'required: the security group for new mount targets (sg-…)',
};

export function emptyEfsForm(): EfsFormValues {
  return {
    file_system_id: '',
    directory: '',
    threshold: String(EFS_DEFAULT_THRESHOLD),
    interval: EFS_DEFAULT_INTERVAL,
    ssm_parameter: '',
    ecs_cluster: '',
    ecs_service: '',
    vpc_id: '',
    security_group_id: '',
    profile: '',
    region: '',
    recursive: false,
  };
}

/** The form filled with a saved scaler's settings (Edit). */
export function efsFormFromConfig(c: EfsScalerConfig): EfsFormValues {
  return {
    file_system_id: c.file_system_id,
    directory: c.directory,
    threshold: String(c.threshold),
    interval: c.interval,
    ssm_parameter: c.ssm_parameter,
    ecs_cluster: c.ecs_cluster,
    ecs_service: c.ecs_service,
    vpc_id: c.vpc_id,
    security_group_id: c.security_group_id,
    profile: c.profile ?? '',
    region: c.region ?? '',
    recursive: c.recursive,
  };
}

const fieldSchema = (field: EfsTextField): z.ZodType => efsConfigureParamsSchema.shape[field];

/**
 * The efs.configure params for the form, or the errors per field. `editing` is the saved config
 * when the form edits a scaler: then an emptied profile or region is sent as null (back to the
 * daemon's default) rather than left out (which would keep the old value).
 */
export function validateEfsForm(
  values: EfsFormValues,
  editing?: Pick<EfsScalerConfig, 'name' | 'profile' | 'region'>,
): { ok: true; params: EfsConfigureParams } | { ok: false; errors: EfsFieldErrors } {
  const errors: EfsFieldErrors = {};
  const params: Record<string, unknown> = { name: editing?.name ?? DEFAULT_EFS_SCALER, recursive: values.recursive };
  for (const field of EFS_TEXT_FIELDS) {
    const text = values[field].trim();
    if (text === '') {
      const required = REQUIRED[field];
      if (required) errors[field] = required;
      else if (editing && editing[field as 'profile' | 'region'] !== undefined) params[field] = null;
      continue;
    }
    let value: unknown = text;
    if (field === 'threshold') {
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        errors.threshold = 'a whole number of files, 0 or more';
        continue;
      }
      value = Number(text);
    }
    const checked = fieldSchema(field).safeParse(value);
    if (!checked.success) errors[field] = checked.error.issues[0]?.message ?? 'invalid';
    else params[field] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // The contract is the last word (a strict object, the same refinements the daemon applies).
  const whole = efsConfigureParamsSchema.safeParse(params);
  if (!whole.success) return { ok: false, errors: issuesToFields(whole.error.issues) };
  return { ok: true, params: params as EfsConfigureParams };
}

function isFormField(key: unknown): key is EfsField {
  return typeof key === 'string' && (key === 'recursive' || (EFS_TEXT_FIELDS as readonly string[]).includes(key));
}

function issuesToFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): EfsFieldErrors {
  const errors: EfsFieldErrors = {};
  for (const i of issues) {
    const field = i.path[0];
    if (isFormField(field)) errors[field] ??= i.message;
    else errors.file_system_id ??= i.message;
  }
  return errors;
}

const configInvalidDataSchema = z.object({ errors: z.array(z.object({ path: z.string(), message: z.string() })) });

/**
 * A refusal of efs.configure as the form shows it: the whole message, and the fields it names
 * (EfsConfigInvalid carries { errors: [{ path, message }] }; InvalidParams names them in its
 * message as "field: problem; field: problem").
 */
export function efsServerErrors(e: unknown): { message: string; fields: EfsFieldErrors } {
  if (!(e instanceof WarrenError)) return { message: e instanceof Error ? e.message : String(e), fields: {} };
  const fields: EfsFieldErrors = {};
  if (e.code === ErrorCode.EfsConfigInvalid) {
    const data = configInvalidDataSchema.safeParse(e.data);
    if (data.success) for (const i of data.data.errors) if (isFormField(i.path.split('.')[0])) fields[i.path.split('.')[0] as EfsField] ??= i.message;
  } else if (e.code === ErrorCode.InvalidParams) {
    const body = e.message.replace(/^invalid params for [\w.]+: /, '');
    for (const part of body.split('; ')) {
      const m = /^([a-z_]+)(?:\.[\w.]*)?: (.+)$/.exec(part);
      if (m && isFormField(m[1])) fields[m[1]] ??= m[2]!;
    }
  }
  return { message: e.message, fields };
}

// ── the chart: file count vs threshold over time ────────────────────────────────────────────────

export interface ChartBox {
  width: number;
  height: number;
  /** Room left of the plot for the y labels, and so on. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}
export const CHART_BOX: ChartBox = { width: 600, height: 180, left: 56, right: 12, top: 10, bottom: 24 };

export interface ChartPoint {
  x: number;
  y: number;
}
export interface ChartGeometry {
  box: ChartBox;
  viewBox: string;
  /** The plot area inside the box. */
  plot: { x0: number; x1: number; y0: number; y1: number };
  /** One per sample, in time order. */
  points: Array<ChartPoint & { ts: number; count: number; threshold: number }>;
  /** The count line: SVG polyline points "x,y x,y …" (empty without samples). */
  countLine: string;
  /** The threshold as a step line (it may have been changed between samples). */
  thresholdPoints: ChartPoint[];
  thresholdLine: string;
  /** The y scale runs from 0 to yMax; the time axis from tMin to tMax (ms since the epoch). */
  yMax: number;
  tMin?: number;
  tMax?: number;
  /** The screen y of a value. */
  yOf(value: number): number;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above n (at least 1). */
export function niceCeil(n: number): number {
  if (!Number.isFinite(n) || n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Where everything goes in the chart: samples in time order left to right, 0 at the bottom, and a
 * top a little above the largest count or threshold so the threshold line never sits on the edge.
 * With no samples the threshold (the scaler's current one) spans the plot alone.
 */
export function chartGeometry(samples: readonly EfsCountSample[], threshold?: number, box: ChartBox = CHART_BOX): ChartGeometry {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const plot = { x0: box.left, x1: box.width - box.right, y0: box.top, y1: box.height - box.bottom };
  const highest = Math.max(0, threshold ?? 0, ...sorted.map((s) => Math.max(s.file_count, s.threshold)));
  const yMax = niceCeil(highest * 1.1);
  const yOf = (v: number): number => round(plot.y1 - (Math.min(Math.max(v, 0), yMax) / yMax) * (plot.y1 - plot.y0));
  const tMin = sorted[0]?.ts;
  const tMax = sorted.at(-1)?.ts;
  const xOf = (ts: number): number => {
    if (tMin === undefined || tMax === undefined || tMax === tMin) return round((plot.x0 + plot.x1) / 2);
    return round(plot.x0 + ((ts - tMin) / (tMax - tMin)) * (plot.x1 - plot.x0));
  };
  const points = sorted.map((s) => ({ x: xOf(s.ts), y: yOf(s.file_count), ts: s.ts, count: s.file_count, threshold: s.threshold }));

  const thresholdPoints: ChartPoint[] = [];
  if (sorted.length === 0) {
    if (threshold !== undefined) thresholdPoints.push({ x: plot.x0, y: yOf(threshold) }, { x: plot.x1, y: yOf(threshold) });
  } else if (tMin === tMax) {
    // One moment: a level line across the plot at the latest threshold.
    const t = sorted.at(-1)!.threshold;
    thresholdPoints.push({ x: plot.x0, y: yOf(t) }, { x: plot.x1, y: yOf(t) });
  } else {
    sorted.forEach((s, i) => {
      const x = xOf(s.ts);
      const prev = sorted[i - 1];
      if (prev && prev.threshold !== s.threshold) thresholdPoints.push({ x, y: yOf(prev.threshold) });
      thresholdPoints.push({ x, y: yOf(s.threshold) });
    });
  }
  const line = (ps: ChartPoint[]): string => ps.map((p) => `${p.x},${p.y}`).join(' ');
  return {
    box,
    viewBox: `0 0 ${box.width} ${box.height}`,
    plot,
    points,
    countLine: line(points),
    thresholdPoints,
    thresholdLine: line(thresholdPoints),
    yMax,
    ...(tMin !== undefined ? { tMin } : {}),
    ...(tMax !== undefined ? { tMax } : {}),
    yOf,
  };
}

/** The chart's words for a screen reader (and its title): the latest count against the threshold. */
export function chartLabel(samples: readonly EfsCountSample[], threshold?: number): string {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const last = sorted.at(-1);
  if (!last) return `File count over time: no counts yet${threshold !== undefined ? ` (threshold ${formatCount(threshold)})` : ''}`;
  const side = last.file_count > last.threshold ? 'above' : 'not above';
  const span = sorted.length === 1 ? `1 count at ${formatTime(last.ts)}` : `${sorted.length} counts from ${formatTime(sorted[0]!.ts)} to ${formatTime(last.ts)}`;
  return `File count over time: latest ${formatCount(last.file_count)} files, ${side} the threshold of ${formatCount(last.threshold)}; ${span}`;
}

// ── formatting ───────────────────────────────────────────────────────────────────────────────────

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time "2025-01-31 14:05:09" (sortable, and the same width in every row). */
export function formatTime(at: number | string | undefined): string {
  if (at === undefined) return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return typeof at === 'string' ? at : '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Time only, for axis labels: "14:05", or "14:05:09" with seconds. */
export function formatClock(ts: number, seconds = false): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** 123456 → "123,456" whatever the locale (so tests and screenshots agree). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// ── runs ─────────────────────────────────────────────────────────────────────────────────────────

export type EfsOutcome = EfsRun['outcome'];

export function outcomeTone(outcome: EfsOutcome): Tone {
  switch (outcome) {
    case 'scaled':
      return 'ok';
    case 'below_threshold':
    case 'dry_run':
      return 'muted';
    case 'no_subnet':
      return 'warn';
    case 'failed':
      return 'bad';
  }
}

export function outcomeText(outcome: EfsOutcome): string {
  switch (outcome) {
    case 'scaled':
      return 'scaled';
    case 'below_threshold':
      return 'below threshold';
    case 'dry_run':
      return 'dry run: would scale';
    case 'no_subnet':
      return 'no free AZ';
    case 'failed':
      return 'failed';
  }
}

/** One row of the runs table, every cell as text. */
export interface EfsRunRow {
  id: string;
  time: string;
  trigger: string;
  /** "dry run" or "". */
  mode: string;
  outcome: EfsOutcome;
  outcomeText: string;
  tone: Tone;
  count: string;
  /** The mount target created (or adopted), or, in a dry run, where one would go. */
  mountTarget: string;
  deployment: string;
  error: string;
  duration: string;
}

export function runRow(run: EfsRun): EfsRunRow {
  const plannedAz = run.plan?.action === 'create' ? run.plan.availability_zone : undefined;
  let mountTarget = '—';
  if (run.new_mount_target_id) mountTarget = `${run.new_mount_target_id}${plannedAz ? ` (${plannedAz})` : ''}${run.adopted ? ' adopted' : ''}`;
  else if (run.dry_run && plannedAz) mountTarget = `would add in ${plannedAz}`;
  let deployment = '—';
  if (run.deployment_triggered) deployment = 'started';
  else if (run.failed_step === 'ecs') deployment = 'failed';
  else if (run.dry_run && run.outcome === 'dry_run') deployment = 'would start';
  const error = run.error ? `${run.failed_step ? `${run.failed_step}: ` : ''}${run.error}` : (run.warning ?? '');
  return {
    id: run.run_id,
    time: formatTime(run.timestamp),
    trigger: run.trigger,
    mode: run.dry_run ? 'dry run' : '',
    outcome: run.outcome,
    outcomeText: outcomeText(run.outcome),
    tone: outcomeTone(run.outcome),
    count: run.file_count === null ? '—' : `${formatCount(run.file_count)} / ${formatCount(run.threshold)}`,
    mountTarget,
    deployment,
    error,
    duration: formatMs(run.duration_ms),
  };
}

function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// ── live progress (event.efs) ───────────────────────────────────────────────────────────────────

export interface EfsActivity {
  runId: string;
  dryRun: boolean;
  trigger: EfsEvent['trigger'];
  /** Still going (no "done" event yet). */
  running: boolean;
  stage: EfsEvent['stage'];
  /** The spinner's words: "Counting files… 1,200 so far". */
  text: string;
  outcome?: EfsOutcome;
  failed?: boolean;
}

const STAGE_WORDS: Record<Exclude<EfsEvent['stage'], 'done'>, string> = {
  count: 'Counting files…',
  describe: 'Describing mount targets and subnets…',
  plan: 'Planning…',
  create: 'Creating a mount target…',
  wait: 'Waiting for it to become available…',
  ssm: 'Publishing to SSM…',
  ecs: 'Deploying (ECS)…',
};

/** What a progress event says, as one line. */
export function stageText(e: EfsEvent): string {
  if (e.stage === 'done') return e.message;
  const words = STAGE_WORDS[e.stage];
  if (e.stage === 'count') {
    if (e.status === 'ok') return `Counted ${formatCount(e.files ?? 0)} files`;
    if (e.status === 'failed') return `Counting failed: ${e.message}`;
    return e.files !== undefined ? `Counting ${formatCount(e.files)} files… so far` : words;
  }
  if (e.stage === 'wait' && e.status === 'progress') return `${words} ${e.message}${e.checks !== undefined ? ` (check ${e.checks})` : ''}`;
  if (e.status === 'failed') return `${words.replace('…', '')} failed: ${e.message}`;
  return `${words} ${e.message}`;
}

/** Follow one scaler's runs: a new run_id starts afresh, a "done" event ends it. */
export function efsActivityReducer(activity: EfsActivity | undefined, e: EfsEvent, scaler: string): EfsActivity | undefined {
  if (e.name !== scaler) return activity;
  // A late event of a finished run does not reopen it.
  if (activity && activity.runId === e.run_id && !activity.running) return activity;
  const done = e.stage === 'done';
  return {
    runId: e.run_id,
    dryRun: e.dry_run,
    trigger: e.trigger,
    running: !done,
    stage: e.stage,
    text: stageText(e),
    ...(done && e.outcome ? { outcome: e.outcome } : {}),
    ...(done ? { failed: e.status === 'failed' } : {}),
  };
}

/** Events after which what the view shows has changed (a target created, published, a run ended). */
export function efsEventChangesStatus(e: EfsEvent): boolean {
  if (e.stage === 'done') return true;
  return (e.stage === 'create' || e.stage === 'wait' || e.stage === 'ssm') && (e.status === 'ok' || e.status === 'failed');
}

// ── mount targets by availability zone ──────────────────────────────────────────────────────────

export interface AzRow {
  availability_zone: string;
  mount_target?: EfsMountTargetStatus;
  /** No mount target in this AZ: a place the next scale-up can use. */
  free: boolean;
  /** For a free AZ: the subnet the latest plan picked there. */
  subnet_id?: string;
}

/**
 * Mount targets by AZ, and the AZs of the VPC with none, as free. efs.status does not list the VPC's
 * subnets, so the free AZs come from what is known: `zones` given by the caller and the AZ the latest
 * plan picked (a dry run's "would add in …").
 */
export function azRows(targets: readonly EfsMountTargetStatus[], opts: { zones?: readonly string[]; plan?: EfsRun['plan'] } = {}): AzRow[] {
  const rows: AzRow[] = targets.map((mt) => ({ availability_zone: mt.availability_zone, mount_target: mt, free: false }));
  const taken = new Set(targets.filter((t) => t.lifecycle_state !== 'deleted').map((t) => t.availability_zone));
  const free = new Map<string, string | undefined>();
  for (const z of opts.zones ?? []) if (!taken.has(z)) free.set(z, undefined);
  const planned = opts.plan?.action === 'create' ? opts.plan : undefined;
  if (planned?.availability_zone && !taken.has(planned.availability_zone)) free.set(planned.availability_zone, planned.subnet_id);
  for (const [az, subnet] of free) rows.push({ availability_zone: az, free: true, ...(subnet ? { subnet_id: subnet } : {}) });
  const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => byText(a.availability_zone, b.availability_zone) || byText(a.mount_target?.mount_target_id ?? '', b.mount_target?.mount_target_id ?? ''));
}

export function lifecycleTone(state: string): Tone {
  if (state === 'available') return 'ok';
  if (state === 'creating' || state === 'updating') return 'warn';
  if (state === 'deleting' || state === 'deleted') return 'muted';
  return 'bad';
}

// ── the scaler shown ─────────────────────────────────────────────────────────────────────────────

/** Which scaler the view shows: the one chosen if it still exists, else "default", else the first. */
export function pickScaler(scalers: readonly EfsScalerInfo[], chosen?: string): string | undefined {
  if (chosen && scalers.some((s) => s.name === chosen)) return chosen;
  return scalers.find((s) => s.name === DEFAULT_EFS_SCALER)?.name ?? scalers[0]?.name;
}

/** Everything one refresh of the EFS view brings back. */
export interface EfsSnapshot {
  scalers: EfsScalerInfo[];
  name?: string;
  status?: EfsStatusResult;
  runs: EfsRun[];
  counts: EfsCountSample[];
}

/** "on, next 14:05:00" / "off". */
export function scheduleText(info: Pick<EfsScalerInfo, 'schedule_enabled' | 'next_run_at' | 'config'>): string {
  if (!info.schedule_enabled) return `runs every ${info.config.interval} when on`;
  return `every ${info.config.interval}${info.next_run_at ? `, next ${formatTime(info.next_run_at)}` : ''}`;
}

/** The line shown after a run the user started: what it did, in the outcome's colour. */
export function runNote(run: EfsRun): { tone: Tone; text: string } {
  const count = run.file_count === null ? 'no count' : `${formatCount(run.file_count)} files, threshold ${formatCount(run.threshold)}`;
  const az = run.plan?.availability_zone;
  switch (run.outcome) {
    case 'below_threshold':
      return { tone: 'muted', text: `${run.dry_run ? 'Dry run: ' : ''}${count}: not above the threshold, nothing to do.` };
    case 'dry_run':
      return { tone: 'muted', text: `Dry run: ${count}: would add a mount target in ${az ?? '?'} (${run.plan?.subnet_id ?? '?'}); nothing was changed.` };
    case 'no_subnet':
      return { tone: 'warn', text: `${count}: no mount target added: ${run.warning ?? 'no free availability zone'}.` };
    case 'scaled':
      return { tone: 'ok', text: `Scaled: ${count}: ${run.adopted ? 'adopted' : 'added'} ${run.new_mount_target_id ?? '?'} in ${az ?? '?'}, published, deployment started.` };
    case 'failed':
      return { tone: 'bad', text: `Failed at ${run.failed_step ?? '?'}: ${run.error ?? 'unknown error'}` };
  }
}
