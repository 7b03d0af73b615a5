// THE contract: every method's params and result, every event's payload. Doors (IPC, socket,
// WebSocket) and clients (renderer, CLI) are generic over this object; adding a method is one entry
// here plus its handler in src-main/api/handlers.
import { z } from 'zod';
import { conduitMethods } from './conduit-contract.js';
import { diagnoseEventSchema, diagnoseMethods } from './diagnose-contract.js';
import { ec2Methods } from './ec2-contract.js';
import { efsEventSchema, efsMethods } from './efs-contract.js';
import { fixEventSchema, fixMethods } from './fix-contract.js';
import { promptEventSchema, promptMethods } from './prompt-contract.js';
import {
  configInfoSchema,
  durationStringSchema,
  forwardInfoSchema,
  forwardTypeSchema,
  hostAliasSchema,
  hostInfoSchema,
  hostKeyInfoSchema,
  logLevelSchema,
  ssmSettingsSchema,
  portSchema,
  remoteHostSchema,
  ruleNameSchema,
  sessionInfoSchema,
  sessionStatusSchema,
} from './models.js';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.boolean() });
const byName = z.object({ name: ruleNameSchema }).strict();
const byHost = z.object({ host: hostAliasSchema }).strict();

export const forwardAddParamsSchema = z
  .object({
    kind: z.literal('ssh').default('ssh'),
    name: ruleNameSchema.optional(),
    host: hostAliasSchema,
    type: forwardTypeSchema,
    local_port: portSchema,
    remote_host: remoteHostSchema.optional(),
    remote_port: portSchema.optional(),
    auto_connect: z.boolean().default(false),
  })
  .strict();
export type ForwardAddParams = z.input<typeof forwardAddParamsSchema>;

export const forwardUpdateParamsSchema = z
  .object({
    name: ruleNameSchema,
    new_name: ruleNameSchema.optional(),
    host: hostAliasSchema.optional(),
    type: forwardTypeSchema.optional(),
    local_port: portSchema.optional(),
    remote_host: remoteHostSchema.nullable().optional(),
    remote_port: portSchema.nullable().optional(),
    auto_connect: z.boolean().optional(),
  })
  .strict();

export const configUpdateParamsSchema = z
  .object({
    ssh_config_path: z.string().min(1).optional(),
    reconnect: z
      .object({
        enabled: z.boolean().optional(),
        max_retries: z.number().int().min(0).max(1_000_000).optional(),
        initial_delay: durationStringSchema.optional(),
        max_delay: durationStringSchema.optional(),
      })
      .strict()
      .optional(),
    session: z.object({ auto_restore: z.boolean().optional(), max_sessions_per_instance: z.number().int().min(1).max(50).optional() }).strict().optional(),
    log: z.object({ level: logLevelSchema.optional() }).strict().optional(),
    ssm: ssmSettingsSchema.partial().strict().optional(),
  })
  .strict();
export type ConfigUpdateParams = z.infer<typeof configUpdateParamsSchema>;

export const eventTypeSchema = z.enum(['ssh', 'forward', 'metrics', 'diagnose', 'fix', 'prompt', 'efs']);
export type EventType = z.infer<typeof eventTypeSchema>;

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string) {
  return { params, result, doc };
}

export const methods = {
  'host.list': method(empty, z.object({ hosts: z.array(hostInfoSchema) }), 'Hosts from ssh config with their connection state'),
  'host.reload': method(
    empty,
    z.object({ total: z.number().int(), added: z.array(z.string()), removed: z.array(z.string()) }),
    'Re-read ssh config',
  ),
  'host.trust': method(
    z.object({ host: hostAliasSchema, fingerprint: z.string().optional() }).strict(),
    hostKeyInfoSchema,
    'Accept the host key last offered by an unknown host (optionally only if it has this fingerprint) and record it in known_hosts',
  ),
  'host.unlock': method(
    z.object({ host: hostAliasSchema, passphrase: z.string().max(4096) }).strict(),
    z.object({ host: z.string(), key_path: z.string() }),
    'Supply the passphrase of the host identity file (kept in memory only)',
  ),
  'ssh.connect': method(byHost, z.object({ host: z.string(), status: z.literal('connected') }), 'Open the shared SSH connection to a host'),
  'ssh.disconnect': method(byHost, z.object({ host: z.string(), status: z.literal('disconnected') }), 'Close the SSH connection to a host (stops its forwards)'),
  'forward.list': method(
    z.object({ host: hostAliasSchema.optional() }).strict(),
    z.object({ forwards: z.array(forwardInfoSchema) }),
    'Saved forward rules',
  ),
  'forward.add': method(forwardAddParamsSchema, z.object({ name: z.string() }), 'Save a forward rule'),
  'forward.update': method(forwardUpdateParamsSchema, z.object({ name: z.string() }), 'Change a saved forward rule (restarts it if running)'),
  'forward.delete': method(byName, ok, 'Delete a forward rule (stops it first)'),
  'forward.start': method(byName, z.object({ name: z.string(), status: sessionStatusSchema }), 'Start a forward'),
  'forward.stop': method(byName, z.object({ name: z.string(), status: z.literal('stopped') }), 'Stop a forward'),
  'session.list': method(empty, z.object({ sessions: z.array(sessionInfoSchema) }), 'Every forward session with its live state'),
  'session.get': method(byName, sessionInfoSchema, 'One session'),
  'config.get': method(empty, configInfoSchema, 'Current settings'),
  'config.update': method(configUpdateParamsSchema, ok, 'Change settings (only the fields given)'),
  'config.import': method(
    z.object({ yaml: z.string().max(4 * 1024 * 1024) }).strict(),
    z.object({ imported: z.array(z.string()), skipped: z.array(z.object({ name: z.string(), reason: z.string() })) }),
    'Import a MolePort config.yaml (settings and forwards)',
  ),
  'daemon.status': method(
    empty,
    z.object({
      pid: z.number().int(),
      version: z.string(),
      started_at: z.string(),
      uptime: z.string(),
      connected_clients: z.number().int(),
      active_ssh_connections: z.number().int(),
      active_forwards: z.number().int(),
      warren_home: z.string(),
      browser_url: z.string().optional(),
      /** The engine process's memory in bytes (process.memoryUsage()). */
      memory: z.object({ rss: z.number(), heap_total: z.number(), heap_used: z.number(), external: z.number() }),
    }),
    'Daemon health',
  ),
  'daemon.shutdown': method(empty, ok, 'Stop the daemon after saving which sessions are active'),
  'daemon.rotate_browser_token': method(
    empty,
    z.object({ browser_url: z.string() }),
    'Give browser mode a new token (open tabs are disconnected, the old URL stops working); returns the new URL',
  ),
  'events.subscribe': method(
    z.object({ types: z.array(eventTypeSchema).min(1) }).strict(),
    z.object({ subscription_id: z.string() }),
    'Receive event.* notifications on this connection',
  ),
  'events.unsubscribe': method(z.object({ subscription_id: z.string() }).strict(), ok, 'Stop a subscription'),
  ...conduitMethods,
  ...ec2Methods,
  ...diagnoseMethods,
  ...fixMethods,
  ...promptMethods,
  ...efsMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

// ── Notifications (daemon → client) ─────────────────────────────────────────────────────────────
export const sshEventSchema = z.object({
  type: z.enum(['connecting', 'connected', 'disconnected', 'reconnecting', 'error']),
  host: z.string(),
  error: z.string().optional(),
  /** For error events: the API error code (e.g. 1008 unknown host key) and its data. */
  code: z.number().int().optional(),
  data: z.unknown().optional(),
});
export const forwardEventSchema = z.object({
  type: z.enum(['started', 'stopped', 'error', 'starting', 'reconnecting', 'active', 'added', 'updated', 'deleted']),
  name: z.string(),
  host: z.string(),
  error: z.string().optional(),
  /** Snapshot of the session after the change, so clients need not poll. */
  session: sessionInfoSchema.optional(),
});
export const metricsEventSchema = z.object({
  sessions: z.array(
    z.object({
      name: z.string(),
      status: sessionStatusSchema,
      bytes_sent: z.number().int(),
      bytes_received: z.number().int(),
      uptime: z.string(),
      active_connections: z.number().int(),
      reconnect_count: z.number().int(),
      rtt_ms: z.number().optional(),
    }),
  ),
});

export const notifications = {
  'event.ssh': sshEventSchema,
  'event.forward': forwardEventSchema,
  'event.metrics': metricsEventSchema,
  /** One item of a diagnose.run finished (progress while it runs). */
  'event.diagnose': diagnoseEventSchema,
  /** A fix.run action started, progressed (each SSM registration check) or ended. */
  'event.fix': fixEventSchema,
  /** A credential prompt (MFA code, SSO sign-in) opened or ended; see prompt-contract.ts. */
  'event.prompt': promptEventSchema,
  /** An efs.run stage started, progressed (file counts, mount target checks) or ended. */
  'event.efs': efsEventSchema,
} as const;
export type Notifications = typeof notifications;
export type NotificationName = keyof Notifications;
export type NotificationPayload<N extends NotificationName> = z.infer<Notifications[N]>;
export type SshEvent = NotificationPayload<'event.ssh'>;
export type ForwardEvent = NotificationPayload<'event.forward'>;
export type MetricsEvent = NotificationPayload<'event.metrics'>;

export const notificationForType: Record<EventType, NotificationName> = {
  ssh: 'event.ssh',
  forward: 'event.forward',
  metrics: 'event.metrics',
  diagnose: 'event.diagnose',
  fix: 'event.fix',
  prompt: 'event.prompt',
  efs: 'event.efs',
};
