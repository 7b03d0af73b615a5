// fix.run: EC2 Connect's `fix --instance-id … [--auto-fix] [--safe-only] [--dry-run]`. The daemon
// diagnoses, plans one action per problem, applies the automatic ones it may (starting a stopped
// instance, waiting for the agent to register), diagnoses again and reports both likelihoods.
// Anything that changes IAM or the network is never applied: it comes back as exact steps.
// Every run that produced a result is kept (fix.history, fix.show).
import { z } from 'zod';
import { diagnosticItemNameSchema, diagnosticReportSchema } from './diagnostics.js';
import { awsProfileSchema, awsRegionSchema, instanceIdSchema, portSchema } from './models.js';

export const fixActionIds = [
  'start_instance',
  'wait_for_ssm_registration',
  'restart_agent',
  'attach_instance_profile',
  'grant_session_permission',
  'add_egress_443',
  'create_vpc_endpoints',
] as const;
export const fixActionIdSchema = z.enum(fixActionIds);
export type FixActionId = z.infer<typeof fixActionIdSchema>;

export const fixActionSchema = z.object({
  id: fixActionIdSchema,
  /** The diagnostic item whose failure this action addresses. */
  item: diagnosticItemNameSchema,
  title: z.string(),
  /** Reversible and touches nothing but the instance's own state (what --safe-only allows). */
  safe: z.boolean(),
  /** Warren can apply it itself; false: the steps are for a person to run. */
  automatic: z.boolean(),
  /** Exact commands, in order (for automatic actions: what Warren does, as the aws CLI would). */
  steps: z.array(z.string()),
  /** A policy document the steps refer to, pretty-printed JSON. */
  policy_json: z.string().optional(),
});
export type FixAction = z.infer<typeof fixActionSchema>;

export const fixAppliedSchema = z.object({ id: fixActionIdSchema, message: z.string(), duration_ms: z.number().nonnegative() });
export const fixSkippedSchema = z.object({ id: fixActionIdSchema, reason: z.string() });
export const fixFailedSchema = z.object({ id: fixActionIdSchema, error: z.string(), duration_ms: z.number().nonnegative() });
export type FixApplied = z.infer<typeof fixAppliedSchema>;
export type FixSkipped = z.infer<typeof fixSkippedSchema>;
export type FixFailed = z.infer<typeof fixFailedSchema>;

export const fixRunParamsSchema = z
  .object({
    instance_id: instanceIdSchema,
    profile: awsProfileSchema.optional(),
    region: awsRegionSchema.optional(),
    /** false: plan only (nothing is applied). */
    auto_fix: z.boolean(),
    /** Apply only actions marked safe. */
    safe_only: z.boolean(),
    /** Plan and report what would be applied, change nothing. */
    dry_run: z.boolean(),
    local_port: portSchema.optional(),
    remote_port: portSchema.optional(),
    /** How long to wait for the agent to show Online; default 300. */
    wait_timeout_s: z.number().int().min(1).max(3600).optional(),
  })
  .strict();
export type FixRunParams = z.input<typeof fixRunParamsSchema>;

/** apply: --auto-fix without --dry-run; dry-run: the plan only (--dry-run, or no --auto-fix). */
export const fixRunModeSchema = z.enum(['apply', 'dry-run']);
export type FixRunMode = z.infer<typeof fixRunModeSchema>;

/**
 * How a run ended:
 *   nothing-to-fix  the diagnostics found nothing to plan for;
 *   planned         dry-run with a plan;
 *   fixed           applied, and diagnosing again plans nothing more;
 *   partial         something was applied but problems remain;
 *   failed          an action failed and none was applied;
 *   manual          nothing could be applied: what remains needs a person (IAM, network…).
 */
export const fixOutcomeSchema = z.enum(['nothing-to-fix', 'planned', 'fixed', 'partial', 'failed', 'manual']);
export type FixOutcome = z.infer<typeof fixOutcomeSchema>;

export const fixRunResultSchema = z.object({
  run_id: z.string(),
  instance_id: z.string(),
  mode: fixRunModeSchema,
  outcome: fixOutcomeSchema,
  started_at: z.string(),
  finished_at: z.string(),
  plan: z.array(fixActionSchema),
  applied: z.array(fixAppliedSchema),
  skipped: z.array(fixSkippedSchema),
  failed: z.array(fixFailedSchema),
  likelihood_before: z.number().int().min(0).max(100),
  likelihood_after: z.number().int().min(0).max(100),
  /** The diagnostics after the fixes (the same as before when nothing was applied). */
  report_after: diagnosticReportSchema,
});
export type FixRunResult = z.infer<typeof fixRunResultSchema>;

export const fixRunSummarySchema = z.object({
  run_id: z.string(),
  instance_id: z.string(),
  mode: fixRunModeSchema,
  outcome: fixOutcomeSchema,
  likelihood_before: z.number().int().min(0).max(100),
  likelihood_after: z.number().int().min(0).max(100),
  started_at: z.string(),
  finished_at: z.string(),
  /** How many actions the plan had, and how many were applied. */
  planned: z.number().int().nonnegative(),
  applied: z.number().int().nonnegative(),
});
export type FixRunSummary = z.infer<typeof fixRunSummarySchema>;

/** Notification `event.fix`: an action started, made progress (each wait tick), or ended. */
export const fixEventSchema = z.object({
  run_id: z.string(),
  instance_id: z.string(),
  action: fixActionIdSchema,
  status: z.enum(['started', 'progress', 'applied', 'skipped', 'failed']),
  message: z.string(),
  /** wait_for_ssm_registration: time since the wait began, and DescribeInstanceInformation calls so far. */
  elapsed_ms: z.number().nonnegative().optional(),
  checks: z.number().int().nonnegative().optional(),
});
export type FixEvent = z.infer<typeof fixEventSchema>;

export const fixMethods = {
  'fix.run': {
    params: fixRunParamsSchema,
    result: fixRunResultSchema,
    doc: 'Diagnose an instance, plan fixes, apply the automatic (optionally only safe) ones, and re-diagnose; progress as event.fix; stored (fix.history)',
  },
  'fix.history': {
    params: z.object({ instance_id: instanceIdSchema.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.object({ runs: z.array(fixRunSummarySchema) }),
    doc: 'Stored fix runs, newest first',
  },
  'fix.show': {
    params: z.object({ run_id: z.string().min(1).max(100) }).strict(),
    result: fixRunResultSchema,
    doc: 'One stored fix run in full: plan, steps, what was applied, skipped or failed, likelihood before and after',
  },
} as const;
