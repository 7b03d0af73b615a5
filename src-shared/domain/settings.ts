// The settings model (what config.get returns): MolePort's defaults, the partial `config.update`,
// and resolution "CLI flag > WARREN_<SECTION>_<KEY> env > stored > default". Pure: env comes in as
// a plain record, nothing here reads the process.
import { configInfoSchema, durationStringSchema, logLevelSchema, maxSessionDurationSchema, type ConfigInfo } from '../api/models.js';
import { configUpdateParamsSchema, type ConfigUpdateParams } from '../api/contract.js';
import { ErrorCode, WarrenError, describeIssues } from '../api/errors.js';
import { formatDuration, tryParseDuration } from '../logic/duration.js';

export type Settings = ConfigInfo;
/** A sparse settings object: only the fields someone set (stored settings, CLI flags, an import). */
export type SettingsPatch = ConfigUpdateParams;
export type SettingSource = 'flag' | 'env' | 'stored' | 'default';

/**
 * MolePort's defaults, without MolePort's `log.file`: Warren's log is always $WARREN_HOME/warren.log.
 * `home` is kept for callers (and defaults that may come to depend on it).
 */
export function defaultSettings(_home: string): Settings {
  return {
    ssh_config_path: '~/.ssh/config',
    reconnect: { enabled: true, max_retries: 10, initial_delay: '1s', max_delay: '60s' },
    session: { auto_restore: true, max_sessions_per_instance: 3 },
    log: { level: 'info' },
    ssm: defaultSsmSettings(),
  };
}

/** EC2 Connect's numbers: retries 1-2-4-8-16 s (5 attempts), aggressive 10 × 0.5 s, inactive after 30 s. */
export function defaultSsmSettings(): Settings['ssm'] {
  return {
    reconnect_initial_delay: '1s',
    reconnect_max_delay: '16s',
    reconnect_max_retries: 5,
    aggressive_mode: false,
    aggressive_attempts: 10,
    aggressive_interval: '500ms',
    max_session_duration: 'auto',
    renew_before: '2m',
    inactive_after: '30s',
    use_session_manager_plugin: false,
    session_manager_plugin_path: 'session-manager-plugin',
  };
}

/** Every leaf of the settings, as [section, key] ('' for top-level ssh_config_path). */
export const SETTING_KEYS = [
  ['', 'ssh_config_path'],
  ['reconnect', 'enabled'],
  ['reconnect', 'max_retries'],
  ['reconnect', 'initial_delay'],
  ['reconnect', 'max_delay'],
  ['session', 'auto_restore'],
  ['session', 'max_sessions_per_instance'],
  ['log', 'level'],
  ['ssm', 'reconnect_initial_delay'],
  ['ssm', 'reconnect_max_delay'],
  ['ssm', 'reconnect_max_retries'],
  ['ssm', 'aggressive_mode'],
  ['ssm', 'aggressive_attempts'],
  ['ssm', 'aggressive_interval'],
  ['ssm', 'max_session_duration'],
  ['ssm', 'renew_before'],
  ['ssm', 'inactive_after'],
  ['ssm', 'use_session_manager_plugin'],
  ['ssm', 'session_manager_plugin_path'],
] as const;
type SettingKey = (typeof SETTING_KEYS)[number];
type PathOf<K> = K extends readonly ['', infer N extends string] ? N : K extends readonly [infer S extends string, infer N extends string] ? `${S}.${N}` : never;
/** "reconnect.max_retries", "ssh_config_path" */
export type SettingPath = PathOf<SettingKey>;

function pathOf([section, key]: SettingKey): SettingPath {
  return (section === '' ? key : `${section}.${key}`) as SettingPath;
}

/** WARREN_RECONNECT_MAX_RETRIES, WARREN_LOG_LEVEL, WARREN_SSH_CONFIG_PATH … */
export function envNameOf(path: SettingPath): string {
  return `WARREN_${path.replace('.', '_').toUpperCase()}`;
}

export interface DelayMs {
  initialMs: number;
  maxMs: number;
}

/** The reconnect delays in milliseconds (the engine's unit). Settings are validated, so these parse. */
export function reconnectDelaysMs(settings: Settings): DelayMs {
  return {
    initialMs: tryParseDuration(settings.reconnect.initial_delay) ?? 1000,
    maxMs: tryParseDuration(settings.reconnect.max_delay) ?? 60_000,
  };
}

/** The SSM reconnect policy in milliseconds (EC2 Connect's ReconnectionPolicy). */
export function ssmReconnectMs(settings: Settings): DelayMs & { maxRetries: number; aggressive?: { attempts: number; intervalMs: number } } {
  const s = settings.ssm;
  const out: ReturnType<typeof ssmReconnectMs> = {
    initialMs: tryParseDuration(s.reconnect_initial_delay) ?? 1000,
    maxMs: tryParseDuration(s.reconnect_max_delay) ?? 16_000,
    maxRetries: s.reconnect_max_retries,
  };
  if (s.aggressive_mode) out.aggressive = { attempts: s.aggressive_attempts, intervalMs: tryParseDuration(s.aggressive_interval) ?? 500 };
  return out;
}

/** ssm.max_session_duration in ms: a number, 'auto' (ask the account's preferences) or 'none'. */
export function ssmMaxSessionMs(settings: Settings): number | 'auto' | 'none' {
  const v = settings.ssm.max_session_duration;
  return v === 'auto' || v === 'none' ? v : (tryParseDuration(v) ?? 'auto');
}

/** Why a settings object is not acceptable as a whole, or undefined. */
export function settingsProblem(settings: Settings): string | undefined {
  const { initialMs, maxMs } = reconnectDelaysMs(settings);
  if (initialMs > maxMs)
    return `reconnect.initial_delay (${settings.reconnect.initial_delay}) must not be longer than reconnect.max_delay (${settings.reconnect.max_delay})`;
  const ssm = ssmReconnectMs(settings);
  if (ssm.initialMs > ssm.maxMs)
    return `ssm.reconnect_initial_delay (${settings.ssm.reconnect_initial_delay}) must not be longer than ssm.reconnect_max_delay (${settings.ssm.reconnect_max_delay})`;
  return undefined;
}

/** Overlay a patch on full settings (no validation). */
function overlay(base: Settings, patch: SettingsPatch): Settings {
  return {
    ssh_config_path: patch.ssh_config_path ?? base.ssh_config_path,
    reconnect: { ...base.reconnect, ...stripUndefined(patch.reconnect) },
    session: { ...base.session, ...stripUndefined(patch.session) },
    log: { ...base.log, ...stripUndefined(patch.log) },
    ssm: { ...base.ssm, ...stripUndefined(patch.ssm) },
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * config.update: the fields given replace the current ones. Throws WarrenError(InvalidParams) when
 * the update is malformed or the result is inconsistent (initial_delay longer than max_delay).
 */
export function applyConfigUpdate(current: Settings, update: ConfigUpdateParams): Settings {
  const parsed = configUpdateParamsSchema.safeParse(update);
  if (!parsed.success)
    throw new WarrenError(ErrorCode.InvalidParams, `invalid settings update: ${describeIssues(parsed.error.issues, 'settings')}`);
  const next = overlay(current, parsed.data);
  const checked = configInfoSchema.safeParse(next);
  if (!checked.success)
    throw new WarrenError(ErrorCode.InvalidParams, `invalid settings: ${describeIssues(checked.error.issues, 'settings')}`);
  const problem = settingsProblem(checked.data);
  if (problem) throw new WarrenError(ErrorCode.InvalidParams, problem);
  return checked.data;
}

/** Merge two sparse patches: later fields win (stored settings + a config.update). */
export function mergeSettingsPatch(a: SettingsPatch, b: SettingsPatch): SettingsPatch {
  const out: SettingsPatch = {};
  const ssh = b.ssh_config_path ?? a.ssh_config_path;
  if (ssh !== undefined) out.ssh_config_path = ssh;
  for (const section of ['reconnect', 'session', 'log', 'ssm'] as const) {
    const merged = { ...stripUndefined(a[section]), ...stripUndefined(b[section]) };
    if (Object.keys(merged).length > 0) (out as Record<string, unknown>)[section] = merged;
  }
  return out;
}

/** Leaf validators; a stored or env value that fails its own is dropped with a warning. */
const leafSchemas = {
  ssh_config_path: configUpdateParamsSchema.shape.ssh_config_path,
  'reconnect.enabled': configInfoSchema.shape.reconnect.shape.enabled,
  'reconnect.max_retries': configInfoSchema.shape.reconnect.shape.max_retries,
  'reconnect.initial_delay': durationStringSchema,
  'reconnect.max_delay': durationStringSchema,
  'session.auto_restore': configInfoSchema.shape.session.shape.auto_restore,
  'session.max_sessions_per_instance': configInfoSchema.shape.session.shape.max_sessions_per_instance,
  'log.level': logLevelSchema,
  'ssm.reconnect_initial_delay': durationStringSchema,
  'ssm.reconnect_max_delay': durationStringSchema,
  'ssm.reconnect_max_retries': configInfoSchema.shape.ssm.shape.reconnect_max_retries,
  'ssm.aggressive_mode': configInfoSchema.shape.ssm.shape.aggressive_mode,
  'ssm.aggressive_attempts': configInfoSchema.shape.ssm.shape.aggressive_attempts,
  'ssm.aggressive_interval': durationStringSchema,
  'ssm.max_session_duration': maxSessionDurationSchema,
  'ssm.renew_before': durationStringSchema,
  'ssm.inactive_after': durationStringSchema,
  'ssm.use_session_manager_plugin': configInfoSchema.shape.ssm.shape.use_session_manager_plugin,
  'ssm.session_manager_plugin_path': configInfoSchema.shape.ssm.shape.session_manager_plugin_path,
} as const;

function getLeaf(obj: unknown, [section, key]: SettingKey): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const holder = section === '' ? obj : (obj as Record<string, unknown>)[section];
  if (typeof holder !== 'object' || holder === null) return undefined;
  return (holder as Record<string, unknown>)[key];
}

function setLeaf(patch: SettingsPatch, [section, key]: SettingKey, value: unknown): void {
  const p = patch as Record<string, Record<string, unknown> | unknown>;
  if (section === '') p[key] = value;
  else p[section] = { ...((p[section] as Record<string, unknown> | undefined) ?? {}), [key]: value };
}

/**
 * Read a stored settings object of unknown shape (an older or damaged database). Valid leaves are
 * kept, invalid or unknown ones are dropped with a warning, so a bad value never stops the daemon.
 */
export function sanitizeSettingsPatch(raw: unknown): { patch: SettingsPatch; warnings: string[] } {
  const patch: SettingsPatch = {};
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { patch, warnings };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { patch, warnings: ['stored settings are not an object; using defaults'] };
  const known = new Set<string>(['ssh_config_path', 'reconnect', 'session', 'log', 'ssm']);
  for (const k of Object.keys(raw)) if (!known.has(k)) warnings.push(`unknown stored setting "${k}" ignored`);
  // A leaf this version no longer has (log.file, stored by an older Warren) is dropped, never fatal.
  const leaves = new Set<string>(SETTING_KEYS.map(pathOf));
  for (const section of known) {
    const holder = (raw as Record<string, unknown>)[section];
    if (section === 'ssh_config_path' || typeof holder !== 'object' || holder === null || Array.isArray(holder)) continue;
    for (const k of Object.keys(holder))
      if (!leaves.has(`${section}.${k}`))
        warnings.push(section === 'log' && k === 'file' ? 'stored setting log.file ignored: Warren always logs to $WARREN_HOME/warren.log' : `unknown stored setting "${section}.${k}" ignored`);
  }
  for (const keyDef of SETTING_KEYS) {
    const value = getLeaf(raw, keyDef);
    if (value === undefined) continue;
    const path = pathOf(keyDef);
    const ok = leafSchemas[path].safeParse(value);
    if (ok.success) setLeaf(patch, keyDef, ok.data);
    else warnings.push(`stored setting ${path}=${JSON.stringify(value)} is invalid (${ok.error.issues[0]?.message ?? 'invalid'}); using the default`);
  }
  return { patch, warnings };
}

function parseEnvValue(path: SettingPath, text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  const t = text.trim();
  switch (path) {
    case 'reconnect.enabled':
    case 'session.auto_restore':
    case 'ssm.aggressive_mode':
    case 'ssm.use_session_manager_plugin': {
      const v = t.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return { ok: true, value: true };
      if (['0', 'false', 'no', 'off'].includes(v)) return { ok: true, value: false };
      return { ok: false, why: 'use true or false' };
    }
    case 'reconnect.max_retries':
    case 'ssm.reconnect_max_retries': {
      if (!/^\d+$/.test(t)) return { ok: false, why: 'use a whole number (0 = unlimited)' };
      return { ok: true, value: Number(t) };
    }
    case 'session.max_sessions_per_instance':
    case 'ssm.aggressive_attempts': {
      if (!/^\d+$/.test(t) || Number(t) < 1) return { ok: false, why: 'use a whole number from 1' };
      return { ok: true, value: Number(t) };
    }
    case 'ssm.max_session_duration': {
      if (t === 'auto' || t === 'none') return { ok: true, value: t };
      const ms = tryParseDuration(t);
      return ms === undefined ? { ok: false, why: 'use auto, none or a duration like "1h"' } : { ok: true, value: formatDuration(ms) };
    }
    case 'reconnect.initial_delay':
    case 'reconnect.max_delay':
    case 'ssm.reconnect_initial_delay':
    case 'ssm.reconnect_max_delay':
    case 'ssm.aggressive_interval':
    case 'ssm.renew_before':
    case 'ssm.inactive_after': {
      const ms = tryParseDuration(t);
      // Normalised, so "90s" and "1.5m" end up in the schema's form.
      return ms === undefined ? { ok: false, why: 'use a duration like "1s" or "1m30s"' } : { ok: true, value: formatDuration(ms) };
    }
    case 'log.level':
      return { ok: true, value: t.toLowerCase() };
    default:
      return { ok: true, value: text };
  }
}

/** The WARREN_* variables that are set, as a patch; bad values are reported and ignored. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): { patch: SettingsPatch; warnings: string[] } {
  const patch: SettingsPatch = {};
  const warnings: string[] = [];
  for (const keyDef of SETTING_KEYS) {
    const path = pathOf(keyDef);
    const name = envNameOf(path);
    const text = env[name];
    if (text === undefined || text === '') continue;
    const parsed = parseEnvValue(path, text);
    const checked = parsed.ok ? leafSchemas[path].safeParse(parsed.value) : undefined;
    if (!parsed.ok || !checked?.success) {
      warnings.push(`${name}=${JSON.stringify(text)} ignored: ${parsed.ok ? (checked?.error?.issues[0]?.message ?? 'invalid') : parsed.why}`);
      continue;
    }
    setLeaf(patch, keyDef, checked.data);
  }
  return { patch, warnings };
}

export interface ResolveInput {
  defaults: Settings;
  stored?: SettingsPatch;
  env?: Readonly<Record<string, string | undefined>>;
  flags?: SettingsPatch;
}

export interface Resolved {
  settings: Settings;
  /** Where each value came from, e.g. { 'log.level': 'env' }. */
  sources: Record<SettingPath, SettingSource>;
  warnings: string[];
}

/** CLI flag > WARREN_<SECTION>_<KEY> env > stored > default. Never throws: bad layers are reported. */
export function resolveSettings(input: ResolveInput): Resolved {
  const stored = sanitizeSettingsPatch(input.stored);
  const env = settingsFromEnv(input.env ?? {});
  const flags = sanitizeSettingsPatch(input.flags);
  const warnings = [...stored.warnings, ...env.warnings, ...flags.warnings.map((w) => w.replace('stored setting', 'flag'))];
  const layers: Array<[SettingSource, SettingsPatch]> = [
    ['stored', stored.patch],
    ['env', env.patch],
    ['flag', flags.patch],
  ];
  let settings = input.defaults;
  const sources = Object.fromEntries(SETTING_KEYS.map((k) => [pathOf(k), 'default'])) as Record<SettingPath, SettingSource>;
  for (const [source, patch] of layers) {
    settings = overlay(settings, patch);
    for (const k of SETTING_KEYS) if (getLeaf(patch, k) !== undefined) sources[pathOf(k)] = source;
  }
  // An inconsistent mix of layers must not stop the daemon: cap each first delay at its maximum.
  for (let problem = settingsProblem(settings); problem; problem = settingsProblem(settings)) {
    if (problem.startsWith('ssm.')) {
      warnings.push(`${problem}; using ${settings.ssm.reconnect_max_delay} for both`);
      settings = { ...settings, ssm: { ...settings.ssm, reconnect_initial_delay: settings.ssm.reconnect_max_delay } };
    } else {
      warnings.push(`${problem}; using ${settings.reconnect.max_delay} for both`);
      settings = { ...settings, reconnect: { ...settings.reconnect, initial_delay: settings.reconnect.max_delay } };
    }
  }
  return { settings, sources, warnings };
}
