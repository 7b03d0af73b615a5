// Domain models as they cross the API: snake_case JSON fields, names as in MolePort's seed.
import { z } from 'zod';
import { ErrorCode, WarrenError, describeIssues } from './errors.js';
import { isSourceName, parseHostPort } from '../logic/source-pattern.js';

export const forwardTypeSchema = z.enum(['local', 'remote', 'dynamic']);
export type ForwardType = z.infer<typeof forwardTypeSchema>;

export const sessionStatusSchema = z.enum(['stopped', 'starting', 'active', 'reconnecting', 'error']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const connectionStateSchema = z.enum(['disconnected', 'connecting', 'connected', 'reconnecting', 'error']);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const portSchema = z.number().int().min(1).max(65535);
/** Rule names are used in CLI arguments and URLs: keep them simple. */
export const ruleNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'use letters, digits and . _ : @ - (starting with a letter or digit)');
export const hostAliasSchema = z.string().min(1).max(255).regex(/^[^\s]+$/, 'a host alias has no spaces');
/** remote_host: a host name, IPv4 or IPv6 literal as the remote side sees it. */
export const remoteHostSchema = z.string().min(1).max(255).regex(/^[^\s/]+$/, 'not a host name or address');

const sshRuleFields = {
  kind: z.literal('ssh'),
  name: ruleNameSchema,
  host: hostAliasSchema,
  type: forwardTypeSchema,
  local_port: portSchema,
  remote_host: remoteHostSchema.optional(),
  remote_port: portSchema.optional(),
  auto_connect: z.boolean(),
};

/**
 * An SSH forward rule. local: 127.0.0.1:local_port → remote_host:remote_port seen from the server.
 * remote: the server listens on remote_host (bind address, default localhost):remote_port and
 * connections come to 127.0.0.1:local_port. dynamic: a SOCKS5 proxy on 127.0.0.1:local_port.
 */
export const sshForwardRuleSchema = z.object(sshRuleFields).superRefine((rule, ctx) => {
  if (rule.type === 'dynamic') {
    if (rule.remote_port !== undefined)
      ctx.addIssue({ code: 'custom', path: ['remote_port'], message: 'a dynamic forward has no remote_port' });
    return;
  }
  if (rule.remote_port === undefined)
    ctx.addIssue({ code: 'custom', path: ['remote_port'], message: `a ${rule.type} forward needs remote_port` });
  if (rule.type === 'local' && rule.remote_host === undefined)
    ctx.addIssue({ code: 'custom', path: ['remote_host'], message: 'a local forward needs remote_host' });
});
export type SshForwardRule = z.infer<typeof sshForwardRuleSchema>;

/** "host:port" (IPv6 in brackets) as users write router and bind addresses. */
export const hostPortStringSchema = z.string().refine((v) => {
  try {
    parseHostPort(v);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port (e.g. 10.2.0.1:9999 or [::1]:9999)');
/** A source as seen from the router: host:port, or the name of a source group the router defines. */
export const conduitSourceSchema = z.string().refine((v) => {
  if (isSourceName(v)) return true;
  try {
    parseHostPort(v);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port or the name of a source defined on the router');

/**
 * A Conduit tunnel: connections to `bind` (local) travel over TLS to `router`, which connects them
 * to `source`. conduit.toml's [[tunnels]] entries, with the [router] and [security] they use.
 */
export const conduitRuleSchema = z.object({
  kind: z.literal('conduit'),
  name: ruleNameSchema,
  router: hostPortStringSchema,
  source: conduitSourceSchema,
  bind: hostPortStringSchema,
  protocol: z.enum(['tcp', 'udp']),
  auto_connect: z.boolean(),
  /** Pin of the router's key ("SHA256:…"); absent: known_routers (trust on first use). */
  router_key: z.string().max(200).optional(),
  /** The client key to use; absent: $WARREN_HOME/keys/conduit.key. */
  private_key_path: z.string().max(4096).optional(),
});
export type ConduitRule = z.infer<typeof conduitRuleSchema>;

export const instanceIdSchema = z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/, 'an instance id like i-0123456789abcdef0');
export const awsProfileSchema = z.string().min(1).max(128).regex(/^[\w+=,.@-]+$/, 'a profile name from ~/.aws/config');
export const awsRegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'a region like eu-west-1');

/**
 * An SSM port forward: 127.0.0.1:local_port → remote_port on the instance (or remote_host:remote_port
 * seen from it, AWS-StartPortForwardingSessionToRemoteHost), through Session Manager.
 */
export const ssmRuleSchema = z.object({
  kind: z.literal('ssm'),
  name: ruleNameSchema,
  instance_id: instanceIdSchema,
  profile: awsProfileSchema.optional(),
  region: awsRegionSchema.optional(),
  local_port: portSchema,
  remote_port: portSchema,
  remote_host: remoteHostSchema.optional(),
  auto_connect: z.boolean(),
});
export type SsmRule = z.infer<typeof ssmRuleSchema>;

/** Every kind of rule. */
export const forwardRuleSchema = z.discriminatedUnion('kind', [sshForwardRuleSchema, conduitRuleSchema, ssmRuleSchema]);
export type ForwardRule = SshForwardRule | ConduitRule | SsmRule;

/** Validate a rule wherever one arrives (API, store, import): InvalidParams naming each bad field. */
export function parseForwardRule(candidate: unknown, what = 'forward'): ForwardRule {
  const parsed = forwardRuleSchema.safeParse(candidate);
  if (!parsed.success) throw new WarrenError(ErrorCode.InvalidParams, `invalid ${what}: ${describeIssues(parsed.error.issues, 'rule')}`);
  return parsed.data;
}
export type RuleKind = ForwardRule['kind'];

/** MolePort's ForwardInfo plus `kind`. */
export const forwardInfoSchema = z.object({
  kind: z.literal('ssh'),
  name: z.string(),
  host: z.string(),
  type: forwardTypeSchema,
  local_port: z.number().int(),
  remote_host: z.string().optional(),
  remote_port: z.number().int().optional(),
  auto_connect: z.boolean(),
});
export type ForwardInfo = z.infer<typeof forwardInfoSchema>;

export const hostInfoSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  port: z.number().int(),
  user: z.string(),
  identity_file: z.array(z.string()),
  proxy_jump: z.array(z.string()),
  state: connectionStateSchema,
  active_forward_count: z.number().int(),
  last_error: z.string().optional(),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;

const sessionStateFields = {
  id: z.string(),
  name: z.string(),
  status: sessionStatusSchema,
  connected_at: z.string().optional(),
  bytes_sent: z.number().int(),
  bytes_received: z.number().int(),
  active_connections: z.number().int(),
  reconnect_count: z.number().int(),
  last_error: z.string().optional(),
  /** Last probe round trip of the link this session rides on. */
  rtt_ms: z.number().optional(),
  /** When reconnecting: the moment of the next attempt (RFC3339). */
  next_retry_at: z.string().optional(),
};

export const sshSessionInfoSchema = z.object({
  ...sessionStateFields,
  kind: z.literal('ssh'),
  host: z.string(),
  type: forwardTypeSchema,
  local_port: z.number().int(),
  remote_host: z.string().optional(),
  remote_port: z.number().int().optional(),
});
export const conduitSessionInfoSchema = z.object({
  ...sessionStateFields,
  kind: z.literal('conduit'),
  router: z.string(),
  source: z.string(),
  bind: z.string(),
  protocol: z.enum(['tcp', 'udp']),
  /** The router's key as last seen on the link. */
  router_fingerprint: z.string().optional(),
});
export const ssmSessionInfoSchema = z.object({
  ...sessionStateFields,
  kind: z.literal('ssm'),
  instance_id: z.string(),
  profile: z.string().optional(),
  region: z.string().optional(),
  local_port: z.number().int(),
  remote_port: z.number().int(),
  remote_host: z.string().optional(),
  /** The SSM session id while connected. */
  session_id: z.string().optional(),
  /** mux (many connections over smux), basic (one at a time, old agents), or plugin (an installed session-manager-plugin carries the session). */
  mode: z.enum(['mux', 'basic', 'plugin']).optional(),
  /** How long the current session took to come up (StartSession to data channel ready), ms. */
  connect_ms: z.number().nonnegative().optional(),
  /** Property 8: no new local connection and no byte moved for ssm.inactive_after (while active). */
  inactive: z.boolean().optional(),
  /** The last new local connection or byte moved (ISO time), while the session is up. */
  last_activity_at: z.string().optional(),
  /** When the current SSM session will be replaced (make-before-break), if a deadline is known. */
  renew_at: z.string().optional(),
});
export const sessionInfoSchema = z.discriminatedUnion('kind', [sshSessionInfoSchema, conduitSessionInfoSchema, ssmSessionInfoSchema]);
export type SsmSessionInfo = z.infer<typeof ssmSessionInfoSchema>;
export type SshSessionInfo = z.infer<typeof sshSessionInfoSchema>;
export type ConduitSessionInfo = z.infer<typeof conduitSessionInfoSchema>;
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** Go-style duration strings as MolePort writes them: "500ms", "1s", "1m30s". */
export const durationStringSchema = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'a duration like "500ms", "1s", "1m30s"');

export const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);

/** "auto": read maxSessionDuration from the account's Session Manager preferences; "none": never replace. */
export const maxSessionDurationSchema = z.union([z.literal('auto'), z.literal('none'), durationStringSchema]);

export const ssmSettingsSchema = z.object({
  /** EC2 Connect's reconnect policy: 1-2-4-8-16 s, 5 attempts, then the user is told (properties 3, 6, 20). */
  reconnect_initial_delay: durationStringSchema,
  reconnect_max_delay: durationStringSchema,
  reconnect_max_retries: z.number().int().min(0).max(1_000_000),
  /** Aggressive mode: a burst of quick retries before the exponential ones. */
  aggressive_mode: z.boolean(),
  aggressive_attempts: z.number().int().min(1).max(1000),
  aggressive_interval: durationStringSchema,
  /** When the service will end a session; a replacement is opened renew_before that (make-before-break). */
  max_session_duration: maxSessionDurationSchema,
  renew_before: durationStringSchema,
  /** Property 8: no new local connection and no byte moved for this long = inactive. */
  inactive_after: durationStringSchema,
  /** Use an installed session-manager-plugin instead of Warren's own data channel. */
  use_session_manager_plugin: z.boolean(),
  session_manager_plugin_path: z.string().min(1),
});
export type SsmSettings = z.infer<typeof ssmSettingsSchema>;

export const configInfoSchema = z.object({
  ssh_config_path: z.string(),
  reconnect: z.object({
    enabled: z.boolean(),
    max_retries: z.number().int().min(0),
    initial_delay: durationStringSchema,
    max_delay: durationStringSchema,
  }),
  session: z.object({
    auto_restore: z.boolean(),
    /** EC2 Connect's limit on concurrent SSM forwards to one instance (property 10). */
    max_sessions_per_instance: z.number().int().min(1).max(50),
  }),
  /** The log itself is always $WARREN_HOME/warren.log (0600): a settable path would let a caller aim writes at any file. */
  log: z.object({ level: logLevelSchema }),
  /** SSM forwards (EC2 Connect's policy and Session Manager's limits). */
  ssm: ssmSettingsSchema,
});
export type ConfigInfo = z.infer<typeof configInfoSchema>;

export const hostKeyInfoSchema = z.object({
  host: z.string(),
  hostname: z.string(),
  port: z.number().int(),
  key_type: z.string(),
  /** OpenSSH style: "SHA256:base64-without-padding". */
  fingerprint: z.string(),
  known_hosts_file: z.string(),
});
export type HostKeyInfo = z.infer<typeof hostKeyInfoSchema>;
