// The ec2.* methods: EC2 Connect's connection commands (connect, list, status, terminate) served
// by the one engine (SSM forwards are rules of kind "ssm"), plus the instance list the UI picks from.
import { z } from 'zod';
import { awsProfileSchema, awsRegionSchema, instanceIdSchema, portSchema, remoteHostSchema, ruleNameSchema, sessionStatusSchema, ssmSessionInfoSchema } from './models.js';

const awsTarget = { profile: awsProfileSchema.optional(), region: awsRegionSchema.optional() };

export const ec2ConnectParamsSchema = z
  .object({
    instance_id: instanceIdSchema,
    local_port: portSchema,
    remote_port: portSchema,
    remote_host: remoteHostSchema.optional(),
    name: ruleNameSchema.optional(),
    auto_connect: z.boolean().default(false),
    /** Open a new session even when a healthy one to the same instance and port exists (EC2 Connect property 7). */
    new_session: z.boolean().default(false),
    ...awsTarget,
  })
  .strict();
export type Ec2ConnectParams = z.input<typeof ec2ConnectParamsSchema>;

export const ec2InstanceSchema = z.object({
  instance_id: z.string(),
  name: z.string().optional(),
  state: z.string(),
  platform: z.string().optional(),
  private_ip: z.string().optional(),
  /** SSM agent status (DescribeInstanceInformation PingStatus); absent when not managed by SSM. */
  ssm_ping: z.string().optional(),
  agent_version: z.string().optional(),
});
export type Ec2Instance = z.infer<typeof ec2InstanceSchema>;

/** One link a session rode: its connection time and round-trip statistics (property 11). */
export const linkConnectionSchema = z.object({
  id: z.number().int(),
  rule_name: z.string(),
  kind: z.enum(['ssh', 'conduit', 'ssm']),
  /** The instance id (ssm), host alias (ssh) or router (conduit). */
  target: z.string(),
  /** The SSM session id. */
  remote_id: z.string().optional(),
  /** connect: first link of a start; reconnect: after a loss; replace: make-before-break swap. */
  reason: z.enum(['connect', 'reconnect', 'replace']),
  connected_at: z.string(),
  connect_ms: z.number().nonnegative(),
  rtt_samples: z.number().int().nonnegative(),
  rtt_avg_ms: z.number().optional(),
  rtt_min_ms: z.number().optional(),
  rtt_max_ms: z.number().optional(),
  closed_at: z.string().optional(),
  close_reason: z.string().optional(),
});
export type LinkConnection = z.infer<typeof linkConnectionSchema>;

export const linkHistorySummarySchema = z.object({
  connections: z.number().int().nonnegative(),
  connect_ms_avg: z.number().optional(),
  connect_ms_p50: z.number().optional(),
  connect_ms_max: z.number().optional(),
  rtt_samples: z.number().int().nonnegative(),
  rtt_ms_avg: z.number().optional(),
  rtt_ms_min: z.number().optional(),
  rtt_ms_max: z.number().optional(),
});
export type LinkHistorySummary = z.infer<typeof linkHistorySummarySchema>;

export const ec2HistoryParamsSchema = z
  .object({
    name: ruleNameSchema.optional(),
    instance_id: instanceIdSchema.optional(),
    limit: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

export const ec2Methods = {
  'ec2.history': {
    params: ec2HistoryParamsSchema,
    result: z.object({ connections: z.array(linkConnectionSchema), summary: linkHistorySummarySchema }),
    doc: 'Connection time and latency of each SSM session a forward rode, newest first, with a summary',
  },
  'ec2.connect': {
    params: ec2ConnectParamsSchema,
    result: z.object({
      name: z.string(),
      status: sessionStatusSchema,
      /** Set when a healthy forward to the same instance and port was reused instead (its local port). */
      reused: z.object({ local_port: z.number().int() }).optional(),
    }),
    doc: 'Save (if new) and start an SSM port forward: 127.0.0.1:local_port → remote_port on the instance',
  },
  'ec2.list': { params: z.object({}).strict(), result: z.object({ sessions: z.array(ssmSessionInfoSchema) }), doc: 'SSM forwards with their live state' },
  'ec2.status': { params: z.object({ name: ruleNameSchema }).strict(), result: ssmSessionInfoSchema, doc: 'One SSM forward in detail' },
  'ec2.terminate': {
    params: z.object({ name: ruleNameSchema }).strict(),
    result: z.object({ name: z.string(), status: z.literal('stopped') }),
    doc: 'End an SSM forward (its SSM session is terminated; the rule stays saved)',
  },
  'ec2.instances': {
    params: z.object(awsTarget).strict(),
    result: z.object({
      instances: z.array(ec2InstanceSchema),
      /** Set when DescribeInstanceInformation was denied or failed: every ssm_ping is then unknown, and this says why and what to try. */
      agent_status_error: z.string().optional(),
    }),
    doc: 'EC2 instances of a profile/region with their SSM agent status',
  },
} as const;
