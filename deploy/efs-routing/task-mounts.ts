// What a Fargate task runs at start (the design's "起動時処理"): take the mount target list from the
// SSM parameter, mount each target on /mnt/efs-N, skip the ones that fail, and route among those
// that mounted (design property 8: start if at least one works, fail clearly if none). Pure Node,
// no AWS SDK: the caller hands over the parameter's text (task-init.ts reads it from SSM).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import {
  chooseMounts,
  createRouter,
  decodeMountTargetParameter,
  mountCommands,
  type MountAttempt,
  type MountCommand,
  type MountTarget,
  type Router,
} from '../../src-shared/efs/index.js';

export type MountRunner = (cmd: MountCommand) => Promise<void>;

/** mkdir -p the mount point, then mount(8) with the command's argv (no shell), bounded in time. */
export function systemMountRunner(timeoutMs = 30_000): MountRunner {
  return (cmd) =>
    new Promise((resolve, reject) => {
      fs.mkdirSync(cmd.mount_point, { recursive: true });
      execFile(cmd.argv[0]!, cmd.argv.slice(1), { timeout: timeoutMs }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        const why = stderr.trim().split('\n').pop() || (err.killed ? `timed out after ${timeoutMs} ms` : err.message);
        reject(new Error(why));
      });
    });
}

export interface TaskMounts {
  targets: MountTarget[];
  usable: MountAttempt[];
  skipped: MountAttempt[];
  /** Routes among the mounted targets only. */
  router: Router;
}

/**
 * Mount every target of the parameter (in parallel: one slow target must not hold the others up),
 * then keep those that mounted. Throws NoMountTargetError when none did, a clear Error when the
 * parameter is malformed.
 */
export async function mountAll(parameterText: string, opts: { run?: MountRunner; fileSystemId?: string } = {}): Promise<TaskMounts> {
  const targets = decodeMountTargetParameter(parameterText);
  const run = opts.run ?? systemMountRunner();
  const commands = mountCommands(targets, opts.fileSystemId ? { fileSystemId: opts.fileSystemId } : {});
  const attempts = await Promise.all(
    commands.map(async (cmd): Promise<MountAttempt> => {
      try {
        await run(cmd);
        return { index: cmd.index, mount_target_id: cmd.mount_target_id, ok: true };
      } catch (e) {
        return { index: cmd.index, mount_target_id: cmd.mount_target_id, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
  const { usable, skipped } = chooseMounts(attempts);
  return { targets, usable, skipped, router: createRouter(usable.map((u) => ({ mount_target_id: u.mount_target_id, index: u.index }))) };
}
