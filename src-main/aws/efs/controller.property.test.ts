// Design properties 3 and 7 against the in-memory account, where fast-check can try thousands of
// orders quickly; e2e/integration/efs/properties.test.ts checks the same through the real SDK and
// the AWS emulator.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMountTargetParameter, RUN_STEPS, type RunStep } from '../../../src-shared/efs/index.js';
import { runScaler } from './controller.js';
import { awsFault, type PortMethod } from './fixtures/fake-aws.js';
import { counting, fakeAccount, FS, PARAM, scalerConfig } from './fixtures/scenario.js';
import { scheduledPort } from './fixtures/scheduled-port.js';
import { FileSystemLocks } from './fs-locks.js';

const noSleep = async (): Promise<void> => {};

describe('Feature: efs-mount-target-autoscaling, Property 3: idempotent mount target creation', () => {
  it('Feature: efs-mount-target-autoscaling, Property 3: N concurrent runs in any order leave at most one mount target per AZ, one per run at most, all published', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }), // free AZs
        // Each run belongs to a "process" (shared lock inside one, none across).
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }), // DescribeMountTargets calls a new target stays "creating"
        async (s, free, processes, creatingChecks) => {
          const aws = fakeAccount(2 + free, 2);
          aws.creatingChecks = creatingChecks;
          const before = aws.mountTargets.length;
          const locks = [new FileSystemLocks(), new FileSystemLocks(), new FileSystemLocks()];
          const runs = processes.map((p, i) =>
            runScaler(
              scalerConfig({ name: `run-${i}` }),
              { port: scheduledPort(aws, s, `run-${i}`), locks: locks[p]!, count: counting(150), pollIntervalMs: 1, sleep: noSleep },
              { runId: `r${i}`, dryRun: false, trigger: 'manual' },
            ),
          );
          const records = await s.waitFor(Promise.all(runs));

          const byAz = aws.byAz(FS);
          for (const [az, list] of byAz) expect(list, `${az}: ${list.map((m) => m.mount_target_id).join(', ')}`).toHaveLength(1);
          const created = aws.mountTargets.length - before;
          expect(created).toBeLessThanOrEqual(Math.min(free, processes.length));
          expect(aws.calls.filter((c) => c.method === 'createMountTarget').length).toBeGreaterThanOrEqual(created);
          for (const r of records) {
            expect(['scaled', 'no_subnet'], `${r.run_id}: ${r.error ?? ''}`).toContain(r.outcome);
            if (r.outcome === 'scaled') expect(byAz.get(r.plan!.availability_zone!)![0]!.mount_target_id).toBe(r.new_mount_target_id);
          }
          // Every new target is in a distinct AZ and was reported by a run; a run that did not adopt created its own.
          const reported = new Set(records.filter((r) => r.outcome === 'scaled').map((r) => r.new_mount_target_id));
          expect(reported.size).toBe(created);
          expect(records.filter((r) => r.outcome === 'scaled' && !r.adopted)).toHaveLength(created);
          // The last write lists every available target: no update was lost to a stale writer.
          if (created > 0) {
            const published = decodeMountTargetParameter(aws.parameters.get(PARAM)!).map((m) => m.mount_target_id).sort();
            expect(published).toEqual(aws.mountTargets.filter((m) => m.lifecycle_state === 'available').map((m) => m.mount_target_id).sort());
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Feature: efs-mount-target-autoscaling, Property 3: repeated runs add one mount target per AZ until every AZ is served, then none', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 8 }), async (free, repeats) => {
        const aws = fakeAccount(2 + free, 2);
        const locks = new FileSystemLocks();
        for (let i = 0; i < repeats; i++)
          await runScaler(scalerConfig(), { port: aws, locks, count: counting(150), pollIntervalMs: 1, sleep: noSleep }, { runId: `r${i}`, dryRun: false, trigger: 'schedule' });
        expect(aws.mountTargets).toHaveLength(2 + Math.min(free, repeats));
        for (const list of aws.byAz(FS).values()) expect(list).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});

/** Where a fault in the nth call of a method stops a run (the fake's call order of one run). */
const faults: Array<{ method: PortMethod | 'count'; skip: number; step: RunStep | undefined }> = [
  { method: 'count', skip: 0, step: 'count' },
  { method: 'describeFileSystem', skip: 0, step: 'describe' },
  { method: 'listSubnets', skip: 0, step: 'describe' },
  { method: 'listMountTargets', skip: 0, step: 'describe' },
  { method: 'listMountTargets', skip: 1, step: 'create' }, // the re-check of the AZ
  { method: 'createMountTarget', skip: 0, step: 'create' },
  { method: 'describeMountTarget', skip: 0, step: 'wait' },
  { method: 'describeMountTarget', skip: 1, step: 'wait' },
  { method: 'listMountTargets', skip: 2, step: 'ssm' }, // the listing that is published
  { method: 'putParameter', skip: 0, step: 'ssm' },
  { method: 'forceNewDeployment', skip: 0, step: 'ecs' },
];
const BEFORE_CREATED: ReadonlySet<RunStep> = new Set(['count', 'describe', 'create']);

describe('Feature: efs-mount-target-autoscaling, Property 7: state kept on errors', () => {
  it('Feature: efs-mount-target-autoscaling, Property 7: under any injected failure the parameter and deployments are untouched (ECS: parameter already written), and nothing is created before/at creation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...faults),
        fc.constantFrom('AccessDeniedException', 'ThrottlingException', 'InternalServerError', 'ValidationException', 'NetworkingError'),
        fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }), // the parameter as it was
        fc.integer({ min: 0, max: 2 }),
        async (fault, errorName, previous, creatingChecks) => {
          const aws = fakeAccount(3, 2);
          aws.creatingChecks = creatingChecks;
          if (previous !== undefined) aws.parameters.set(PARAM, previous);
          const targetsBefore = aws.mountTargets.map((m) => m.mount_target_id);
          if (fault.method !== 'count') aws.fail(fault.method, awsFault(errorName, `injected ${errorName}`), 1, fault.skip);
          const count = fault.method === 'count' ? () => Promise.reject(awsFault('FileCountError', 'Cannot count files in /mnt/efs/data (EIO)')) : counting(150);
          const r = await runScaler(scalerConfig(), { port: aws, locks: new FileSystemLocks(), count, pollIntervalMs: 1, sleep: noSleep }, { runId: 'r', dryRun: false, trigger: 'manual' });

          // A fault in a wait check only bites while the target is still creating.
          if (fault.method === 'describeMountTarget' && fault.skip >= creatingChecks + 1) {
            expect(r.outcome).toBe('scaled');
            return;
          }
          expect(r.outcome).toBe('failed');
          expect(r.failed_step).toBe(fault.step);
          expect(RUN_STEPS).toContain(r.failed_step);
          expect(aws.deployments.size).toBe(0);
          if (fault.step === 'ecs') expect(decodeMountTargetParameter(aws.parameters.get(PARAM)!)).toHaveLength(3);
          else expect(aws.parameters.get(PARAM)).toBe(previous);
          const now = aws.mountTargets.map((m) => m.mount_target_id);
          if (BEFORE_CREATED.has(fault.step!)) expect(now).toEqual(targetsBefore);
          else expect(now).toHaveLength(targetsBefore.length + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
