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

export const diagnosticStatusSchema = z.enum(['pass', 'fail', 'warn', 'skip']);
export type DiagnosticStatus = z.infer<typeof diagnosticStatusSchema>;

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
  severity: severitySchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  recommendation: diagnosticRecommendationSchema.optional(),
  duration_ms: z.number().nonnegative(),
});
export type DiagnosticResult = z.infer<typeof diagnosticResultSchema>;

export const diagnosticModeSchema = z.enum(['full', 'precheck', 'preventive', 'item']);
export type DiagnosticMode = z.infer<typeof diagnosticModeSchema>;

export const preventiveStageSchema = z.enum(['ec2', 'ssm', 'iam', 'network']);
export type PreventiveStage = z.infer<typeof preventiveStageSchema>;

export const diagnosticReportSchema = z.object({
  instance_id: z.string(),
  profile: z.string().optional(),
  region: z.string(),
  results: z.array(diagnosticResultSchema),
  /** 0–100: how likely a session is to connect given the results (see likelihood.ts). */
  likelihood_percent: z.number().int().min(0).max(100),
  started_at: z.string(),
  finished_at: z.string(),
  mode: diagnosticModeSchema,
  /** preventive with abort_on_critical: the stage after which it stopped (later items are "skip"). */
  aborted_after_stage: preventiveStageSchema.optional(),
});
export type DiagnosticReport = z.infer<typeof diagnosticReportSchema>;
