// What one run of the scaling Lambda did. `lambdaExecutionResultSchema` is the design's
// LambdaExecutionResult field for field; `efsRunRecordSchema` is the record Warren keeps and
// shows, which adds what a reader needs to tell the runs apart (id, dry run, outcome, the step
// that failed, duration, the list written to SSM) and refuses a record that contradicts itself.
import { z } from 'zod';
import { mountTargetIdSchema, mountTargetSchema } from './mount-targets.js';

/** The design's LambdaExecutionResult, names and meanings unchanged. */
export const lambdaExecutionResultSchema = z.object({
  /** ISO 8601, with Z or an offset. */
  timestamp: z.iso.datetime({ offset: true }),
  file_count: z.number().int().nonnegative(),
  threshold: z.number().int().nonnegative(),
  threshold_exceeded: z.boolean(),
  new_mount_target_created: z.boolean(),
  new_mount_target_id: mountTargetIdSchema.optional(),
  deployment_triggered: z.boolean(),
  error: z.string().optional(),
});
export type LambdaExecutionResult = z.infer<typeof lambdaExecutionResultSchema>;

export const RUN_OUTCOMES = ['below_threshold', 'scaled', 'no_subnet', 'failed', 'dry_run'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
/** The Lambda's steps in order: count files, describe mount targets and subnets, create, wait for "available", put the SSM parameter, force an ECS deployment. */
export const RUN_STEPS = ['count', 'describe', 'create', 'wait', 'ssm', 'ecs'] as const;
export type RunStep = (typeof RUN_STEPS)[number];
/** Steps that come after the mount target exists: failing there leaves it created. */
const AFTER_CREATE: ReadonlySet<RunStep> = new Set(['wait', 'ssm', 'ecs']);

export const efsRunRecordSchema = lambdaExecutionResultSchema
  .extend({
    run_id: z.string().min(1).max(128),
    dry_run: z.boolean(),
    outcome: z.enum(RUN_OUTCOMES),
    failed_step: z.enum(RUN_STEPS).optional(),
    duration_ms: z.number().nonnegative(),
    /** The list as written to SSM (or as it stands, when nothing was written). */
    mount_targets_after: z.array(mountTargetSchema).optional(),
    /** Why a run ended without scaling though the threshold was exceeded (the planner's no_subnet message). */
    warning: z.string().optional(),
    // Deviation from the design: null when the count itself failed (failed_step "count"), rather
    // than a 0 that would read as "no files".
    file_count: z.number().int().nonnegative().nullable(),
  })
  .superRefine((r, ctx) => {
    const fail = (message: string): void => ctx.addIssue({ code: 'custom', message });
    const failed = r.outcome === 'failed';
    if (failed !== (r.failed_step !== undefined)) fail('failed_step is given exactly when outcome is "failed"');
    if (failed !== (r.error !== undefined)) fail('error is given exactly when outcome is "failed"');
    if ((r.file_count === null) !== (r.failed_step === 'count')) fail('file_count is null exactly when counting failed');
    if (r.threshold_exceeded !== (r.file_count !== null && r.file_count > r.threshold)) fail('threshold_exceeded must equal file_count > threshold');
    if (r.outcome === 'below_threshold' ? r.threshold_exceeded : !failed && !r.threshold_exceeded)
      fail(`outcome "${r.outcome}" contradicts threshold_exceeded ${r.threshold_exceeded}`);
    if (r.new_mount_target_created !== (r.new_mount_target_id !== undefined)) fail('new_mount_target_id is given exactly when a mount target was created');
    if (r.failed_step !== undefined && r.new_mount_target_created !== AFTER_CREATE.has(r.failed_step))
      fail(`a run that failed at "${r.failed_step}" ${AFTER_CREATE.has(r.failed_step) ? 'has' : 'has not'} created a mount target`);
    if (!failed && r.outcome !== 'scaled' && r.new_mount_target_created) fail(`outcome "${r.outcome}" creates no mount target`);
    if ((r.outcome === 'scaled') !== (r.new_mount_target_created && r.deployment_triggered)) fail('outcome "scaled" means created and deployed');
    if (r.dry_run && (r.new_mount_target_created || r.deployment_triggered)) fail('a dry run changes nothing');
    if (r.outcome === 'dry_run' && !r.dry_run) fail('outcome "dry_run" needs dry_run true');
    if (r.outcome === 'scaled' && r.mount_targets_after && !r.mount_targets_after.some((mt) => mt.mount_target_id === r.new_mount_target_id))
      fail('mount_targets_after of a scaled run lists the new mount target');
  });
export type EfsRunRecord = z.infer<typeof efsRunRecordSchema>;
