import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { efsScalerConfigSchema, type EfsCountSample, type EfsRun, type EfsScalerInfo, type EfsStatusResult } from '../../src-shared/api/index.js';
import { chartGeometry, emptyEfsForm, type EfsSnapshot } from '../state/efs-model.js';
import { EfsConfigFormView, type EfsConfigFormViewProps } from './efs-config-form.js';
import { EfsCountChart } from './efs-count-chart.js';
import { EfsMountTargets } from './efs-mount-targets.js';
import { EfsView, type EfsViewProps } from './efs-panel.js';
import { EfsRunsTable } from './efs-runs-table.js';
import { efsFileSystemId, makeEfsRun } from './test-data.js';

const FS = efsFileSystemId;
const noop = (): void => undefined;
/** The <input> with this test id, whatever the order of its attributes. */
const input = (html: string, id: string): string => new RegExp(`<input[^>]*data-testid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
const config = efsScalerConfigSchema.parse({
  file_system_id: FS,
  directory: '/mnt/efs/data',
  threshold: 20,
  ssm_parameter: '/app/efs/mount-targets',
  ecs_cluster: 'apps',
  ecs_service: 'web',
  vpc_id: 'vpc-0aaa0000000000001',
  security_group_id: 'sg-0e0f0000000000001',
  region: 'ap-northeast-1',
});
const info: EfsScalerInfo = { name: 'default', config, schedule_enabled: false, running: false, updated_at: '2025-03-04T05:00:00.000Z' };

const run = (over: Partial<EfsRun>): EfsRun => makeEfsRun(over);
const dry = run({});
const scaled = run({
  run_id: 'run-2',
  timestamp: '2025-03-04T05:07:00.000Z',
  dry_run: false,
  outcome: 'scaled',
  new_mount_target_created: true,
  new_mount_target_id: 'fsmt-0123456789abcdef1',
  deployment_triggered: true,
});
const failed = run({ run_id: 'run-3', dry_run: false, outcome: 'failed', failed_step: 'create', error: 'CreateMountTarget: AccessDeniedException', trigger: 'schedule' });

const target = (az: string, id: string, state = 'available', listed = true) => ({
  mount_target_id: id,
  availability_zone: az,
  subnet_id: `subnet-0${az.at(-1)}00000000000000${az.at(-1)}`,
  ip_address: '10.0.1.4',
  lifecycle_state: state,
  in_parameter: listed,
});
const counts: EfsCountSample[] = [
  { ts: Date.UTC(2025, 2, 4, 5, 6), name: 'default', file_count: 30, threshold: 20 },
  { ts: Date.UTC(2025, 2, 4, 5, 7), name: 'default', file_count: 31, threshold: 20 },
];
const status: EfsStatusResult = { scaler: info, last_run: dry, mount_targets: [target('ap-northeast-1a', 'fsmt-0a00000000000000a')], counts };
const snapshot: EfsSnapshot = { scalers: [info], name: 'default', status, runs: [dry], counts };

function view(over: Partial<EfsViewProps>): string {
  const props: EfsViewProps = {
    polled: { loading: false, data: snapshot },
    busy: undefined,
    editing: false,
    onConfigure: async () => undefined,
    onEdit: noop,
    onCancelEdit: noop,
    onRun: noop,
    onSchedule: noop,
    onSelect: noop,
    ...over,
  };
  return renderToStaticMarkup(<EfsView {...props} />);
}

describe('EfsView', () => {
  it('shows a spinner until the first answer, and the configure form when no scaler exists', () => {
    expect(view({ polled: { loading: true } })).toContain('data-testid="efs-loading"');
    const html = view({ polled: { loading: false, data: { scalers: [], runs: [], counts: [] } } });
    expect(html).toContain('data-testid="efs-not-configured"');
    expect(html).toContain('data-testid="efs-config-form"');
    expect(html).toMatch(/data-testid="efs-threshold"/);
    expect(input(html, 'efs-threshold')).toContain('value="100000"');
    expect(input(html, 'efs-interval')).toContain('value="5m"');
    expect(html).toMatch(/data-testid="efs-save"[^>]*>Configure</);
    expect(html).not.toContain('data-testid="efs-run"');
  });

  it('configured: the summary with the schedule switch, the buttons, chart, mount targets and runs', () => {
    const html = view({});
    expect(html).toMatch(/data-testid="efs-summary-fs"[^>]*>fs-0123456789abcdef0</);
    expect(html).toMatch(/data-testid="efs-summary-threshold"[^>]*>20 files</);
    expect(input(html, 'efs-schedule-toggle')).toMatch(/type="checkbox" role="switch"/);
    expect(input(html, 'efs-schedule-toggle')).not.toContain('checked=""');
    expect(input(view({ polled: { loading: false, data: { ...snapshot, status: { ...status, scaler: { ...info, schedule_enabled: true } } } } }), 'efs-schedule-toggle')).toContain('checked=""');
    expect(html).toMatch(/data-testid="efs-schedule-text">off</);
    // Clicked: the switch follows at once, and waits for the daemon's answer.
    const asking = view({ busy: 'schedule', scheduleWanted: true });
    expect(input(asking, 'efs-schedule-toggle')).toContain('checked=""');
    expect(input(asking, 'efs-schedule-toggle')).toContain('disabled=""');
    expect(asking).toMatch(/data-testid="efs-schedule-text">on</);
    expect(html).toMatch(/data-testid="efs-run"[^>]*>Run now</);
    expect(html).toMatch(/data-testid="efs-dry-run"[^>]*>Dry run</);
    expect(html).toMatch(/data-testid="efs-edit"[^>]*>Edit</);
    expect(html).toContain('data-testid="efs-chart" data-points="2"');
    expect(html).toContain('data-testid="efs-az-ap-northeast-1a"');
    // The dry run's plan marks ap-northeast-1b as the free AZ the next scale-up uses.
    expect(html).toMatch(/data-testid="efs-az-ap-northeast-1b" data-free="true"/);
    expect(html).toContain('next scale-up: subnet-0b00000000000000b');
    expect(html).toContain('data-testid="efs-run-row"');
    expect(html).not.toContain('efs-progress');
  });

  it('while a run goes: the stage as a spinner, the buttons disabled; then its result', () => {
    const activity = { runId: 'r', dryRun: false, trigger: 'manual' as const, running: true, stage: 'wait' as const, text: 'Waiting for it to become available… fsmt-1 is creating (check 2)' };
    const html = view({ busy: 'run', activity });
    expect(html).toMatch(/data-testid="efs-progress"[^>]*><span class="spinner"[^>]*><\/span> Waiting for it to become available… fsmt-1 is creating \(check 2\)/);
    expect(html).toMatch(/disabled=""[^>]*data-testid="efs-run"/);
    expect(html).toMatch(/disabled=""[^>]*data-testid="efs-dry-run"/);
    expect(view({ busy: 'dry' })).toContain('Dry run: starting…');
    expect(view({ polled: { loading: false, data: { ...snapshot, status: { ...status, scaler: { ...info, running: true } } } } })).toContain('A run is under way…');
    const done = view({ note: { tone: 'ok', text: 'Scaled: 30 files' } });
    expect(done).toMatch(/data-testid="efs-run-result" data-tone="ok">Scaled: 30 files</);
    const scheduled = view({ activity: { ...activity, running: false, stage: 'done', text: 'nothing to do', outcome: 'below_threshold', trigger: 'schedule' } });
    expect(scheduled).toMatch(/data-testid="efs-run-result" data-tone="muted">nothing to do</);
  });

  it('editing: the form filled from the saved config with Save and Cancel', () => {
    const html = view({ editing: true });
    expect(input(html, 'efs-file-system-id')).toContain('value="fs-0123456789abcdef0"');
    expect(input(html, 'efs-region')).toContain('value="ap-northeast-1"');
    expect(html).toMatch(/data-testid="efs-save"[^>]*>Save</);
    expect(html).toContain('data-testid="efs-cancel"');
    expect(html).not.toContain('data-testid="efs-summary"');
  });

  it('keeps the last answer when a poll fails, and shows AWS trouble beside it', () => {
    const html = view({ polled: { loading: false, error: 'connection lost', data: { ...snapshot, status: { ...status, mount_targets: undefined, aws_error: 'AccessDenied' } } } });
    expect(html).toMatch(/data-testid="efs-error"[^>]*>connection lost</);
    expect(html).toMatch(/data-testid="efs-aws-error"[^>]*>AWS: AccessDenied</);
    expect(html).toContain('data-testid="efs-summary"');
  });

  it('offers a choice of scaler when there are several', () => {
    const html = view({ polled: { loading: false, data: { ...snapshot, scalers: [info, { ...info, name: 'media' }] } } });
    expect(html).toContain('data-testid="efs-scaler-select"');
    expect(html).toContain('<option value="media">media</option>');
  });
});

describe('EfsConfigFormView', () => {
  const form = (over: Partial<EfsConfigFormViewProps>): string =>
    renderToStaticMarkup(<EfsConfigFormView values={emptyEfsForm()} errors={{}} saving={false} editing={false} onChange={noop} onSubmit={noop} {...over} />);

  it('has every field of the scaler, the defaults filled in', () => {
    const html = form({});
    for (const id of ['file-system-id', 'directory', 'threshold', 'interval', 'ssm-parameter', 'ecs-cluster', 'ecs-service', 'vpc-id', 'security-group-id', 'recursive', 'profile', 'region'])
      expect(html).toContain(`data-testid="efs-${id}"`);
  });

  it('shows field errors in place and the server’s refusal under the form', () => {
    const html = form({ errors: { vpc_id: 'a VPC id like "vpc-0123456789abcdef0"' }, serverError: 'EFS scaler "default": directory: an absolute path' });
    expect(html).toMatch(/class="field has-error"><span class="label">VPC id<\/span><input[^>]*data-testid="efs-vpc-id"/);
    expect(input(html, 'efs-vpc-id')).toContain('aria-invalid="true"');
    expect(html).toMatch(/data-testid="efs-error-vpc_id">a VPC id like &quot;vpc-0123456789abcdef0&quot;</);
    expect(html).toMatch(/data-testid="efs-form-error">EFS scaler &quot;default&quot;: directory: an absolute path</);
  });

  it('waits while saving', () => {
    const html = form({ saving: true });
    expect(html).toContain('data-testid="efs-saving"');
    expect(html).toMatch(/disabled=""[^>]*data-testid="efs-save"/);
  });
});

describe('EfsCountChart', () => {
  it('is an accessible SVG: role img, a label with the latest count vs threshold, a line, a dashed threshold, axis labels', () => {
    const html = renderToStaticMarkup(<EfsCountChart samples={counts} threshold={20} />);
    expect(html).toMatch(/<svg viewBox="0 0 600 180" role="img" aria-label="File count over time: latest 31 files, above the threshold of 20; 2 counts from [^"]+"/);
    const g = chartGeometry(counts, 20);
    expect(html).toContain(`<polyline class="count" points="${g.countLine}"`);
    expect(html).toContain(`<polyline class="threshold" points="${g.thresholdLine}"`);
    expect(html.match(/data-testid="efs-chart-point"/g)).toHaveLength(2);
    expect(html).toMatch(/data-testid="efs-chart-ymax">50</);
    expect(html).toContain('threshold 20');
    expect(html).toContain('data-testid="efs-chart-tmin"');
    expect(html).toContain('data-testid="efs-chart-tmax"');
  });

  it('with no counts: the threshold alone and a word on how to get a count', () => {
    const html = renderToStaticMarkup(<EfsCountChart samples={[]} threshold={100_000} />);
    expect(html).toContain('data-points="0"');
    expect(html).toContain('no counts yet: run the scaler to record one');
    expect(html).toContain('class="threshold"');
    expect(html).not.toContain('class="count"');
  });
});

describe('EfsRunsTable', () => {
  it('lists runs with trigger, dry run tag, coloured outcome, count, new mount target, deployment, error', () => {
    const html = renderToStaticMarkup(<EfsRunsTable runs={[scaled, failed, dry]} />);
    expect(html.indexOf('data-run-id="run-2"')).toBeLessThan(html.indexOf('data-run-id="run-1"'));
    expect(html).toMatch(/data-run-id="run-2" data-outcome="scaled" data-dry-run="false"/);
    expect(html).toMatch(/data-testid="efs-run-outcome" data-tone="ok">scaled</);
    expect(html).toMatch(/data-testid="efs-run-target">fsmt-0123456789abcdef1 \(ap-northeast-1b\)</);
    expect(html).toMatch(/data-testid="efs-run-deployment">started</);
    expect(html).toMatch(/data-testid="efs-run-outcome" data-tone="bad">failed</);
    expect(html).toMatch(/class="tone-bad" data-testid="efs-run-error">create: CreateMountTarget: AccessDeniedException</);
    expect(html).toMatch(/data-testid="efs-run-dry">dry run</);
    expect(html).toMatch(/data-testid="efs-run-outcome" data-tone="muted">dry run: would scale</);
    expect(html).toMatch(/data-testid="efs-run-target">would add in ap-northeast-1b</);
    expect(html).toMatch(/data-testid="efs-run-count">30 \/ 20</);
    expect(html).toContain('>schedule<');
  });

  it('says there are no runs yet', () => {
    expect(renderToStaticMarkup(<EfsRunsTable runs={[]} />)).toContain('data-testid="efs-runs-empty"');
  });
});

describe('EfsMountTargets', () => {
  it('lists the targets by AZ with state and whether the parameter lists them', () => {
    const html = renderToStaticMarkup(
      <EfsMountTargets targets={[target('ap-northeast-1b', 'fsmt-0b00000000000000b', 'creating', false), target('ap-northeast-1a', 'fsmt-0a00000000000000a')]} />,
    );
    expect(html.indexOf('efs-az-ap-northeast-1a')).toBeLessThan(html.indexOf('efs-az-ap-northeast-1b'));
    expect(html).toMatch(/data-testid="efs-az-ap-northeast-1b" data-mount-target="fsmt-0b00000000000000b"/);
    expect(html).toMatch(/class="pill tone-warn" data-testid="efs-target-state" data-value="creating">creating</);
    expect(html).toMatch(/data-testid="efs-target-listed" data-value="false"><span class="tone-warn">not listed</);
    expect(html).toContain('10.0.1.4');
  });

  it('says when there are none', () => {
    expect(renderToStaticMarkup(<EfsMountTargets targets={[]} />)).toContain('data-testid="efs-targets-empty"');
  });
});
