import { describe, expect, it } from 'vitest';
import { ErrorCode, type EfsEvent, type EfsRun } from '../../../src-shared/api/index.js';
import { hintFor } from '../hints.js';
import { configureParams } from './efs.js';
import { formatEfsProgress, formatRun, formatRuns, runSummary } from './efs-format.js';

const run: EfsRun = {
  timestamp: '2026-03-01T00:00:00.000Z',
  file_count: 150,
  threshold: 100,
  threshold_exceeded: true,
  new_mount_target_created: true,
  new_mount_target_id: 'fsmt-0c0ffee0',
  deployment_triggered: true,
  run_id: '0123456789abcdef',
  dry_run: false,
  outcome: 'scaled',
  duration_ms: 91_500,
  mount_targets_after: [{ mount_target_id: 'fsmt-0c0ffee0', ip_address: '10.0.3.100', availability_zone: 'eu-west-1c', subnet_id: 'subnet-0c0ffee0' }],
  name: 'media',
  trigger: 'schedule',
  file_system_id: 'fs-0123456789abcdef0',
  plan: { action: 'create', availability_zone: 'eu-west-1c', subnet_id: 'subnet-0c0ffee0' },
  actions: ['CreateMountTarget → fsmt-0c0ffee0 in subnet-0c0ffee0 (eu-west-1c)'],
};

describe('warren efs', () => {
  it('configure sends only the flags given, with the directory made absolute', () => {
    expect(configureParams({ directory: 'data', threshold: 5, recursive: false }, '/home/me')).toEqual({ directory: '/home/me/data', threshold: 5, recursive: false });
    expect(configureParams({ name: 'media', profile: 'ops', region: 'eu-west-1', waitTimeout: '2m', interval: '1m' }, '/')).toEqual({
      name: 'media',
      profile: 'ops',
      region: 'eu-west-1',
      wait_timeout: '2m',
      interval: '1m',
    });
  });

  it('formats a run: outcome, files, what was done, the list published with mount points', () => {
    const text = formatRun(run, false);
    expect(text).toMatch(/outcome:\s+scaled/);
    expect(text).toMatch(/files:\s+150 \(threshold 100, exceeded\)/);
    expect(text).toMatch(/mount target:\s+fsmt-0c0ffee0 \(created\)/);
    expect(text).toContain('done:\n  CreateMountTarget → fsmt-0c0ffee0');
    expect(text).toContain('mount targets published:\n  /mnt/efs-0  eu-west-1c  fsmt-0c0ffee0  10.0.3.100');
    const failed: EfsRun = { ...run, outcome: 'failed', failed_step: 'ssm', error: 'PutParameter: denied', deployment_triggered: false, mount_targets_after: undefined, actions: [] };
    expect(formatRun(failed, false)).toMatch(/outcome:\s+failed at ssm[\s\S]*error: PutParameter: denied/);
    expect(runSummary(failed)).toBe('150 files; failed at ssm: PutParameter: denied');
    expect(formatRuns([run], false).split('\n')[1]).toMatch(/^01234567\s+media\s+2026-03-01T00:00:00.000Z\s+schedule\s+scaled\s+150\s+150 files; added fsmt-0c0ffee0 in eu-west-1c$/);
  });

  it('progress lines for counting, waiting and the end of a run', () => {
    const e = (over: Partial<EfsEvent>): EfsEvent => ({ name: 'media', run_id: 'r', trigger: 'manual', dry_run: false, stage: 'count', status: 'started', message: 'counting files in /mnt/efs', ...over });
    expect(formatEfsProgress(e({}))).toBe('count: counting files in /mnt/efs');
    expect(formatEfsProgress(e({ status: 'progress', files: 1200, dirs: 3, elapsed_ms: 2500 }))).toBe('counting files: 1200 so far (3 directories, 2.5 s)');
    expect(formatEfsProgress(e({ stage: 'wait', status: 'progress', elapsed_ms: 12_000, checks: 4, message: 'fsmt-1 is creating' }))).toBe('waiting for the mount target: 12.0 s, check 4: fsmt-1 is creating');
    expect(formatEfsProgress(e({ stage: 'done', status: 'ok', outcome: 'scaled', message: 'added' }))).toBe('done: scaled: added');
  });

  it('hints for the EFS errors say what to do next', () => {
    expect(hintFor({ code: ErrorCode.EfsScalerNotFound, data: { name: 'default', scalers: ['logs', 'media'] } })).toBe('pass --name (one of logs, media)');
    expect(hintFor({ code: ErrorCode.EfsScalerNotFound, data: { name: 'x', scalers: [] } })).toMatch(/warren efs configure --file-system-id/);
    expect(hintFor({ code: ErrorCode.EfsRunInProgress, data: { name: 'media' } }, { name: 'media' })).toBe('follow it with `warren efs watch --name media`, then run again');
    expect(hintFor({ code: ErrorCode.EfsParameterNotFound, data: {} })).toMatch(/warren efs status/);
  });
});
