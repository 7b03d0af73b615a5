// The EFS mount target pieces a Fargate task (or the Lambda, or Warren) imports. Pure: nothing
// here imports anything but zod, so the folder runs in Node, a browser or a bundled Lambda alike.
export {
  availabilityZoneSchema,
  decodeMountTargetParameter,
  encodeMountTargetParameter,
  ipv4Schema,
  MountTargetParameterError,
  mountTargetIdSchema,
  mountTargetParameterSchema,
  mountTargetSchema,
  sortMountTargets,
  subnetIdSchema,
  type MountTarget,
  type MountTargetParameter,
} from './mount-targets.js';
export { exceedsThreshold, planScaleUp, type PlannerMountTarget, type PlannerSubnet, type ScaleUpInput, type ScaleUpPlan } from './planner.js';
export { createRouter, MOUNT_POINT_PREFIX, mountPointFor, normalizePath, resolvePath, routePath, type RouteTarget, type Router } from './routing.js';
export { chooseMounts, NoMountTargetError, type MountAttempt, type MountChoice } from './mount-fallback.js';
export { mountCommands, NFS_MOUNT_OPTIONS, type MountCommand, type MountCommandOptions } from './mount-commands.js';
export {
  efsRunRecordSchema,
  lambdaExecutionResultSchema,
  RUN_OUTCOMES,
  RUN_STEPS,
  type EfsRunRecord,
  type LambdaExecutionResult,
  type RunOutcome,
  type RunStep,
} from './execution-result.js';
export { murmur3 } from './hash.js';
