// Which door may do what. The browser door is served to whoever holds its token (a leaked URL, a
// script injected into the page), so it gets everything the UI needs and nothing that names a file
// Warren runs or reads: with that, a token would be a shell. The tables are typed over every method
// and every setting, so a new method or setting without a mark does not compile (default deny).
import type { ConfigUpdateParams, MethodName } from './contract.js';
import { ErrorCode, WarrenError } from './errors.js';

/** Where a call came from: one per door (src-main/api/doors, electron/ipc-door, in-process callers). */
export const doors = ['ipc', 'socket', 'websocket', 'internal'] as const;
export type Door = (typeof doors)[number];

/** What a person would call each door, for messages and docs. */
export const doorLabels: Readonly<Record<Door, string>> = {
  ipc: 'the Warren window (Electron IPC)',
  socket: 'the warren CLI (Unix socket)',
  websocket: 'browser mode (WebSocket)',
  internal: 'the engine itself (tray)',
};

/**
 * all: every door, browser mode included.
 * local: the doors only the user at this machine drives (the window, the 0600 socket, the tray).
 */
export type Reach = 'all' | 'local';
export const doorsFor: Readonly<Record<Reach, readonly Door[]>> = {
  all: doors,
  local: ['ipc', 'socket', 'internal'],
};

export interface MethodPolicy {
  readonly reach: Reach;
  /** Costly or long (many AWS calls, waits for a person): at most MAX_EXPENSIVE_PER_CLIENT at once per client. */
  readonly expensive?: true;
  /** Params (dotted) that name a local file Warren reads or runs: when given, only from a local door. */
  readonly localParams?: readonly string[];
}

// ── Settings ──────────────────────────────────────────────────────────────────────────────────────
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Record<string, unknown> ? Leaves<NonNullable<T[K]>, `${P}${K}.`> : `${P}${K}`;
}[keyof T & string];
/** Every setting config.update can change, dotted ("ssm.session_manager_plugin_path"). */
export type SettingKey = Leaves<ConfigUpdateParams>;

/** Who may change each setting. A path Warren runs (the plugin) or reads (the ssh config) is local. */
export const settingPolicy: Readonly<Record<SettingKey, Reach>> = {
  ssh_config_path: 'local',
  'reconnect.enabled': 'all',
  'reconnect.max_retries': 'all',
  'reconnect.initial_delay': 'all',
  'reconnect.max_delay': 'all',
  'session.auto_restore': 'all',
  'session.max_sessions_per_instance': 'all',
  'log.level': 'all',
  'ssm.reconnect_initial_delay': 'all',
  'ssm.reconnect_max_delay': 'all',
  'ssm.reconnect_max_retries': 'all',
  'ssm.aggressive_mode': 'all',
  'ssm.aggressive_attempts': 'all',
  'ssm.aggressive_interval': 'all',
  'ssm.max_session_duration': 'all',
  'ssm.renew_before': 'all',
  'ssm.inactive_after': 'all',
  // Turning the plugin on runs only the path a local door set; the path itself is local.
  'ssm.use_session_manager_plugin': 'all',
  'ssm.session_manager_plugin_path': 'local',
};

export const localSettings: readonly SettingKey[] = (Object.keys(settingPolicy) as SettingKey[]).filter((k) => settingPolicy[k] === 'local');

// ── Methods ───────────────────────────────────────────────────────────────────────────────────────
const all: MethodPolicy = { reach: 'all' };
const local: MethodPolicy = { reach: 'local' };
const expensive: MethodPolicy = { reach: 'all', expensive: true };
/** conduit.start/up: the client key is read from private_key_path. */
const conduitKeyPath: MethodPolicy = { reach: 'all', localParams: ['private_key_path'] };

export const methodPolicy: Readonly<Record<MethodName, MethodPolicy>> = {
  'host.list': all,
  // Re-reads the ssh config at the path a local door set; returns its Host names.
  'host.reload': all,
  'host.trust': all,
  'host.unlock': all,
  'ssh.connect': all,
  'ssh.disconnect': all,
  'forward.list': all,
  'forward.add': all,
  'forward.update': all,
  'forward.delete': all,
  'forward.start': all,
  'forward.stop': all,
  'session.list': all,
  'session.get': all,
  'config.get': all,
  'config.update': { reach: 'all', localParams: localSettings },
  // The imported YAML carries settings, paths among them (ssh_config_path).
  'config.import': local,
  'daemon.status': all,
  // Every tunnel drops: only the user at this machine decides that.
  'daemon.shutdown': local,
  // A token holder must not be able to lock the user out of their own browser tab.
  'daemon.rotate_browser_token': local,
  'events.subscribe': all,
  'events.unsubscribe': all,
  'conduit.start': conduitKeyPath,
  'conduit.up': conduitKeyPath,
  'conduit.down': all,
  'conduit.list': all,
  'conduit.kill': all,
  'conduit.status': all,
  'conduit.routers': all,
  'ec2.history': all,
  // Runs the session-manager-plugin only at the path a local door set, after the executable check.
  'ec2.connect': all,
  'ec2.list': all,
  'ec2.status': all,
  'ec2.terminate': all,
  'ec2.instances': all,
  'diagnose.run': expensive,
  'diagnose.list_items': all,
  'diagnose.aws_config': expensive,
  'diagnose.history': all,
  'fix.run': expensive,
  'fix.history': all,
  'fix.show': all,
  'prompt.list': all,
  'prompt.answer': all,
  'prompt.cancel': all,
  // Waits for a person to sign in (minutes).
  'aws.sso_login': expensive,
  // The scaler's directory is only counted (a number comes back), never read or run: the UI sets it.
  'efs.configure': all,
  'efs.list': all,
  'efs.delete': all,
  'efs.status': all,
  'efs.run': expensive,
  'efs.runs': all,
  'efs.counts': all,
  'efs.schedule': all,
  'efs.route': all,
  'efs.mount_plan': all,
};

/** At most this many expensive calls in flight per client; more get LimitExceeded at once. */
export const MAX_EXPENSIVE_PER_CLIENT = 4;

/** The policy of a method; an unknown name (cannot type-check) is denied everywhere. */
export function policyOf(method: string): MethodPolicy | undefined {
  return Object.prototype.hasOwnProperty.call(methodPolicy, method) ? methodPolicy[method as MethodName] : undefined;
}

export function mayCall(method: string, door: Door): boolean {
  const policy = policyOf(method);
  return policy !== undefined && doorsFor[policy.reach].includes(door);
}

function valueAt(params: unknown, dotted: string): unknown {
  let v: unknown = params;
  for (const key of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function allowedLabels(reach: Reach): string {
  return doorsFor[reach]
    .filter((d) => d !== 'internal')
    .map((d) => doorLabels[d])
    .join(' or ');
}

/**
 * Why this door may not make this call (a NotAllowedFromThisDoor error naming the cause and the
 * fix), or undefined when it may. Params are the validated ones, so a path given as undefined is
 * "not given".
 */
export function doorRefusal(method: string, params: unknown, door: Door): WarrenError | undefined {
  const policy = policyOf(method);
  const allowed_doors = policy ? doorsFor[policy.reach] : [];
  if (!policy || !allowed_doors.includes(door))
    return new WarrenError(
      ErrorCode.NotAllowedFromThisDoor,
      `${method} is not allowed from ${doorLabels[door]}: ${policy ? `it is served only to ${allowedLabels(policy.reach)}; run it there` : 'it has no door policy'}`,
      { method, door, allowed_doors },
    );
  for (const param of policy.localParams ?? []) {
    if (valueAt(params, param) === undefined || doorsFor.local.includes(door)) continue;
    const isSetting = method === 'config.update';
    return new WarrenError(
      ErrorCode.NotAllowedFromThisDoor,
      isSetting
        ? `${param} cannot be changed from ${doorLabels[door]}: it names a file Warren runs or reads. Nothing was changed; set it with \`warren config set ${param} …\` or in the Warren window`
        : `${method} cannot take ${param} from ${doorLabels[door]}: it names a file Warren reads. Nothing was done; leave it out here, or run this from the warren CLI or the Warren window`,
      { method, door, ...(isSetting ? { setting: param } : { param }), allowed_doors: doorsFor.local },
    );
  }
  return undefined;
}
