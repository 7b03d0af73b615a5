// The tray menu as plain data (Mullvad's connect-helper style): which items exist, their labels and
// enabled/checked states are decided here from plain inputs, so they can be unit- and
// property-tested. src-main/electron/tray.ts only maps the result onto Menu.buildFromTemplate.
import type { ForwardType, SessionStatus } from '../api/models.js';

export interface SshTrayRule {
  kind?: 'ssh';
  name: string;
  host: string;
  type: ForwardType;
  local_port: number;
  remote_host?: string | undefined;
  remote_port?: number | undefined;
}

/** A Conduit tunnel: bind (here) → source (seen from the router). */
export interface ConduitTrayRule {
  kind: 'conduit';
  name: string;
  bind: string;
  source: string;
  protocol: 'tcp' | 'udp';
}

export type TrayRule = SshTrayRule | ConduitTrayRule;

/** An SSM forward to an EC2 instance: :local → instance:remote. */
export interface SsmTrayRule {
  kind: 'ssm';
  name: string;
  instance_id: string;
  local_port: number;
  remote_port: number;
  remote_host?: string | undefined;
}

export interface TraySession {
  name: string;
  status: SessionStatus;
}

export interface TrayMenuInput {
  rules: readonly TrayRule[];
  sessions: readonly TraySession[];
  /** Whether the app starts at login; 'unsupported' hides the checkbox (e.g. a dev build on an odd OS). */
  startAtLogin: boolean | 'unsupported';
  /** False while the engine is not answering (starting, or its last call failed). */
  engineReady: boolean;
  /** More rules than this are summarised in one "…and N more" line: a tray menu is not a list view. */
  maxRules?: number;
  /** SSM forwards, most recently connected first (quick-connect). */
  recentInstances?: readonly SsmTrayRule[];
  /** How many recent instance forwards the quick-connect section shows (default 5). */
  maxRecentInstances?: number;
}

export type TrayAction =
  | { type: 'start'; name: string }
  | { type: 'stop'; name: string }
  | { type: 'open' }
  | { type: 'set-start-at-login'; enabled: boolean }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'separator'; id: string }
  | { kind: 'normal'; id: string; label: string; enabled: boolean; action?: TrayAction }
  | { kind: 'checkbox'; id: string; label: string; enabled: boolean; checked: boolean; action: TrayAction };

export type TrayIconState = 'idle' | 'active' | 'warning';

export const DEFAULT_MAX_TRAY_RULES = 25;
export const DEFAULT_MAX_RECENT_INSTANCES = 5;

const STATUS_TEXT: Record<SessionStatus, string> = {
  stopped: '',
  starting: 'starting…',
  active: '',
  reconnecting: 'reconnecting…',
  error: 'error',
};

/** A session counts as "on" (checked) while it holds or is getting its port. */
export function isRunning(status: SessionStatus): boolean {
  return status === 'starting' || status === 'active' || status === 'reconnecting';
}

/** What a click does: a running (or starting) session stops; a stopped or failed one (re)starts. */
export function toggleActionFor(name: string, status: SessionStatus): TrayAction {
  return isRunning(status) ? { type: 'stop', name } : { type: 'start', name };
}

/** "5432 → db.internal:5432", "SOCKS :1080", "remote 8080 ← :3000", "127.0.0.1:8080 ⇒ 10.2.0.2:8080". */
export function describeRule(rule: TrayRule): string {
  if (rule.kind === 'conduit') return `${rule.protocol === 'udp' ? 'udp ' : ''}${rule.bind} ⇒ ${rule.source}`;
  switch (rule.type) {
    case 'local':
      return `:${rule.local_port} → ${rule.remote_host ?? 'localhost'}:${rule.remote_port ?? '?'}`;
    case 'remote':
      return `${rule.host}:${rule.remote_port ?? '?'} → :${rule.local_port}`;
    case 'dynamic':
      return `SOCKS :${rule.local_port}`;
  }
}

/** "web-db  :5432 → i-0abc…:5432" (the instance's remote host when the forward goes beyond it). */
export function describeSsmRule(rule: SsmTrayRule): string {
  const far = rule.remote_host ? `${rule.remote_host}:${rule.remote_port} via ${rule.instance_id}` : `${rule.instance_id}:${rule.remote_port}`;
  return `:${rule.local_port} → ${far}`;
}

export function ssmRuleLabel(rule: SsmTrayRule, status: SessionStatus): string {
  const name = rule.name.trim() === '' ? '(unnamed)' : rule.name;
  const state = STATUS_TEXT[status];
  return `${name}  ${describeSsmRule(rule)}${state ? ` — ${state}` : ''}`;
}

export function ruleLabel(rule: TrayRule, status: SessionStatus): string {
  // Rule names are validated non-empty, but the menu must still say something if one is not.
  const name = rule.name.trim() === '' ? '(unnamed)' : rule.name;
  const state = STATUS_TEXT[status];
  return `${name}  ${describeRule(rule)}${state ? ` — ${state}` : ''}`;
}

function statusOf(sessions: readonly TraySession[]): Map<string, SessionStatus> {
  const map = new Map<string, SessionStatus>();
  for (const s of sessions) map.set(s.name, s.status);
  return map;
}

export function buildTrayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const max = Math.max(0, Math.floor(input.maxRules ?? DEFAULT_MAX_TRAY_RULES));
  const status = statusOf(input.sessions);
  // Sorted by name so the menu does not jump around when the store returns another order; a
  // duplicate name (cannot happen through the API) is shown once rather than twice.
  const seen = new Set<string>();
  const rules = [...input.rules]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true)));

  const items: TrayMenuItem[] = [];
  if (!input.engineReady) {
    items.push({ kind: 'normal', id: 'engine-unavailable', label: 'Warren engine is not responding', enabled: false });
  } else if (rules.length === 0) {
    items.push({ kind: 'normal', id: 'no-rules', label: 'No forwards yet — open Warren to add one', enabled: false });
  } else {
    for (const rule of rules.slice(0, max)) {
      const st = status.get(rule.name) ?? 'stopped';
      items.push({
        kind: 'checkbox',
        id: `rule:${rule.name}`,
        label: ruleLabel(rule, st),
        // A starting session has a request in flight; a second click would race it.
        enabled: st !== 'starting',
        checked: isRunning(st),
        action: toggleActionFor(rule.name, st),
      });
    }
    if (rules.length > max)
      items.push({ kind: 'normal', id: 'more-rules', label: `…and ${rules.length - max} more`, enabled: true, action: { type: 'open' } });
  }

  if (input.engineReady && input.recentInstances && input.recentInstances.length > 0) {
    // Quick-connect: the instance forwards used last, in that order, one click to (re)connect.
    const maxRecent = Math.max(0, Math.floor(input.maxRecentInstances ?? DEFAULT_MAX_RECENT_INSTANCES));
    const shown = new Set<string>();
    const recent = input.recentInstances.filter((r) => (shown.has(r.name) ? false : (shown.add(r.name), true)));
    items.push({ kind: 'separator', id: 'sep-instances' });
    items.push({ kind: 'normal', id: 'instances-header', label: 'Recent instance forwards', enabled: false });
    for (const rule of recent.slice(0, maxRecent)) {
      const st = status.get(rule.name) ?? 'stopped';
      items.push({
        kind: 'checkbox',
        id: `instance:${rule.name}`,
        label: ssmRuleLabel(rule, st),
        enabled: st !== 'starting',
        checked: isRunning(st),
        action: toggleActionFor(rule.name, st),
      });
    }
    if (recent.length > maxRecent)
      items.push({ kind: 'normal', id: 'more-instances', label: `All ${recent.length} instance forwards…`, enabled: true, action: { type: 'open' } });
  }

  items.push({ kind: 'separator', id: 'sep-rules' });
  items.push({ kind: 'normal', id: 'open', label: 'Open Warren', enabled: true, action: { type: 'open' } });
  if (input.startAtLogin !== 'unsupported')
    items.push({
      kind: 'checkbox',
      id: 'start-at-login',
      label: 'Start at login',
      enabled: true,
      checked: input.startAtLogin,
      action: { type: 'set-start-at-login', enabled: !input.startAtLogin },
    });
  items.push({ kind: 'separator', id: 'sep-quit' });
  items.push({ kind: 'normal', id: 'quit', label: 'Quit Warren', enabled: true, action: { type: 'quit' } });
  return items;
}

/** idle: nothing running; warning: something reconnecting or failed; active: running and healthy. */
export function trayIconState(sessions: readonly TraySession[]): TrayIconState {
  let running = false;
  for (const s of sessions) {
    if (s.status === 'reconnecting' || s.status === 'error') return 'warning';
    if (s.status === 'active' || s.status === 'starting') running = true;
  }
  return running ? 'active' : 'idle';
}

/** The tray tooltip: "Warren — 2 active, 1 reconnecting". */
export function trayTooltip(sessions: readonly TraySession[]): string {
  const counts = new Map<SessionStatus, number>();
  for (const s of sessions) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const order: SessionStatus[] = ['active', 'starting', 'reconnecting', 'error'];
  const parts = order.filter((k) => (counts.get(k) ?? 0) > 0).map((k) => `${counts.get(k)} ${k}`);
  return parts.length ? `Warren — ${parts.join(', ')}` : 'Warren — no active forwards';
}
