// The commands that mount each target of a decoded parameter on its own mount point, /mnt/efs-N in
// list order: what a Fargate task runs at start, or what an operator pastes to reproduce it.
//
// Every value that ends up in a command is validated first (ids, IPv4, file system id), so the
// text is safe to hand to a shell; `argv` is there for callers that run mount(8) without one.
import { mountTargetSchema, type MountTarget } from './mount-targets.js';
import { mountPointFor } from './routing.js';

/**
 * AWS's recommended NFS options for EFS ("Mounting EFS file systems using NFS" in the EFS user
 * guide): NFS 4.1, 1 MiB reads and writes, hard mounts with a 60 s timeout and 2 retransmissions
 * (soft mounts can corrupt data), and noresvport so the client picks a new source port when it
 * reconnects, which keeps the mount alive through a network recovery.
 */
export const NFS_MOUNT_OPTIONS = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport';
const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

export interface MountCommandOptions {
  /**
   * With a file system id, mount with amazon-efs-utils' "efs" type over TLS (the design asks for
   * encryption in transit), pinned to the target's IP with mounttargetip. Without one, plain NFS.
   */
  fileSystemId?: string;
}

export interface MountCommand {
  /** N of /mnt/efs-N: the target's position in the list. */
  index: number;
  mount_target_id: string;
  mount_point: string;
  /** mount(8)'s arguments, to run without a shell (create mount_point first). */
  argv: string[];
  /** `mkdir -p <mount point> && mount …`, for a shell. */
  command: string;
}

/** One mount command per target, in order. Throws on an invalid target or file system id. */
export function mountCommands(targets: readonly MountTarget[], options: MountCommandOptions = {}): MountCommand[] {
  const { fileSystemId } = options;
  if (fileSystemId !== undefined && !FILE_SYSTEM_ID.test(fileSystemId))
    throw new Error(`expected a file system id like "fs-12345678", got ${JSON.stringify(fileSystemId)}`);
  return targets.map((target, index) => {
    const parsed = mountTargetSchema.safeParse(target);
    if (!parsed.success) throw new Error(`mount target ${index}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const mt = parsed.data;
    const mountPoint = mountPointFor(index);
    const argv =
      fileSystemId === undefined
        ? ['mount', '-t', 'nfs4', '-o', NFS_MOUNT_OPTIONS, `${mt.ip_address}:/`, mountPoint]
        : ['mount', '-t', 'efs', '-o', `tls,mounttargetip=${mt.ip_address}`, fileSystemId, mountPoint];
    return { index, mount_target_id: mt.mount_target_id, mount_point: mountPoint, argv, command: `mkdir -p ${mountPoint} && ${argv.join(' ')}` };
  });
}
