// The library a Fargate task bundles (dist/efs-routing/efs-routing.mjs, `npm run build:efs-routing`):
// the mount target list codec, rendezvous routing (path → /mnt/efs-N, the same answers as Warren's
// `warren efs route`), mount fallback, and mountAll for the task's start. No AWS SDK inside.
export * from '../../src-shared/efs/index.js';
export { mountAll, systemMountRunner, type MountRunner, type TaskMounts } from './task-mounts.js';
