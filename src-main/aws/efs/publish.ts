// The SSM step: write the file system's available mount targets to the parameter in the design's
// JSON (encodeMountTargetParameter: canonical, so equal lists are equal bytes). Only available
// targets: a task must not be told to mount one that is still being created.
//
// Another process (a second Warren, the Lambda) may publish at the same moment from an older
// listing, and PutParameter has no compare-and-set. So after writing, list again and rewrite while
// the list has changed: the last writer then always writes a list it has seen to be current, and
// no available target is lost to a stale overwrite. Only the first write decides success; the
// follow-up listing and writes are best effort.
import { decodeMountTargetParameter, encodeMountTargetParameter, mountTargetSchema, type MountTarget } from '../../../src-shared/efs/index.js';
import type { AwsMountTarget, EfsAwsPort } from './aws-port.js';

// Each rewrite needs the available set to have changed since the previous listing, which only new
// mount targets becoming available (or old ones going) can do; the cap only guards against a
// pathological account.
const MAX_WRITES = 10;

/** The targets a task can mount: available, with an address, and in the parameter's format. */
export function publishable(list: readonly AwsMountTarget[]): MountTarget[] {
  const out: MountTarget[] = [];
  for (const mt of list) {
    if (mt.lifecycle_state !== 'available' || !mt.ip_address) continue;
    const parsed = mountTargetSchema.safeParse({ mount_target_id: mt.mount_target_id, ip_address: mt.ip_address, availability_zone: mt.availability_zone, subnet_id: mt.subnet_id });
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export interface PublishResult {
  /** The list as last written, in the parameter's (sorted) order. */
  written: MountTarget[];
  writes: number;
}

/**
 * Lists, encodes and writes; `mustInclude` (the run's new target, known available) is added when a
 * listing does not show it yet. Throws when the first listing or the first write fails.
 */
export async function publishMountTargets(
  port: Pick<EfsAwsPort, 'listMountTargets' | 'putParameter'>,
  fileSystemId: string,
  parameter: string,
  mustInclude: AwsMountTarget,
): Promise<PublishResult> {
  const listing = async (): Promise<MountTarget[]> => {
    const list = await port.listMountTargets(fileSystemId);
    return publishable(list.some((m) => m.mount_target_id === mustInclude.mount_target_id) ? list : [...list, mustInclude]);
  };
  let text = encodeMountTargetParameter(await listing());
  await port.putParameter(parameter, text);
  let writes = 1;
  while (writes < MAX_WRITES) {
    try {
      const again = encodeMountTargetParameter(await listing());
      if (again === text) break;
      await port.putParameter(parameter, again);
      text = again;
      writes += 1;
    } catch {
      break; // the first write stands; a later run converges
    }
  }
  return { written: decodeMountTargetParameter(text), writes };
}
