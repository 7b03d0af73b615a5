// efs.*: the EFS mount target autoscaler (design: efs-mount-target-autoscaling) run by Warren
// instead of EventBridge + Lambda. A "scaler" is one saved configuration (the Lambda's environment
// variables, plus a name, a schedule and AWS profile/region); each run counts the files in the
// mounted directory and, above the threshold, adds a mount target in a free AZ, publishes the list
// to SSM and forces one ECS deployment. Every run is stored (efs.runs) and every count too
// (efs.counts, for a chart); progress goes out as `event.efs`.
import { z } from 'zod';
import { efsRunRecordSchema, RUN_STEPS } from '../efs/execution-result.js';
import { availabilityZoneSchema, mountTargetSchema, subnetIdSchema } from '../efs/mount-targets.js';
import { tryParseDuration } from '../logic/duration.js';
import { awsProfileSchema, awsRegionSchema, durationStringSchema, ruleNameSchema } from './models.js';

export const DEFAULT_EFS_SCALER = 'default';

export const fileSystemIdSchema = z.string().regex(/^fs-[0-9a-f]{8,40}$/, 'a file system id like "fs-0123456789abcdef0"');
export const vpcIdSchema = z.string().regex(/^vpc-[0-9a-f]{8,40}$/, 'a VPC id like "vpc-0123456789abcdef0"');
export const securityGroupIdSchema = z.string().regex(/^sg-[0-9a-f]{8,40}$/, 'a security group id like "sg-0123456789abcdef0"');
/** SSM's own rule for parameter names: letters, digits, . - _ and / for the hierarchy. */
export const ssmParameterNameSchema = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'an SSM parameter name like "/app/efs/mount-targets"');
/** ECS accepts a name or an ARN for both. */
const ecsNameSchema = z.string().min(1).max(2048).regex(/^[A-Za-z0-9_:/.-]+$/, 'an ECS name or ARN');
/** The daemon's working directory is not the user's, so only an absolute path means one place. */
const absolutePathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), 'an absolute path (the directory where the file system is mounted)');

/** A duration of at least `minMs` ("5m", "30s"…). */
const durationAtLeast = (minMs: number, what: string) =>
  durationStringSchema.refine((d) => (tryParseDuration(d) ?? 0) >= minMs, `${what} must be at least ${minMs / 1000} s`);

/** One scaler's settings: the design's Lambda environment, named, with a schedule and AWS target. */
export const efsScalerConfigSchema = z
  .object({
    name: ruleNameSchema.default(DEFAULT_EFS_SCALER),
    /** EFS_FILE_SYSTEM_ID */
    file_system_id: fileSystemIdSchema,
    /** TARGET_DIRECTORY: where this machine has the file system mounted. */
    directory: absolutePathSchema,
    /** Count the whole tree (true) or only the directory's own entries (false). */
    recursive: z.boolean().default(false),
    /** FILE_COUNT_THRESHOLD: scale when the count is strictly above it. */
    threshold: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(100_000),
    /** How often the schedule runs (the design's rate(5 minutes)). */
    interval: durationAtLeast(1000, 'interval').default('5m'),
    ssm_parameter: ssmParameterNameSchema,
    ecs_cluster: ecsNameSchema,
    ecs_service: ecsNameSchema,
    vpc_id: vpcIdSchema,
    security_group_id: securityGroupIdSchema,
    profile: awsProfileSchema.optional(),
    region: awsRegionSchema.optional(),
    /** How long to wait for a new mount target to become available. */
    wait_timeout: durationAtLeast(1000, 'wait_timeout').default('10m'),
  })
  .strict();
export type EfsScalerConfig = z.output<typeof efsScalerConfigSchema>;
export type EfsScalerConfigInput = z.input<typeof efsScalerConfigSchema>;

/**
 * efs.configure: every field optional. A new scaler needs the required ones; for an existing one
 * the fields given replace its values and the rest stay (null removes profile or region).
 */
export const efsConfigureParamsSchema = z
  .object({
    name: ruleNameSchema.optional(),
    file_system_id: fileSystemIdSchema.optional(),
    directory: absolutePathSchema.optional(),
    recursive: z.boolean().optional(),
    threshold: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    interval: durationAtLeast(1000, 'interval').optional(),
    ssm_parameter: ssmParameterNameSchema.optional(),
    ecs_cluster: ecsNameSchema.optional(),
    ecs_service: ecsNameSchema.optional(),
    vpc_id: vpcIdSchema.optional(),
    security_group_id: securityGroupIdSchema.optional(),
    profile: awsProfileSchema.nullable().optional(),
    region: awsRegionSchema.nullable().optional(),
    wait_timeout: durationAtLeast(1000, 'wait_timeout').optional(),
  })
  .strict();
export type EfsConfigureParams = z.input<typeof efsConfigureParamsSchema>;

export const efsScalerInfoSchema = z.object({
  name: z.string(),
  config: efsScalerConfigSchema,
  schedule_enabled: z.boolean(),
  /** A run of this scaler is under way (manual or scheduled). */
  running: z.boolean(),
  /** When the schedule runs next (absent when it is off). */
  next_run_at: z.iso.datetime().optional(),
  updated_at: z.string(),
});
export type EfsScalerInfo = z.infer<typeof efsScalerInfoSchema>;

/** What the planner decided (planScaleUp), for the record and for a dry run's report. */
export const efsPlanSchema = z.object({
  action: z.enum(['none', 'skip', 'create']),
  availability_zone: availabilityZoneSchema.optional(),
  subnet_id: subnetIdSchema.optional(),
  reason: z.string().optional(),
});
export type EfsPlan = z.infer<typeof efsPlanSchema>;

export const efsTriggerSchema = z.enum(['manual', 'schedule']);
export type EfsTrigger = z.infer<typeof efsTriggerSchema>;

/**
 * One stored run: the design's result and Warren's record (efsRunRecordSchema, refinements kept)
 * plus which scaler ran, why, what it planned and what it did (or, in a dry run, would do).
 */
export const efsRunSchema = efsRunRecordSchema.safeExtend({
  name: z.string(),
  trigger: efsTriggerSchema,
  file_system_id: z.string(),
  plan: efsPlanSchema.optional(),
  /**
   * The new mount target was created by a concurrent run (another Warren, a Lambda) in the AZ this
   * run planned: this run adopted it instead of creating a second one in that AZ.
   */
  adopted: z.boolean().optional(),
  /** The writes done, in order; in a dry run, the writes that would be done. */
  actions: z.array(z.string()),
});
export type EfsRun = z.infer<typeof efsRunSchema>;

export const efsCountSampleSchema = z.object({
  /** ms since the epoch */
  ts: z.number().int().nonnegative(),
  name: z.string(),
  file_count: z.number().int().nonnegative(),
  threshold: z.number().int().nonnegative(),
});
export type EfsCountSample = z.infer<typeof efsCountSampleSchema>;

/** A mount target as AWS reports it now, and whether the SSM parameter lists it. */
export const efsMountTargetStatusSchema = z.object({
  mount_target_id: z.string(),
  availability_zone: z.string(),
  subnet_id: z.string(),
  ip_address: z.string().optional(),
  lifecycle_state: z.string(),
  in_parameter: z.boolean(),
});
export type EfsMountTargetStatus = z.infer<typeof efsMountTargetStatusSchema>;

export const efsStatusResultSchema = z.object({
  scaler: efsScalerInfoSchema,
  last_run: efsRunSchema.optional(),
  /** By availability zone; absent when AWS could not be asked (see aws_error). */
  mount_targets: z.array(efsMountTargetStatusSchema).optional(),
  /** The SSM parameter as it stands (absent when it does not exist or could not be read). */
  parameter: z.array(mountTargetSchema).optional(),
  /** The availability zones of the scaler's VPC that have a subnet (sorted): where a mount target could go. */
  zones: z.array(z.string()).optional(),
  /** Why mount_targets or parameter are missing: status still answers when AWS does not. */
  aws_error: z.string().optional(),
  /** The newest counts, oldest first. */
  counts: z.array(efsCountSampleSchema),
});
export type EfsStatusResult = z.infer<typeof efsStatusResultSchema>;

export const efsMountCommandSchema = z.object({
  index: z.number().int().nonnegative(),
  mount_target_id: z.string(),
  mount_point: z.string(),
  argv: z.array(z.string()),
  command: z.string(),
});

/** Notification `event.efs`: a run's stage started, progressed (counts, wait checks) or ended. */
export const efsEventStageSchema = z.enum([...RUN_STEPS, 'plan', 'done']);
export const efsEventSchema = z.object({
  name: z.string(),
  run_id: z.string(),
  trigger: efsTriggerSchema,
  dry_run: z.boolean(),
  stage: efsEventStageSchema,
  status: z.enum(['started', 'progress', 'ok', 'failed', 'skipped']),
  message: z.string(),
  /** count: files and directories so far (or in total, when the count ends). */
  files: z.number().int().nonnegative().optional(),
  dirs: z.number().int().nonnegative().optional(),
  /** count and wait: time since the stage began; wait: DescribeMountTargets calls so far. */
  elapsed_ms: z.number().nonnegative().optional(),
  checks: z.number().int().nonnegative().optional(),
  /** done: how the run ended. */
  outcome: efsRunSchema.shape.outcome.optional(),
});
export type EfsEvent = z.infer<typeof efsEventSchema>;

const byName = { name: ruleNameSchema.optional() };
const limitSchema = z.number().int().min(1).max(1000);

export const efsMethods = {
  'efs.configure': {
    params: efsConfigureParamsSchema,
    result: efsScalerInfoSchema,
    doc: 'Create or update an EFS mount target scaler (fields not given keep their value); the schedule starts off',
  },
  'efs.list': {
    params: z.object({}).strict(),
    result: z.object({ scalers: z.array(efsScalerInfoSchema) }),
    doc: 'Every configured EFS scaler with its schedule',
  },
  'efs.delete': {
    params: z.object({ name: ruleNameSchema }).strict(),
    result: z.object({ ok: z.boolean() }),
    doc: 'Remove a scaler and its schedule (its stored runs and counts stay)',
  },
  'efs.status': {
    params: z.object(byName).strict(),
    result: efsStatusResultSchema,
    doc: 'A scaler: config, schedule, last run, mount targets by AZ (from AWS, marked when the SSM parameter lists them), latest counts',
  },
  'efs.run': {
    params: z.object({ ...byName, dry_run: z.boolean().optional() }).strict(),
    result: efsRunSchema,
    doc: 'Run a scaler once now: count, plan, and (unless dry_run) create a mount target, publish it to SSM and force an ECS deployment; progress as event.efs; stored',
  },
  'efs.runs': {
    params: z.object({ ...byName, limit: limitSchema.optional() }).strict(),
    result: z.object({ runs: z.array(efsRunSchema) }),
    doc: 'Stored runs, newest first (all scalers unless name is given)',
  },
  'efs.counts': {
    params: z.object({ ...byName, since: z.iso.datetime({ offset: true }).optional(), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
    result: z.object({ samples: z.array(efsCountSampleSchema) }),
    doc: 'File counts over time, oldest first (for a chart)',
  },
  'efs.schedule': {
    params: z.object({ ...byName, enabled: z.boolean() }).strict(),
    result: efsScalerInfoSchema,
    doc: 'Turn the periodic run of a scaler on or off (kept across restarts)',
  },
  'efs.route': {
    params: z.object({ ...byName, path: z.string().max(4096) }).strict(),
    result: z.object({
      path: z.string(),
      resolved: z.string(),
      mount_point: z.string(),
      index: z.number().int().nonnegative(),
      mount_target_id: z.string(),
      mount_targets: z.number().int().positive(),
    }),
    doc: "Where a task puts a path: reads the scaler's SSM parameter and routes the path among its mount targets (/mnt/efs-N/path)",
  },
  'efs.mount_plan': {
    params: z
      .object({
        ...byName,
        /** Read this parameter instead of a scaler's. */
        parameter: ssmParameterNameSchema.optional(),
        /** With a file system id the commands use amazon-efs-utils over TLS; else plain NFS 4.1. */
        file_system_id: fileSystemIdSchema.optional(),
        profile: awsProfileSchema.optional(),
        region: awsRegionSchema.optional(),
      })
      .strict(),
    result: z.object({ parameter: z.string(), mount_targets: z.array(mountTargetSchema), commands: z.array(efsMountCommandSchema) }),
    doc: "The mount commands a task runs at start for the SSM parameter's mount targets (/mnt/efs-0, /mnt/efs-1, …)",
  },
} as const;
