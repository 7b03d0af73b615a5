// What a task does with the outcome of mounting each target (design property 8 and the Fargate
// error table): skip the ones that failed and start with the rest; stop — so ECS restarts the task —
// only when none mounted.
//
// The usable targets keep their mount point number (`index`) and go straight to createRouter, so a
// task routes among exactly the targets it has mounted. Because rendezvous routing depends only on
// the set of targets, a task missing one target sends that target's paths to the others and every
// other path exactly where its healthy peers send it.

export interface MountAttempt {
  /** The mount point number: the target was mounted (or not) on /mnt/efs-<index>. */
  index: number;
  mount_target_id: string;
  ok: boolean;
  /** Why the mount failed, as short as the log allows ("timeout", "access denied" …). */
  error?: string;
}

export interface MountChoice {
  /** The targets mounted, in the order given: pass these to createRouter. */
  usable: MountAttempt[];
  /** The targets that failed, for the log. */
  skipped: MountAttempt[];
}

/** Thrown when no mount target could be mounted: the task must not start. */
export class NoMountTargetError extends Error {
  override readonly name = 'NoMountTargetError';
}

/** Splits mount outcomes into usable and skipped; throws NoMountTargetError when nothing mounted. */
export function chooseMounts(results: readonly MountAttempt[]): MountChoice {
  const usable = results.filter((r) => r.ok);
  const skipped = results.filter((r) => !r.ok);
  if (results.length === 0) throw new NoMountTargetError('no mount target could be mounted: the mount target list is empty; check the SSM parameter');
  if (usable.length === 0) {
    const why = skipped.map((r) => `${r.mount_target_id} (${r.error?.trim() || 'unknown error'})`).join(', ');
    throw new NoMountTargetError(`no mount target could be mounted: ${why}; check the security group allows NFS 2049 from this task`);
  }
  return { usable, skipped };
}
