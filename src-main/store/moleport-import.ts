// Import a MolePort config.yaml (see the MolePort data-model seed): its settings become a settings
// patch and each entry of `forwards` an ssh rule. A bad forward or setting is skipped with a
// reason; only unreadable YAML fails the whole import.
import { ErrorCode, WarrenError, describeIssues } from '../../src-shared/api/errors.js';
import { durationStringSchema, sshForwardRuleSchema, type SshForwardRule } from '../../src-shared/api/models.js';
import type { SettingsPatch } from '../../src-shared/domain/settings.js';
import { formatDuration, tryParseDuration } from '../../src-shared/logic/duration.js';
import { CONFIG_DOCUMENT_LIMITS, ParseLimitError } from '../../src-shared/logic/parse-limits.js';
import { parseYamlDocumentBounded } from '../parse/bounded-yaml.js';

export interface SkippedItem {
  name: string;
  reason: string;
}

export interface MolePortImport {
  settings: SettingsPatch;
  rules: SshForwardRule[];
  skipped: SkippedItem[];
}

export interface ImportOptions {
  /** Names of rules that already exist; forwards with these names are skipped. */
  existingNames?: Iterable<string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's yaml reads a time.Duration from "1m30s", or from a bare integer as nanoseconds. */
function importDuration(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return formatDuration(value / 1e6);
  if (typeof value !== 'string') return undefined;
  if (durationStringSchema.safeParse(value).success) return value;
  const ms = tryParseDuration(value);
  return ms === undefined ? undefined : formatDuration(ms);
}

function importSettings(doc: Obj, skipped: SkippedItem[]): SettingsPatch {
  const patch: SettingsPatch = {};
  const skip = (key: string, value: unknown, why: string): void => {
    skipped.push({ name: `setting:${key}`, reason: `${JSON.stringify(value)}: ${why}` });
  };
  const section = (key: string): Obj => {
    const v = doc[key];
    if (v === undefined || v === null) return {};
    if (isObj(v)) return v;
    skip(key, v, 'not a mapping');
    return {};
  };

  const sshPath = doc['ssh_config_path'];
  if (typeof sshPath === 'string' && sshPath.trim() !== '') patch.ssh_config_path = sshPath;
  else if (sshPath !== undefined && sshPath !== null) skip('ssh_config_path', sshPath, 'not a path');

  const rc = section('reconnect');
  const reconnect: NonNullable<SettingsPatch['reconnect']> = {};
  if (typeof rc['enabled'] === 'boolean') reconnect.enabled = rc['enabled'];
  else if (rc['enabled'] !== undefined) skip('reconnect.enabled', rc['enabled'], 'not true or false');
  const retries = rc['max_retries'];
  if (typeof retries === 'number' && Number.isInteger(retries) && retries >= 0) reconnect.max_retries = retries;
  else if (retries !== undefined) skip('reconnect.max_retries', retries, 'not a whole number ≥ 0');
  for (const key of ['initial_delay', 'max_delay'] as const) {
    if (rc[key] === undefined) continue;
    const d = importDuration(rc[key]);
    if (d === undefined) skip(`reconnect.${key}`, rc[key], 'not a duration like "1s" or "1m30s"');
    else reconnect[key] = d;
  }
  if (reconnect.initial_delay !== undefined && reconnect.max_delay !== undefined) {
    const [i, m] = [tryParseDuration(reconnect.initial_delay) ?? 0, tryParseDuration(reconnect.max_delay) ?? 0];
    if (i > m) {
      skip('reconnect.initial_delay', reconnect.initial_delay, `longer than max_delay (${reconnect.max_delay})`);
      delete reconnect.initial_delay;
    }
  }
  if (Object.keys(reconnect).length > 0) patch.reconnect = reconnect;

  const ses = section('session');
  if (typeof ses['auto_restore'] === 'boolean') patch.session = { auto_restore: ses['auto_restore'] };
  else if (ses['auto_restore'] !== undefined) skip('session.auto_restore', ses['auto_restore'], 'not true or false');

  const lg = section('log');
  if (lg['level'] !== undefined) {
    const level = typeof lg['level'] === 'string' ? lg['level'].toLowerCase().replace(/^warning$/, 'warn') : undefined;
    if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') patch.log = { level };
    else skip('log.level', lg['level'], 'use debug, info, warn or error');
  }
  // MolePort's log file would make Warren write into MolePort's folder (or over its log).
  if (lg['file'] !== undefined) skip('log.file', lg['file'], 'not imported: Warren keeps its own log, always $WARREN_HOME/warren.log');
  return patch;
}

/** A MolePort forward entry → a Warren rule, or the reason it cannot be one. */
function importForward(entry: unknown, index: number): { rule: SshForwardRule } | { skip: SkippedItem } {
  if (!isObj(entry)) return { skip: { name: `forwards[${index}]`, reason: 'not a mapping' } };
  const type = typeof entry['type'] === 'string' ? entry['type'].toLowerCase() : entry['type'];
  const givenName = typeof entry['name'] === 'string' && entry['name'].trim() !== '' ? entry['name'].trim() : undefined;
  // MolePort's default name when none is given: <host>-<type>-<localport>.
  const name = givenName ?? `${String(entry['host'] ?? '')}-${String(type ?? '')}-${String(entry['local_port'] ?? '')}`;
  const candidate: Obj = {
    kind: 'ssh',
    name,
    host: entry['host'],
    type,
    local_port: entry['local_port'],
    auto_connect: entry['auto_connect'] ?? false,
  };
  // Go writes zero values for fields a dynamic forward has no use for; treat "" and 0 as absent.
  if (type !== 'dynamic') {
    if (entry['remote_host'] !== undefined && entry['remote_host'] !== '' && entry['remote_host'] !== null) candidate['remote_host'] = entry['remote_host'];
    if (entry['remote_port'] !== undefined && entry['remote_port'] !== 0 && entry['remote_port'] !== null) candidate['remote_port'] = entry['remote_port'];
  }
  const parsed = sshForwardRuleSchema.safeParse(candidate);
  if (!parsed.success)
    return { skip: { name: givenName ?? `forwards[${index}]`, reason: describeIssues(parsed.error.issues, 'forward') } };
  return { rule: parsed.data };
}

export function importMolePortYaml(yamlText: string, options: ImportOptions = {}): MolePortImport {
  let doc: ReturnType<typeof parseYamlDocumentBounded>;
  try {
    // Size, depth and aliases are checked before the parser runs: a deep document used to abort the daemon.
    doc = parseYamlDocumentBounded(yamlText, CONFIG_DOCUMENT_LIMITS, 'the MolePort config', { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof ParseLimitError) throw new WarrenError(ErrorCode.InvalidParams, e.message);
    throw e;
  }
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first?.linePos?.[0] ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : '';
    throw new WarrenError(ErrorCode.InvalidParams, `the MolePort config is not valid YAML${where}: ${first?.message.split('\n')[0] ?? 'parse error'}`);
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: CONFIG_DOCUMENT_LIMITS.maxAliases });
  } catch (e) {
    // The yaml package refuses alias bombs here ("Excessive alias count").
    throw new WarrenError(ErrorCode.InvalidParams, `the MolePort config cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (root === null || root === undefined) return { settings: {}, rules: [], skipped: [] };
  if (!isObj(root)) throw new WarrenError(ErrorCode.InvalidParams, 'the MolePort config must be a YAML mapping (ssh_config_path, reconnect, forwards …)');

  const skipped: SkippedItem[] = [];
  const settings = importSettings(root, skipped);
  const rules: SshForwardRule[] = [];
  const taken = new Set(options.existingNames ?? []);
  const forwards = root['forwards'];
  if (forwards !== undefined && forwards !== null && !Array.isArray(forwards)) skipped.push({ name: 'forwards', reason: 'not a list' });
  else
    (forwards ?? []).forEach((entry: unknown, i: number) => {
      const r = importForward(entry, i);
      if ('skip' in r) skipped.push(r.skip);
      else if (taken.has(r.rule.name)) skipped.push({ name: r.rule.name, reason: 'a rule with this name already exists' });
      else {
        taken.add(r.rule.name);
        rules.push(r.rule);
      }
    });
  return { settings, rules, skipped };
}
