import { describe, expect, it } from 'vitest';
import { efsRunRecordSchema, lambdaExecutionResultSchema, type EfsRunRecord } from './execution-result.js';

const MT = { mount_target_id: 'fsmt-0c0ffee0', ip_address: '10.0.3.100', availability_zone: 'ap-northeast-1d', subnet_id: 'subnet-0c0ffee0' };

const base: EfsRunRecord = {
  timestamp: '2025-06-11T03:00:00.000Z',
  file_count: 150_000,
  threshold: 100_000,
  threshold_exceeded: true,
  new_mount_target_created: true,
  new_mount_target_id: 'fsmt-0c0ffee0',
  deployment_triggered: true,
  run_id: 'run-0001',
  dry_run: false,
  outcome: 'scaled',
  duration_ms: 93_512,
  mount_targets_after: [MT],
};
const below: EfsRunRecord = {
  ...base,
  file_count: 42,
  threshold_exceeded: false,
  new_mount_target_created: false,
  new_mount_target_id: undefined,
  deployment_triggered: false,
  outcome: 'below_threshold',
  mount_targets_after: undefined,
};
const notCreated = { new_mount_target_created: false, new_mount_target_id: undefined, deployment_triggered: false, mount_targets_after: undefined };

const problems = (record: unknown): string[] => {
  const r = efsRunRecordSchema.safeParse(record);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('LambdaExecutionResult', () => {
  it("reads the design's result as it is", () => {
    const seedResult = {
      timestamp: '2025-06-11T12:00:00+09:00',
      file_count: 120_000,
      threshold: 100_000,
      threshold_exceeded: true,
      new_mount_target_created: false,
      deployment_triggered: false,
      error: 'CreateMountTarget: MountTargetConflict',
    };
    expect(lambdaExecutionResultSchema.parse(seedResult)).toEqual(seedResult);
    expect(lambdaExecutionResultSchema.safeParse({ ...seedResult, timestamp: 'yesterday' }).success).toBe(false);
  });

  it("a run record that counted is also the design's result", () => {
    expect(lambdaExecutionResultSchema.safeParse(base).success).toBe(true);
  });
});

describe('EFS run record', () => {
  it.each<[string, EfsRunRecord]>([
    ['scaled', base],
    ['below the threshold', below],
    ['no subnet left', { ...base, ...notCreated, outcome: 'no_subnet', warning: 'no availability zone of vpc-0a1b2c3d is left' }],
    ['a dry run', { ...base, ...notCreated, dry_run: true, outcome: 'dry_run' }],
    ['a dry run below the threshold', { ...below, dry_run: true }],
    ['failed to count', { ...below, file_count: null, outcome: 'failed', failed_step: 'count', error: 'EACCES: /mnt/efs/data' }],
    ['failed to create', { ...base, ...notCreated, outcome: 'failed', failed_step: 'create', error: 'SubnetNotFound' }],
    ['failed to deploy after SSM was written', { ...base, deployment_triggered: false, outcome: 'failed', failed_step: 'ecs', error: 'ServiceNotFoundException' }],
  ])('accepts %s', (_what, record) => {
    expect(problems(record)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a failure without its step', { ...base, ...notCreated, outcome: 'failed', error: 'x' }, 'failed_step is given exactly when outcome is "failed"'],
    ['a failure without an error', { ...base, ...notCreated, outcome: 'failed', failed_step: 'create' }, 'error is given exactly when outcome is "failed"'],
    ['an error on success', { ...base, error: 'x' }, 'error is given exactly when outcome is "failed"'],
    ['a threshold flag that disagrees with the numbers', { ...below, threshold_exceeded: true }, 'threshold_exceeded must equal file_count > threshold'],
    ['scaling below the threshold', { ...base, file_count: 5, threshold_exceeded: false }, 'contradicts threshold_exceeded'],
    ['a created target without its id', { ...base, new_mount_target_id: undefined }, 'new_mount_target_id is given exactly when'],
    ['a count failure with a count', { ...below, outcome: 'failed', failed_step: 'count', error: 'x' }, 'file_count is null exactly when counting failed'],
    ['a dry run that created something', { ...base, dry_run: true }, 'a dry run changes nothing'],
    ['"dry_run" outside a dry run', { ...base, ...notCreated, outcome: 'dry_run' }, 'outcome "dry_run" needs dry_run true'],
    ['a wait failure without a created target', { ...base, ...notCreated, outcome: 'failed', failed_step: 'wait', error: 'x' }, 'has created a mount target'],
    ['scaled without deploying', { ...base, deployment_triggered: false }, 'outcome "scaled" means created and deployed'],
    ['a scaled list missing the new target', { ...base, mount_targets_after: [{ ...MT, mount_target_id: 'fsmt-11111111' }] }, 'lists the new mount target'],
    ['an unknown step', { ...base, ...notCreated, outcome: 'failed', failed_step: 'mount', error: 'x' }, 'Invalid option'],
  ])('refuses %s', (_what, record, message) => {
    expect(problems(record).join('\n')).toContain(message);
  });
});
