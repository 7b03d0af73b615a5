// Connection diagnostics as they cross the API (snake_case). Item names and severities are EC2
// Connect v3's (`ec2-connect diagnose item --item <name>`), so its users recognise them.
import { z } from 'zod';

export const diagnosticItemNames = [
  'instance_state',
  'ssm_agent',
  'iam_permissions',
  'vpc_endpoints',
  'security_groups',
  'network_connectivity',
  'local_port_availability',
] as const;
export const diagnosticItemNameSchema = z.enum(diagnosticItemNames);
export type DiagnosticItemName = z.infer<typeof diagnosticItemNameSchema>;

/** CRITICAL: the connection cannot succeed and is aborted (EC2 Connect's "重大問題"). */
export const severitySchema = z.enum(['CRITICAL', 'ERROR', 'WARNING', 'INFO']);
export type Severity = z.infer<typeof severitySchema>;

/**
 * pass / fail / warn: what the check found. skip: nothing to check (no local port, instance not
 * found, a later preventive stage after a CRITICAL one). could_not_check: the check ran but AWS (or
 * the network) would not answer, so nothing is known; `reason` says why. It is never a finding:
 * it plans no fix, and it lowers the likelihood because the problem it would have seen may be there.
 */
export const diagnosticStatusSchema = z.enum(['pass', 'fail', 'warn', 'skip', 'could_not_check']);
export type DiagnosticStatus = z.infer<typeof diagnosticStatusSchema>;

/**
 * Why a check could not run:
 *   auth           the credentials were rejected or could not be loaded (unknown key, expired token);
 *   access_denied  the credentials work but may not make the call this check needs;
 *   network        no answer: connection refused, DNS, timeout;
 *   throttled      AWS rate-limited the call;
 *   api_error      AWS answered with an error of its own (5xx, an unexpected reply).
 */
export const couldNotCheckReasonSchema = z.enum(['auth', 'access_denied', 'network', 'throttled', 'api_error']);
export type CouldNotCheckReason = z.infer<typeof couldNotCheckReasonSchema>;

export const diagnosticRecommendationSchema = z.object({
  summary: z.string(),
  /** Copy-pasteable shell commands (aws CLI, systemctl…), in the order to run them. */
  commands: z.array(z.string()).optional(),
  /** A policy document to use with the commands, pretty-printed JSON. */
  policy_json: z.string().optional(),
});
export type DiagnosticRecommendation = z.infer<typeof diagnosticRecommendationSchema>;

export const diagnosticResultSchema = z.object({
  item: diagnosticItemNameSchema,
  status: diagnosticStatusSchema,
  /** With could_not_check: the worst severity the unchecked item could have had. */
  severity: severitySchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  recommendation: diagnosticRecommendationSchema.optional(),
  /** Set with status could_not_check only (absent otherwise, so older readers see no new field). */
  reason: couldNotCheckReasonSchema.optional(),
  duration_ms: z.number().nonnegative(),
});
export type DiagnosticResult = z.infer<typeof diagnosticResultSchema>;

/** The modes diagnose.run runs (EC2 Connect's `diagnose full|precheck|preventive|item`). */
export const diagnosticModeSchema = z.enum(['full', 'precheck', 'preventive', 'item']);
export type DiagnosticMode = z.infer<typeof diagnosticModeSchema>;

/**
 * Every kind of stored run: diagnose.run's modes plus 'aws-config' (diagnose.aws_config). Kept apart
 * from diagnosticModeSchema so diagnose.run never accepts 'aws-config' and its runner stays exhaustive.
 */
export const diagnosticReportModeSchema = z.enum(['full', 'precheck', 'preventive', 'item', 'aws-config']);
export type DiagnosticReportMode = z.infer<typeof diagnosticReportModeSchema>;

export const preventiveStageSchema = z.enum(['ec2', 'ssm', 'iam', 'network']);
export type PreventiveStage = z.infer<typeof preventiveStageSchema>;

// ── diagnose.aws_config: is this machine's AWS setup fit for SSM port forwarding? (EC2 Connect's
// `diagnose aws-config`). Each check carries a weight; the score is the weighted share of passes.
export const awsConfigCheckNames = ['profile', 'region', 'credentials', 'iam_permissions', 'ssm_endpoint', 'instance'] as const;
export const awsConfigCheckNameSchema = z.enum(awsConfigCheckNames);
export type AwsConfigCheckName = z.infer<typeof awsConfigCheckNameSchema>;

export const awsConfigCheckResultSchema = z.object({
  check: awsConfigCheckNameSchema,
  /** Share of the score this check is worth (see aws-config/score.ts). */
  weight: z.number().positive(),
  /** What it earned: weight for pass, half for warn, 0 for fail or a blocked check. */
  points: z.number().nonnegative(),
  status: diagnosticStatusSchema,
  severity: severitySchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  recommendation: diagnosticRecommendationSchema.optional(),
  /** Not run because this earlier check failed (e.g. no region: no endpoint to test); scores 0. */
  blocked_by: awsConfigCheckNameSchema.optional(),
  duration_ms: z.number().nonnegative(),
});
export type AwsConfigCheckResult = z.infer<typeof awsConfigCheckResultSchema>;

export const awsConfigReportSchema = z.object({
  mode: z.literal('aws-config'),
  /** The profile examined: --profile, else AWS_PROFILE, else "default". */
  profile: z.string(),
  profile_source: z.enum(['flag', 'AWS_PROFILE', 'default']),
  /** Absent when no region could be resolved. */
  region: z.string().optional(),
  instance_id: z.string().optional(),
  include_credentials: z.boolean(),
  include_iam: z.boolean(),
  checks: z.array(awsConfigCheckResultSchema),
  /** 0–100, one decimal. */
  score: z.number().min(0).max(100),
  minimum_score: z.number().min(0).max(100),
  meets_minimum: z.boolean(),
  started_at: z.string(),
  finished_at: z.string(),
});
export type AwsConfigReport = z.infer<typeof awsConfigReportSchema>;

export const diagnosticReportSchema = z.object({
  instance_id: z.string(),
  profile: z.string().optional(),
  region: z.string(),
  results: z.array(diagnosticResultSchema),
  /** 0–100: how likely a session is to connect given the results (see likelihood.ts). */
  likelihood_percent: z.number().int().min(0).max(100),
  started_at: z.string(),
  finished_at: z.string(),
  mode: diagnosticReportModeSchema,
  /** preventive with abort_on_critical: the stage after which it stopped (later items are "skip"). */
  aborted_after_stage: preventiveStageSchema.optional(),
  /**
   * Mode 'aws-config' only: the whole aws-config report, so those runs live in the same history as
   * the others (results is then empty, likelihood_percent the score rounded down).
   */
  aws_config: awsConfigReportSchema.optional(),
});
export type DiagnosticReport = z.infer<typeof diagnosticReportSchema>;
