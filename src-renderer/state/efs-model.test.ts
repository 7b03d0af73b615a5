import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { efsFileSystemId, makeEfsRun } from '../components/test-data.js';
import { ErrorCode, WarrenError, efsScalerConfigSchema, type EfsCountSample, type EfsEvent, type EfsRun } from '../../src-shared/api/index.js';
import {
  CHART_BOX,
  azRows,
  chartGeometry,
  chartLabel,
  efsActivityReducer,
  efsEventChangesStatus,
  efsFormFromConfig,
  efsServerErrors,
  emptyEfsForm,
  formatCount,
  niceCeil,
  outcomeTone,
  pickScaler,
  runNote,
  runRow,
  scheduleText,
  stageText,
  validateEfsForm,
  type EfsFormValues,
} from './efs-model.js';

const FS = efsFileSystemId;
const FILLED: EfsFormValues = {
  ...emptyEfsForm(),
  file_system_id: FS,
  directory: '/mnt/efs/data',
  threshold: '20',
  interval: '5m',
  ssm_parameter: '/app/efs/mount-targets',
  ecs_cluster: 'apps',
  ecs_service: 'web',
  vpc_id: 'vpc-0aaa0000000000001',
  security_group_id: 'sg-0e0f0000000000001',
};

const makeRun = makeEfsRun;

const scaled = (): EfsRun =>
  makeRun({
    run_id: 'run-2',
    dry_run: false,
    outcome: 'scaled',
    new_mount_target_created: true,
    new_mount_target_id: 'fsmt-0123456789abcdef1',
    deployment_triggered: true,
    duration_ms: 1530,
  });

describe('the configure form', () => {
  it('starts with the contract defaults: threshold 100000 every 5m, not recursive', () => {
    expect(emptyEfsForm()).toMatchObject({ threshold: '100000', interval: '5m', recursive: false });
    const defaults = efsScalerConfigSchema.parse({
      file_system_id: FS,
      directory: '/d',
      ssm_parameter: '/p',
      ecs_cluster: 'c',
      ecs_service: 's',
      vpc_id: 'vpc-0aaa0000000000001',
      security_group_id: 'sg-0e0f0000000000001',
    });
    expect([String(defaults.threshold), defaults.interval, defaults.recursive]).toEqual([emptyEfsForm().threshold, emptyEfsForm().interval, emptyEfsForm().recursive]);
  });

  it('names every missing required field and leaves the optional ones alone', () => {
    const r = validateEfsForm(emptyEfsForm());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['directory', 'ecs_cluster', 'ecs_service', 'file_system_id', 'security_group_id', 'ssm_parameter', 'vpc_id']);
    expect(r.errors.file_system_id).toMatch(/^required/);
  });

  it('uses the contract schemas field by field', () => {
    const r = validateEfsForm({
      ...FILLED,
      file_system_id: 'fs-xyz',
      directory: 'relative/dir',
      threshold: '-3',
      interval: 'soon',
      vpc_id: 'vpc-1',
      security_group_id: 'group',
      ssm_parameter: 'bad name!',
      region: 'Tokyo',
      profile: 'has space',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.file_system_id).toContain('fs-0123456789abcdef0');
    expect(r.errors.directory).toContain('absolute path');
    expect(r.errors.threshold).toBe('a whole number of files, 0 or more');
    expect(r.errors.interval).toMatch(/duration/);
    expect(r.errors.vpc_id).toContain('vpc-');
    expect(r.errors.security_group_id).toContain('sg-');
    expect(r.errors.ssm_parameter).toContain('SSM parameter');
    expect(r.errors.region).toContain('region');
    expect(r.errors.profile).toBeDefined();
    expect(r.errors.ecs_cluster).toBeUndefined();
    // An interval under the contract's minimum is refused with its own words.
    const short = validateEfsForm({ ...FILLED, interval: '500ms' });
    expect(short.ok ? undefined : short.errors.interval).toContain('at least 1 s');
  });

  it('gives efs.configure params the contract accepts, trimmed, with the threshold a number', () => {
    const r = validateEfsForm({ ...FILLED, directory: '  /mnt/efs/data ', recursive: true, region: 'ap-northeast-1' });
    expect(r).toEqual({
      ok: true,
      params: {
        name: 'default',
        recursive: true,
        file_system_id: FS,
        directory: '/mnt/efs/data',
        threshold: 20,
        interval: '5m',
        ssm_parameter: '/app/efs/mount-targets',
        ecs_cluster: 'apps',
        ecs_service: 'web',
        vpc_id: 'vpc-0aaa0000000000001',
        security_group_id: 'sg-0e0f0000000000001',
        region: 'ap-northeast-1',
      },
    });
  });

  it('editing: fills from the saved config, keeps its name, and an emptied profile/region becomes null', () => {
    const config = efsScalerConfigSchema.parse({ ...validateAndGet(FILLED), name: 'media', profile: 'prod', region: 'eu-west-1' });
    const values = efsFormFromConfig(config);
    expect(values).toMatchObject({ file_system_id: FS, threshold: '20', profile: 'prod', region: 'eu-west-1' });
    const r = validateEfsForm({ ...values, profile: '', threshold: '50' }, config);
    expect(r.ok && r.params).toMatchObject({ name: 'media', profile: null, region: 'eu-west-1', threshold: 50 });
    // A new scaler leaves an empty profile out (no null to send).
    const fresh = validateEfsForm({ ...values, profile: '' });
    expect(fresh.ok && 'profile' in fresh.params).toBe(false);
  });

  it('maps the daemon refusals onto fields', () => {
    const invalid = new WarrenError(ErrorCode.EfsConfigInvalid, 'EFS scaler "default": directory: an absolute path', {
      name: 'default',
      errors: [
        { path: 'directory', message: 'an absolute path' },
        { path: 'nonsense', message: 'ignored' },
      ],
    });
    expect(efsServerErrors(invalid)).toEqual({ message: invalid.message, fields: { directory: 'an absolute path' } });
    const params = new WarrenError(ErrorCode.InvalidParams, 'invalid params for efs.configure: vpc_id: a VPC id like "vpc-0"; threshold: too big');
    expect(efsServerErrors(params).fields).toEqual({ vpc_id: 'a VPC id like "vpc-0"', threshold: 'too big' });
    expect(efsServerErrors(new WarrenError(ErrorCode.InternalError, 'denied'))).toEqual({ message: 'denied', fields: {} });
    expect(efsServerErrors(new Error('socket closed'))).toEqual({ message: 'socket closed', fields: {} });
  });
});

function validateAndGet(values: EfsFormValues) {
  const r = validateEfsForm(values);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.params;
}

describe('the chart geometry', () => {
  const T0 = Date.UTC(2025, 0, 1);
  const sample = (minute: number, count: number, threshold = 20): EfsCountSample => ({ ts: T0 + minute * 60_000, name: 'default', file_count: count, threshold });

  it('puts 0 at the bottom, a nice top above the largest value, and time left to right', () => {
    const g = chartGeometry([sample(10, 30), sample(0, 5), sample(5, 15)], 20);
    const { x0, x1, y0, y1 } = g.plot;
    expect(g.viewBox).toBe(`0 0 ${CHART_BOX.width} ${CHART_BOX.height}`);
    expect(g.yMax).toBe(50); // 30 × 1.1 → 33 → 50
    expect(g.points.map((p) => p.count)).toEqual([5, 15, 30]);
    expect(g.points[0]!.x).toBe(x0);
    expect(g.points[2]!.x).toBe(x1);
    expect(g.points[1]!.x).toBeCloseTo((x0 + x1) / 2, 1);
    expect(g.yOf(0)).toBe(y1);
    expect(g.yOf(50)).toBe(y0);
    expect(g.points[2]!.y).toBeCloseTo(y1 - (30 / 50) * (y1 - y0), 1);
    expect(g.countLine.split(' ')).toHaveLength(3);
    // A constant threshold is one level line across the samples.
    expect(new Set(g.thresholdPoints.map((p) => p.y))).toEqual(new Set([g.yOf(20)]));
    expect([g.tMin, g.tMax]).toEqual([T0, T0 + 600_000]);
  });

  it('draws a changed threshold as a step, and a single sample or none across the plot', () => {
    const g = chartGeometry([sample(0, 5, 10), sample(1, 5, 40)]);
    expect(g.thresholdPoints).toEqual([
      { x: g.plot.x0, y: g.yOf(10) },
      { x: g.plot.x1, y: g.yOf(10) },
      { x: g.plot.x1, y: g.yOf(40) },
    ]);
    const one = chartGeometry([sample(0, 30)]);
    expect(one.points[0]!.x).toBeCloseTo((one.plot.x0 + one.plot.x1) / 2, 1);
    expect(one.thresholdPoints.map((p) => p.x)).toEqual([one.plot.x0, one.plot.x1]);
    const none = chartGeometry([], 100_000);
    expect(none.points).toEqual([]);
    expect(none.countLine).toBe('');
    expect(none.thresholdPoints.map((p) => p.y)).toEqual([none.yOf(100_000), none.yOf(100_000)]);
    expect(none.yMax).toBeGreaterThan(100_000);
    expect(chartGeometry([]).thresholdLine).toBe('');
  });

  it('niceCeil is the smallest 1/2/2.5/5 × 10^k at or above n', () => {
    expect([0, 1, 1.5, 3, 7, 10, 22, 33, 110_000].map(niceCeil)).toEqual([1, 1, 2, 5, 10, 10, 25, 50, 200_000]);
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e15, noNaN: true }), (n) => {
        const c = niceCeil(n);
        expect(c).toBeGreaterThanOrEqual(n);
        expect(c).toBeLessThanOrEqual(n * 2.5 + 1e-9);
      }),
    );
  });

  const samples = fc.array(
    fc.record({
      ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      name: fc.constant('default'),
      file_count: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      threshold: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    }),
    { maxLength: 60 },
  );

  it('property: every point and threshold point lies inside the plot (so inside the viewBox)', () => {
    fc.assert(
      fc.property(samples, fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }), (list, threshold) => {
        const g = chartGeometry(list, threshold);
        const { x0, x1, y0, y1 } = g.plot;
        expect(x0).toBeGreaterThanOrEqual(0);
        expect(x1).toBeLessThanOrEqual(CHART_BOX.width);
        expect(y0).toBeGreaterThanOrEqual(0);
        expect(y1).toBeLessThanOrEqual(CHART_BOX.height);
        for (const p of [...g.points, ...g.thresholdPoints]) {
          expect(p.x).toBeGreaterThanOrEqual(x0);
          expect(p.x).toBeLessThanOrEqual(x1);
          expect(p.y).toBeGreaterThanOrEqual(y0);
          expect(p.y).toBeLessThanOrEqual(y1);
        }
        expect(g.points).toHaveLength(list.length);
        expect(g.countLine === '' ? 0 : g.countLine.split(' ').length).toBe(list.length);
      }),
    );
  });

  it('property: time is monotone on x, and higher counts are never drawn lower', () => {
    fc.assert(
      fc.property(samples, (list) => {
        const g = chartGeometry(list);
        for (let i = 1; i < g.points.length; i++) {
          const a = g.points[i - 1]!;
          const b = g.points[i]!;
          expect(b.ts).toBeGreaterThanOrEqual(a.ts);
          expect(b.x).toBeGreaterThanOrEqual(a.x);
          if (b.ts > a.ts) expect(b.x).toBeGreaterThanOrEqual(a.x);
        }
        const byCount = [...g.points].sort((a, b) => a.count - b.count);
        for (let i = 1; i < byCount.length; i++) expect(byCount[i]!.y).toBeLessThanOrEqual(byCount[i - 1]!.y);
      }),
    );
  });

  it('property: the threshold line is at the height of each sample’s threshold, and above the counts it is below of', () => {
    fc.assert(
      fc.property(samples, (list) => {
        const g = chartGeometry(list);
        for (const p of g.points) {
          const ty = g.yOf(p.threshold);
          expect(g.thresholdPoints.some((t) => Math.abs(t.y - ty) < 1e-9 && (Math.abs(t.x - p.x) < 1e-9 || g.tMin === g.tMax))).toBe(true);
          // Screen y grows downwards: a count above the threshold is drawn higher up (smaller y) or level.
          if (p.count > p.threshold) expect(p.y).toBeLessThanOrEqual(ty);
          if (p.count < p.threshold) expect(p.y).toBeGreaterThanOrEqual(ty);
        }
      }),
    );
  });

  it('says the latest count against the threshold in words', () => {
    expect(chartLabel([sample(0, 5), sample(5, 30)])).toMatch(/^File count over time: latest 30 files, above the threshold of 20; 2 counts from .+ to .+$/);
    expect(chartLabel([sample(0, 20)])).toContain('latest 20 files, not above the threshold of 20; 1 count at');
    expect(chartLabel([], 100_000)).toBe('File count over time: no counts yet (threshold 100,000)');
  });
});

describe('runs', () => {
  it('formats a dry run: no mount target, where one would go, nothing deployed', () => {
    const row = runRow(makeRun());
    expect(row).toMatchObject({
      trigger: 'manual',
      mode: 'dry run',
      outcome: 'dry_run',
      outcomeText: 'dry run: would scale',
      tone: 'muted',
      count: '30 / 20',
      mountTarget: 'would add in ap-northeast-1b',
      deployment: 'would start',
      error: '',
      duration: '42 ms',
    });
    expect(row.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('formats a scaled run, a failed one and one below the threshold', () => {
    expect(runRow(scaled())).toMatchObject({ mode: '', outcomeText: 'scaled', tone: 'ok', mountTarget: 'fsmt-0123456789abcdef1 (ap-northeast-1b)', deployment: 'started', duration: '1.5 s' });
    const failed = makeRun({
      dry_run: false,
      outcome: 'failed',
      failed_step: 'ecs',
      error: 'ServerException',
      new_mount_target_created: true,
      new_mount_target_id: 'fsmt-0123456789abcdef1',
      trigger: 'schedule',
    });
    expect(runRow(failed)).toMatchObject({ trigger: 'schedule', tone: 'bad', deployment: 'failed', error: 'ecs: ServerException' });
    const counting = makeRun({ dry_run: false, outcome: 'failed', failed_step: 'count', error: 'EACCES', file_count: null, threshold_exceeded: false, plan: undefined });
    expect(runRow(counting)).toMatchObject({ count: '—', mountTarget: '—', deployment: '—' });
    const below = makeRun({ dry_run: false, outcome: 'below_threshold', file_count: 3, threshold_exceeded: false, plan: { action: 'none' } });
    expect(runRow(below)).toMatchObject({ outcomeText: 'below threshold', tone: 'muted', count: '3 / 20', mountTarget: '—' });
    const noSubnet = makeRun({ dry_run: false, outcome: 'no_subnet', warning: 'every AZ has one', plan: { action: 'skip' } });
    expect(runRow(noSubnet)).toMatchObject({ tone: 'warn', error: 'every AZ has one' });
    expect(outcomeTone('failed')).toBe('bad');
  });

  it('says what a run did in one line', () => {
    expect(runNote(makeRun())).toEqual({ tone: 'muted', text: 'Dry run: 30 files, threshold 20: would add a mount target in ap-northeast-1b (subnet-0b00000000000000b); nothing was changed.' });
    expect(runNote(scaled()).text).toBe('Scaled: 30 files, threshold 20: added fsmt-0123456789abcdef1 in ap-northeast-1b, published, deployment started.');
  });

  it('says when the schedule runs', () => {
    const config = efsScalerConfigSchema.parse({ ...validateAndGet(FILLED), interval: '10m' });
    expect(scheduleText({ schedule_enabled: false, config })).toBe('runs every 10m when on');
    expect(scheduleText({ schedule_enabled: true, config, next_run_at: '2025-03-04T05:16:07.000Z' })).toMatch(/^every 10m, next \d{4}-\d\d-\d\d \d\d:\d\d:07$/);
  });

  it('formatCount groups by thousands whatever the locale', () => {
    expect([0, 999, 1000, 100_000, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,000', '100,000', '1,234,567']);
    expect(formatCount(null)).toBe('—');
  });
});

describe('live progress', () => {
  const ev = (over: Partial<EfsEvent>): EfsEvent => ({ name: 'default', run_id: 'r1', trigger: 'manual', dry_run: false, stage: 'count', status: 'started', message: 'counting files in /d', ...over });

  it('reads each stage as the spinner’s words', () => {
    expect(stageText(ev({}))).toBe('Counting files…');
    expect(stageText(ev({ status: 'progress', files: 1200, message: '1200 files so far' }))).toBe('Counting 1,200 files… so far');
    expect(stageText(ev({ status: 'ok', files: 30 }))).toBe('Counted 30 files');
    expect(stageText(ev({ stage: 'create', message: 'creating a mount target for fs in subnet-b (az-b)' }))).toBe('Creating a mount target… creating a mount target for fs in subnet-b (az-b)');
    expect(stageText(ev({ stage: 'wait', status: 'progress', message: 'fsmt-1 is creating', checks: 2 }))).toBe('Waiting for it to become available… fsmt-1 is creating (check 2)');
    expect(stageText(ev({ stage: 'ssm', message: 'writing' }))).toMatch(/^Publishing to SSM…/);
    expect(stageText(ev({ stage: 'ecs', message: 'forcing' }))).toMatch(/^Deploying/);
    expect(stageText(ev({ stage: 'ecs', status: 'failed', message: 'denied' }))).toBe('Deploying (ECS) failed: denied');
    expect(stageText(ev({ stage: 'done', status: 'ok', outcome: 'scaled', message: '30 files: added' }))).toBe('30 files: added');
  });

  it('follows one scaler’s runs: a new run starts afresh, done ends it, late events do not reopen it', () => {
    let a = efsActivityReducer(undefined, ev({}), 'default');
    expect(a).toMatchObject({ runId: 'r1', running: true, stage: 'count' });
    expect(efsActivityReducer(a, ev({ name: 'other' }), 'default')).toBe(a);
    a = efsActivityReducer(a, ev({ stage: 'done', status: 'ok', outcome: 'dry_run', message: 'would add', dry_run: true }), 'default');
    expect(a).toMatchObject({ running: false, outcome: 'dry_run', failed: false, text: 'would add' });
    expect(efsActivityReducer(a, ev({ stage: 'ecs', status: 'ok' }), 'default')).toBe(a);
    const next = efsActivityReducer(a, ev({ run_id: 'r2', trigger: 'schedule' }), 'default');
    expect(next).toMatchObject({ runId: 'r2', running: true, trigger: 'schedule' });
  });

  it('asks for a refresh only when something the view shows changed', () => {
    expect(efsEventChangesStatus(ev({ status: 'progress' }))).toBe(false);
    expect(efsEventChangesStatus(ev({ stage: 'create', status: 'started' }))).toBe(false);
    expect(efsEventChangesStatus(ev({ stage: 'create', status: 'ok' }))).toBe(true);
    expect(efsEventChangesStatus(ev({ stage: 'done', status: 'ok' }))).toBe(true);
  });
});

describe('mount targets by AZ', () => {
  const mt = (az: string, id: string, state = 'available') => ({
    mount_target_id: id,
    availability_zone: az,
    subnet_id: 'subnet-0a00000000000000a',
    ip_address: '10.0.1.4',
    lifecycle_state: state,
    in_parameter: true,
  });

  it('sorts by AZ and adds the free AZs known from the zones given and the latest plan', () => {
    const rows = azRows([mt('az-c', 'fsmt-c'), mt('az-a', 'fsmt-a')], { zones: ['az-a', 'az-d'], plan: { action: 'create', availability_zone: 'az-b', subnet_id: 'subnet-b' } });
    expect(rows.map((r) => [r.availability_zone, r.mount_target?.mount_target_id ?? (r.free ? 'free' : '?'), r.subnet_id])).toEqual([
      ['az-a', 'fsmt-a', undefined],
      ['az-b', 'free', 'subnet-b'],
      ['az-c', 'fsmt-c', undefined],
      ['az-d', 'free', undefined],
    ]);
    // Once the planned AZ has its mount target it is no longer free.
    expect(azRows([mt('az-b', 'fsmt-b', 'creating')], { plan: { action: 'create', availability_zone: 'az-b', subnet_id: 'subnet-b' } }).map((r) => r.free)).toEqual([false]);
  });

  it('picks the chosen scaler, else "default", else the first', () => {
    const info = (name: string) => ({ name }) as Parameters<typeof pickScaler>[0][number];
    expect(pickScaler([info('a'), info('default')])).toBe('default');
    expect(pickScaler([info('b'), info('a')], 'a')).toBe('a');
    expect(pickScaler([info('b')], 'gone')).toBe('b');
    expect(pickScaler([])).toBeUndefined();
  });
});
