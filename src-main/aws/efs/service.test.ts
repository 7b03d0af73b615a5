import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, type EfsEvent, type WarrenError } from '../../../src-shared/api/index.js';
import { encodeMountTargetParameter } from '../../../src-shared/efs/index.js';
import { createEfsHandlers } from '../../api/efs-handlers.js';
import type { ClientContext } from '../../api/dispatcher.js';
import { openTempStore, type TempStore } from '../../store/fixtures/temp-store.js';
import { openStore, type Store } from '../../store/store.js';
import type { CountFn } from './controller.js';
import { awsFault, type FakeEfsAws } from './fixtures/fake-aws.js';
import { counting, fakeAccount, FS, PARAM, VPC } from './fixtures/scenario.js';
import { EfsService } from './service.js';

let t: TempStore | undefined;
afterEach(() => {
  t?.dispose();
  t = undefined;
});

const required = {
  file_system_id: FS,
  directory: '/mnt/efs/data',
  threshold: 100,
  ssm_parameter: PARAM,
  ecs_cluster: 'prod',
  ecs_service: 'web',
  vpc_id: VPC,
  security_group_id: 'sg-0a1b2c3d4e5f60718',
};

function service(aws: FakeEfsAws, opts: { store?: Store; count?: CountFn } = {}) {
  t ??= openTempStore();
  const store = opts.store ?? t.store;
  const events: EfsEvent[] = [];
  const log = { info: vi.fn(), warn: vi.fn() };
  const targets: unknown[] = [];
  const svc = new EfsService({
    scalers: store.efsScalers,
    runs: store.efsRuns,
    counts: store.efsCounts,
    port: (target) => {
      targets.push(target);
      return aws;
    },
    emit: (e) => void events.push(e),
    log,
    count: opts.count ?? counting(150),
    pollIntervalMs: 10,
  });
  return { svc, events, log, targets, store };
}

const code = async (p: Promise<unknown> | (() => unknown)): Promise<number | undefined> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as WarrenError).code;
  }
  return undefined;
};

describe('EfsService', () => {
  it('configure creates a scaler with the defaults, then updates only the fields given', async () => {
    const { svc } = service(fakeAccount());
    const made = svc.configure({ ...required, profile: 'ops', region: 'eu-west-1' });
    expect(made).toMatchObject({ name: 'default', schedule_enabled: false, running: false });
    expect(made.config).toMatchObject({ recursive: false, threshold: 100, interval: '5m', wait_timeout: '10m', profile: 'ops' });
    const changed = svc.configure({ threshold: 5000, interval: '1m', profile: null });
    expect(changed.config).toMatchObject({ threshold: 5000, interval: '1m', file_system_id: FS, region: 'eu-west-1' });
    expect(changed.config.profile).toBeUndefined();
    expect(await code(() => svc.configure({ name: 'other', threshold: 1 }))).toBe(ErrorCode.EfsConfigInvalid);
    expect(await code(() => svc.configure({ ...required, name: 'x', interval: '10ms' }))).toBe(ErrorCode.EfsConfigInvalid);
    expect(svc.list().map((s) => s.name)).toEqual(['default']);
  });

  it('finds the scaler by name, else "default", else the only one; says which exist otherwise', async () => {
    const { svc } = service(fakeAccount());
    expect(await code(() => svc.resolveName(undefined))).toBe(ErrorCode.EfsScalerNotFound);
    svc.configure({ ...required, name: 'media' });
    expect(svc.resolveName(undefined)).toBe('media');
    svc.configure({ ...required, name: 'logs' });
    expect(await code(() => svc.resolveName(undefined))).toBe(ErrorCode.EfsScalerNotFound);
    expect(await code(svc.run('nope', { dryRun: true, trigger: 'manual' }))).toBe(ErrorCode.EfsScalerNotFound);
  });

  it('a run is stored with its count, in its AWS profile/region, and its progress goes out as event.efs', async () => {
    const aws = fakeAccount();
    const { svc, events, targets, store } = service(aws);
    svc.configure({ ...required, region: 'eu-west-1' });
    const run = await svc.run(undefined, { dryRun: false, trigger: 'manual' });
    expect(run).toMatchObject({ name: 'default', outcome: 'scaled', trigger: 'manual' });
    expect(targets).toEqual([{ region: 'eu-west-1' }]);
    expect(store.efsRuns.get(run.run_id)).toEqual(run);
    expect(svc.runs('default')).toEqual([run]);
    expect(svc.counts('default')).toEqual([{ ts: Date.parse(run.timestamp), name: 'default', file_count: 150, threshold: 100 }]);
    expect(events.every((e) => e.run_id === run.run_id)).toBe(true);
    expect(events.at(-1)).toMatchObject({ stage: 'done', outcome: 'scaled' });
  });

  it('one run per scaler at a time: a second gets EfsRunInProgress; shutting down cancels the first', async () => {
    let started!: () => void;
    const counting$ = new Promise<void>((r) => (started = r));
    const count: CountFn = (_d, o) =>
      new Promise((_, reject) => {
        started();
        o.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      });
    const { svc } = service(fakeAccount(), { count });
    svc.configure(required);
    const first = svc.run(undefined, { dryRun: false, trigger: 'manual' });
    await counting$;
    expect(svc.isRunning('default')).toBe(true);
    expect(svc.list()[0]!.running).toBe(true);
    expect(await code(svc.run(undefined, { dryRun: true, trigger: 'manual' }))).toBe(ErrorCode.EfsRunInProgress);
    await svc.dispose();
    expect(await first).toMatchObject({ outcome: 'failed', failed_step: 'count' });
    expect(svc.isRunning('default')).toBe(false);
    expect(await code(svc.run(undefined, { dryRun: true, trigger: 'manual' }))).toBe(ErrorCode.ShuttingDown);
  });

  it('the schedule flag is kept in the store and re-armed by restoreSchedules after a restart', async () => {
    t = openTempStore();
    const first = service(fakeAccount());
    first.svc.configure({ ...required, name: 'media', interval: '2m' });
    first.svc.configure({ ...required, name: 'logs' });
    const on = first.svc.schedule('media', true);
    expect(on.schedule_enabled).toBe(true);
    expect(Date.parse(on.next_run_at!)).toBeGreaterThan(Date.now() + 100_000);
    await first.svc.dispose();
    t.store.close();

    const again = openStore(t.file);
    try {
      const second = service(fakeAccount(), { store: again });
      expect(second.svc.list().find((s) => s.name === 'media')?.next_run_at).toBeUndefined();
      expect(second.svc.restoreSchedules()).toEqual(['media']);
      expect(second.svc.list().map((s) => [s.name, s.schedule_enabled, s.next_run_at !== undefined])).toEqual([
        ['logs', false, false],
        ['media', true, true],
      ]);
      second.svc.schedule('media', false);
      expect(second.svc.list().find((s) => s.name === 'media')?.next_run_at).toBeUndefined();
      await second.svc.dispose();
    } finally {
      again.close();
    }
  });

  it('status shows the mount targets by AZ marked when the parameter lists them, and answers when AWS does not', async () => {
    const aws = fakeAccount(3, 3);
    const [a] = aws.mountTargets;
    aws.parameters.set(PARAM, encodeMountTargetParameter([{ mount_target_id: a!.mount_target_id, ip_address: a!.ip_address!, availability_zone: a!.availability_zone, subnet_id: a!.subnet_id }]));
    const { svc } = service(aws);
    svc.configure(required);
    await svc.run(undefined, { dryRun: true, trigger: 'manual' });
    const s = await svc.status(undefined);
    expect(s.mount_targets?.map((m) => [m.availability_zone, m.in_parameter])).toEqual([
      ['eu-west-1a', true],
      ['eu-west-1b', false],
      ['eu-west-1c', false],
    ]);
    expect(s.parameter).toHaveLength(1);
    expect(s.last_run?.outcome).toBe('no_subnet');
    expect(s.counts).toHaveLength(1);

    aws.fail('listMountTargets', awsFault('AccessDeniedException', 'no'));
    const denied = await svc.status(undefined);
    expect(denied.mount_targets).toBeUndefined();
    expect(denied.aws_error).toMatch(/DescribeMountTargets .*AWS denied it/);
  });

  it('efs.route and efs.mount_plan read the parameter: missing and invalid are errors of their own', async () => {
    const aws = fakeAccount(3, 3);
    const { svc } = service(aws);
    svc.configure(required);
    const h = createEfsHandlers(svc);
    const ctx = {} as ClientContext;
    expect(await code(Promise.resolve(h['efs.route']({ path: 'a/b' }, ctx)))).toBe(ErrorCode.EfsParameterNotFound);
    aws.parameters.set(PARAM, '{"mount_targets": "no"}');
    expect(await code(Promise.resolve(h['efs.mount_plan']({}, ctx)))).toBe(ErrorCode.EfsParameterInvalid);

    const list = aws.mountTargets.map(({ mount_target_id, ip_address, availability_zone, subnet_id }) => ({ mount_target_id, ip_address: ip_address!, availability_zone, subnet_id }));
    aws.parameters.set(PARAM, encodeMountTargetParameter(list));
    const r = await h['efs.route']({ path: '/photos/2024/cat.jpg' }, ctx);
    expect(r.resolved).toBe(`${r.mount_point}/photos/2024/cat.jpg`);
    expect(r.mount_point).toBe(`/mnt/efs-${r.index}`);
    expect(r.mount_targets).toBe(3);
    expect(await h['efs.route']({ path: 'photos//2024/./cat.jpg' }, ctx)).toMatchObject({ index: r.index });
    expect(await code(Promise.resolve(h['efs.route']({ path: '../etc/passwd' }, ctx)))).toBe(ErrorCode.InvalidParams);

    const plan = await h['efs.mount_plan']({}, ctx);
    expect(plan.commands.map((c) => c.mount_point)).toEqual(['/mnt/efs-0', '/mnt/efs-1', '/mnt/efs-2']);
    expect(plan.commands[0]!.command).toContain(`mount -t efs -o tls,mounttargetip=${list[0]!.ip_address} ${FS} /mnt/efs-0`);
    const plain = await h['efs.mount_plan']({ parameter: PARAM }, ctx);
    expect(plain.commands[0]!.argv.slice(0, 3)).toEqual(['mount', '-t', 'nfs4']);
  });
});
