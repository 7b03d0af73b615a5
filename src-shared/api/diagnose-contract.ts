// The diagnose.* methods: EC2 Connect's `diagnose full|precheck|preventive|item|list|aws-config`
// served by the daemon, which stores every run (diagnose.history) and reports each finished item of
// diagnose.run as an `event.diagnose` notification while a run is under way.
import { z } from 'zod';
import {
  awsConfigReportSchema,
  diagnosticItemNameSchema,
  diagnosticItemNames,
  diagnosticModeSchema,
  diagnosticReportModeSchema,
  diagnosticReportSchema,
  diagnosticResultSchema,
  preventiveStageSchema,
  severitySchema,
  type DiagnosticItemName,
} from './diagnostics.js';
import { awsProfileSchema, awsRegionSchema, instanceIdSchema, portSchema } from './models.js';

/** What each item checks, in EC2 Connect's order (`diagnose list`). */
export const diagnosticItemDescriptions: Readonly<Record<DiagnosticItemName, string>> = {
  instance_state: 'the instance exists and is running',
  ssm_agent: 'the SSM agent on the instance is registered and Online',
  iam_permissions: 'the instance profile allows SSM, and the caller may start a session',
  vpc_endpoints: 'the instance can reach SSM: VPC endpoints (ssm, ssmmessages, ec2messages) or a public route',
  security_groups: 'the security groups allow outbound HTTPS (443) to SSM',
  network_connectivity: 'this machine can reach the SSM endpoint',
  local_port_availability: 'the local port is free to listen on',
};

export const diagnoseRunParamsSchema = z
  .object({
    instance_id: instanceIdSchema,
    mode: diagnosticModeSchema,
    /** full: a subset; item: exactly one. */
    items: z.array(diagnosticItemNameSchema).min(1).max(diagnosticItemNames.length).optional(),
    local_port: portSchema.optional(),
    remote_port: portSchema.optional(),
    profile: awsProfileSchema.optional(),
    region: awsRegionSchema.optional(),
    /** preventive only: stop after the first stage with a CRITICAL problem. */
    abort_on_critical: z.boolean().optional(),
  })
  .strict();
export type DiagnoseRunParams = z.input<typeof diagnoseRunParamsSchema>;

export const diagnoseRunResultSchema = diagnosticReportSchema.extend({ run_id: z.string() });
export type DiagnoseRunResult = z.infer<typeof diagnoseRunResultSchema>;

export const diagnoseRunSummarySchema = z.object({
  run_id: z.string(),
  /** Empty for an aws-config run without --instance-id. */
  instance_id: z.string(),
  mode: diagnosticReportModeSchema,
  /** For aws-config runs: the score, rounded down. */
  likelihood_percent: z.number().int().min(0).max(100),
  started_at: z.string(),
  /** The worst severity among failed/warned items; absent when every item passed or was skipped. */
  worst_severity: severitySchema.optional(),
});
export type DiagnoseRunSummary = z.infer<typeof diagnoseRunSummarySchema>;

export const diagnoseAwsConfigParamsSchema = z
  .object({
    profile: awsProfileSchema.optional(),
    region: awsRegionSchema.optional(),
    /** Also check the instance exists in that region/account, and scope the IAM probes to it. */
    instance_id: instanceIdSchema.optional(),
    /** Report where the credentials come from and when they expire (warn under 15 minutes). */
    include_credentials: z.boolean().optional(),
    /** Probe the caller's permissions for SSM port forwarding (no side effects). */
    include_iam: z.boolean().optional(),
    /** meets_minimum is false below this; the CLI then exits non-zero. Default 0. */
    minimum_score: z.number().min(0).max(100).optional(),
  })
  .strict();
export type DiagnoseAwsConfigParams = z.input<typeof diagnoseAwsConfigParamsSchema>;

export const diagnoseAwsConfigResultSchema = awsConfigReportSchema.extend({ run_id: z.string() });
export type DiagnoseAwsConfigResult = z.infer<typeof diagnoseAwsConfigResultSchema>;

/** Notification `event.diagnose`: one item of a run finished. */
export const diagnoseEventSchema = z.object({
  run_id: z.string(),
  instance_id: z.string(),
  item: diagnosticItemNameSchema,
  stage: preventiveStageSchema.optional(),
  stage_number: z.number().int().optional(),
  total_stages: z.number().int().optional(),
  result: diagnosticResultSchema,
});
export type DiagnoseEvent = z.infer<typeof diagnoseEventSchema>;

export const diagnoseMethods = {
  'diagnose.run': {
    params: diagnoseRunParamsSchema,
    result: diagnoseRunResultSchema,
    doc: 'Run connection diagnostics for an instance (EC2 Connect modes full|precheck|preventive|item); stored, and reported item by item as event.diagnose',
  },
  'diagnose.list_items': {
    params: z.object({}).strict(),
    result: z.object({ items: z.array(z.object({ item: diagnosticItemNameSchema, description: z.string() })) }),
    doc: 'The diagnostic items with what each checks',
  },
  'diagnose.aws_config': {
    params: diagnoseAwsConfigParamsSchema,
    result: diagnoseAwsConfigResultSchema,
    doc: 'Validate the AWS configuration for SSM port forwarding (profile, region, credentials, optionally IAM and an instance) and score it 0–100; stored in diagnose.history as mode aws-config',
  },
  'diagnose.history': {
    params: z.object({ instance_id: instanceIdSchema.optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.object({ runs: z.array(diagnoseRunSummarySchema) }),
    doc: 'Stored diagnostic runs, newest first',
  },
} as const;
