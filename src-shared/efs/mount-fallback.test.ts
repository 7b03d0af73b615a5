import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseMounts, NoMountTargetError, type MountAttempt } from './mount-fallback.js';
import { createRouter } from './routing.js';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const idArb = fc.oneof(hex(8), hex(17)).map((h) => `fsmt-${h}`);
const errorArb = fc.option(fc.constantFrom('timeout', 'access denied', 'No route to host', ''), { nil: undefined });
/** One attempt per mount point 0…n-1, each mounted or not. */
const attemptsArb: fc.Arbitrary<MountAttempt[]> = fc
  .uniqueArray(fc.record({ id: idArb, ok: fc.boolean(), error: errorArb }), { minLength: 1, maxLength: 8, selector: (a) => a.id })
  .map((list) => list.map(({ id, ok, error }, index) => (ok ? { index, mount_target_id: id, ok } : { index, mount_target_id: id, ok, error })));
const pathArb = fc.array(fc.stringMatching(/^[a-z0-9_.-]{1,10}$/).filter((s) => s !== '.' && s !== '..'), { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));

describe('chooseMounts', () => {
  it('Feature: efs-mount-target-autoscaling, Property 8: Mount失敗時のフォールバック (starts when one mount worked, routing only to mounted targets; stops when none did)', () => {
    fc.assert(
      fc.property(attemptsArb, fc.array(pathArb, { minLength: 1, maxLength: 30 }), (attempts, paths) => {
        const mounted = new Set(attempts.filter((a) => a.ok).map((a) => a.index));
        if (mounted.size === 0) {
          expect(() => chooseMounts(attempts)).toThrow(NoMountTargetError);
          return;
        }
        const { usable, skipped } = chooseMounts(attempts);
        expect(usable.map((a) => a.index)).toEqual(attempts.filter((a) => a.ok).map((a) => a.index));
        expect(skipped.map((a) => a.index)).toEqual(attempts.filter((a) => !a.ok).map((a) => a.index));
        const router = createRouter(usable);
        for (const p of paths) {
          expect(mounted.has(router.mountIndex(p))).toBe(true);
          expect(router.resolve(p).startsWith(`/mnt/efs-${router.mountIndex(p)}/`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a task missing a mount routes every other path exactly as a healthy task does', () => {
    fc.assert(
      fc.property(attemptsArb, fc.array(pathArb, { minLength: 1, maxLength: 30 }), (attempts, paths) => {
        fc.pre(attempts.some((a) => a.ok));
        const healthy = createRouter(attempts);
        const degraded = createRouter(chooseMounts(attempts).usable);
        const failed = new Set(attempts.filter((a) => !a.ok).map((a) => a.index));
        for (const p of paths) if (!failed.has(healthy.mountIndex(p))) expect(degraded.mountIndex(p)).toBe(healthy.mountIndex(p));
      }),
      { numRuns: 300 },
    );
  });

  it('names every target and why it failed, and points at NFS port 2049', () => {
    const attempts = [
      { index: 0, mount_target_id: 'fsmt-aaaaaaaa', ok: false, error: 'timeout' },
      { index: 1, mount_target_id: 'fsmt-bbbbbbbb', ok: false, error: 'access denied' },
      { index: 2, mount_target_id: 'fsmt-cccccccc', ok: false },
    ];
    expect(() => chooseMounts(attempts)).toThrow(
      'no mount target could be mounted: fsmt-aaaaaaaa (timeout), fsmt-bbbbbbbb (access denied), fsmt-cccccccc (unknown error); check the security group allows NFS 2049 from this task',
    );
  });

  it('refuses an empty list, pointing at the parameter instead', () => {
    expect(() => chooseMounts([])).toThrow('the mount target list is empty; check the SSM parameter');
  });

  it('keeps the mount point numbers of the targets it keeps', () => {
    const { usable, skipped } = chooseMounts([
      { index: 0, mount_target_id: 'fsmt-aaaaaaaa', ok: true },
      { index: 1, mount_target_id: 'fsmt-bbbbbbbb', ok: false, error: 'timeout' },
      { index: 2, mount_target_id: 'fsmt-cccccccc', ok: true },
    ]);
    expect(usable.map((a) => a.index)).toEqual([0, 2]);
    expect(skipped).toEqual([{ index: 1, mount_target_id: 'fsmt-bbbbbbbb', ok: false, error: 'timeout' }]);
  });
});
