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

export const ec2Methods = {
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
    result: z.object({ instances: z.array(ec2InstanceSchema) }),
    doc: 'EC2 instances of a profile/region with their SSM agent status',
  },
} as const;
