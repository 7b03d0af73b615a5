// efs.*: thin over the EFS service (src-main/aws/efs/service.ts), which owns the scalers, their
// runs and schedules. efs.route and efs.mount_plan read the published SSM parameter and answer
// with the same pure code a Fargate task uses (src-shared/efs).
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { createRouter, mountCommands, mountPointFor } from '../../src-shared/efs/index.js';
import type { EfsService } from '../aws/efs/service.js';
import type { Handlers } from './dispatcher.js';

type EfsMethod = Extract<keyof Handlers, `efs.${string}`>;

export function createEfsHandlers(efs: EfsService | undefined): Pick<Handlers, EfsMethod> {
  const service = (): EfsService => {
    if (!efs) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no EFS scaler (no store or AWS access)');
    return efs;
  };
  return {
    'efs.configure': (p) => service().configure(p),
    'efs.list': () => ({ scalers: service().list() }),
    'efs.delete': (p) => {
      service().delete(p.name);
      return { ok: true };
    },
    'efs.status': (p) => service().status(p.name),
    'efs.run': (p) => service().run(p.name, { dryRun: p.dry_run ?? false, trigger: 'manual' }),
    'efs.runs': (p) => ({ runs: service().runs(p.name, p.limit) }),
    'efs.counts': (p) => ({ samples: service().counts(p.name, p.since, p.limit) }),
    'efs.schedule': (p) => service().schedule(p.name, p.enabled),
    'efs.route': async (p) => {
      const { mount_targets } = await service().parameter(p.name);
      try {
        // Positions are mount point numbers: a task mounts the parameter's list in order, /mnt/efs-N.
        const router = createRouter(mount_targets);
        const position = router.route(p.path);
        const target = mount_targets[position]!;
        return {
          path: p.path,
          resolved: router.resolve(p.path),
          mount_point: mountPointFor(position),
          index: position,
          mount_target_id: target.mount_target_id,
          mount_targets: mount_targets.length,
        };
      } catch (e) {
        throw new WarrenError(ErrorCode.InvalidParams, e instanceof Error ? e.message : String(e), { path: p.path });
      }
    },
    'efs.mount_plan': async (p) => {
      const { parameter, config, mount_targets } = await service().parameter(p.name, {
        ...(p.parameter !== undefined ? { parameter: p.parameter } : {}),
        ...(p.profile !== undefined ? { profile: p.profile } : {}),
        ...(p.region !== undefined ? { region: p.region } : {}),
      });
      const fileSystemId = p.file_system_id ?? config?.file_system_id;
      return { parameter, mount_targets, commands: mountCommands(mount_targets, fileSystemId !== undefined ? { fileSystemId } : {}) };
    },
  };
}
