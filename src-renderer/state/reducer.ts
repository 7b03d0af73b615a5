// The window's state and how each event changes it. Pure, so every transition is unit-tested; the
// hook in use-warren.ts feeds it the initial load and then live notifications (no polling).
import {
  ErrorCode,
  hostKeyInfoSchema,
  type ConfigInfo,
  type ConnectionState,
  type ForwardEvent,
  type ForwardInfo,
  type HostInfo,
  type HostKeyInfo,
  type MetricsEvent,
  type ConduitSessionInfo,
  type SessionInfo,
  type SshEvent,
  type SshSessionInfo,
  type SsmSessionInfo,
} from '../../src-shared/api/index.js';
import type { ConnectionStatus } from '../api/carrier.js';

export type Prompt =
  | { kind: 'unknown-key'; info: HostKeyInfo; retry?: string }
  | { kind: 'changed-key'; info: HostKeyInfo }
  | { kind: 'passphrase'; host: string; keyPath: string; retry?: string; error?: string };

export interface WarrenState {
  connection: ConnectionStatus;
  loaded: boolean;
  loadError?: string;
  hosts: HostInfo[];
  forwards: ForwardInfo[];
  sessions: Record<string, SessionInfo>;
  config?: ConfigInfo;
  prompt?: Prompt;
  /** Errors of calls made from a row (start/stop), shown in that row until it next succeeds. */
  rowErrors: Record<string, string>;
  /** Rows with a start/stop call in flight. */
  busy: Record<string, boolean>;
}

export type Action =
  | { type: 'connection'; status: ConnectionStatus }
  | { type: 'loaded'; hosts: HostInfo[]; forwards: ForwardInfo[]; sessions: SessionInfo[]; config: ConfigInfo }
  | { type: 'load-failed'; error: string }
  | { type: 'rules'; forwards: ForwardInfo[]; sessions: SessionInfo[] }
  | { type: 'hosts'; hosts: HostInfo[] }
  | { type: 'config'; config: ConfigInfo }
  | { type: 'event.forward'; event: ForwardEvent }
  | { type: 'event.metrics'; event: MetricsEvent }
  | { type: 'event.ssh'; event: SshEvent }
  | { type: 'busy'; name: string; busy: boolean }
  | { type: 'row-error'; name: string; error?: string }
  | { type: 'prompt'; prompt?: Prompt };

export const initialState: WarrenState = {
  connection: 'connecting',
  loaded: false,
  hosts: [],
  forwards: [],
  sessions: {},
  rowErrors: {},
  busy: {},
};

function byName(sessions: SessionInfo[]): Record<string, SessionInfo> {
  return Object.fromEntries(sessions.map((s) => [s.name, s]));
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

const sshStateFor: Record<SshEvent['type'], ConnectionState> = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
  reconnecting: 'reconnecting',
  error: 'error',
};

/** The prompt an API error asks for (unknown/changed host key, passphrase), if any. */
export function promptForError(code: number, data: unknown, ctx: { retry?: string; host?: string } = {}): Prompt | undefined {
  const { retry } = ctx;
  if (code === ErrorCode.HostKeyUnknown || code === ErrorCode.HostKeyChanged) {
    const info = hostKeyInfoSchema.safeParse(data);
    if (!info.success) return undefined;
    return code === ErrorCode.HostKeyUnknown ? { kind: 'unknown-key', info: info.data, ...(retry ? { retry } : {}) } : { kind: 'changed-key', info: info.data };
  }
  if (code === ErrorCode.PassphraseRequired && data && typeof data === 'object') {
    // data is { key_path } and may name the host; otherwise the caller knows which host it was.
    const d = data as { host?: unknown; key_path?: unknown };
    const host = typeof d.host === 'string' ? d.host : ctx.host;
    if (host && typeof d.key_path === 'string') return { kind: 'passphrase', host, keyPath: d.key_path, ...(retry ? { retry } : {}) };
  }
  return undefined;
}

export function reducer(state: WarrenState, action: Action): WarrenState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.status };
    case 'loaded':
      return {
        ...state,
        loaded: true,
        loadError: undefined,
        hosts: action.hosts,
        forwards: action.forwards,
        sessions: byName(action.sessions),
        config: action.config,
      };
    case 'load-failed':
      return { ...state, loadError: action.error };
    case 'rules':
      return { ...state, forwards: action.forwards, sessions: byName(action.sessions) };
    case 'hosts':
      return { ...state, hosts: action.hosts };
    case 'config':
      return { ...state, config: action.config };
    case 'event.forward': {
      const e = action.event;
      if (e.type === 'deleted')
        return {
          ...state,
          forwards: state.forwards.filter((f) => f.name !== e.name),
          sessions: without(state.sessions, e.name),
          rowErrors: without(state.rowErrors, e.name),
        };
      const sessions = e.session ? { ...state.sessions, [e.name]: e.session } : state.sessions;
      const rowErrors = e.type === 'active' || e.type === 'started' ? without(state.rowErrors, e.name) : state.rowErrors;
      return { ...state, sessions, rowErrors };
    }
    case 'event.metrics': {
      let changed = false;
      const sessions = { ...state.sessions };
      for (const m of action.event.sessions) {
        const s = sessions[m.name];
        if (!s) continue;
        changed = true;
        sessions[m.name] = {
          ...s,
          status: m.status,
          bytes_sent: m.bytes_sent,
          bytes_received: m.bytes_received,
          active_connections: m.active_connections,
          reconnect_count: m.reconnect_count,
          rtt_ms: m.rtt_ms,
        };
      }
      return changed ? { ...state, sessions } : state;
    }
    case 'event.ssh': {
      const e = action.event;
      const hosts = state.hosts.map((h) =>
        h.name === e.host ? { ...h, state: sshStateFor[e.type], last_error: e.type === 'error' ? e.error : e.type === 'connected' ? undefined : h.last_error } : h,
      );
      // A prompt opened by a failed call (it knows what to retry) wins over one from an event.
      const prompt = state.prompt ?? (e.type === 'error' && e.code !== undefined ? promptForError(e.code, e.data, { host: e.host }) : undefined);
      return { ...state, hosts, prompt };
    }
    case 'busy':
      return { ...state, busy: action.busy ? { ...state.busy, [action.name]: true } : without(state.busy, action.name) };
    case 'row-error':
      return { ...state, rowErrors: action.error ? { ...state.rowErrors, [action.name]: action.error } : without(state.rowErrors, action.name) };
    case 'prompt':
      return { ...state, prompt: action.prompt };
  }
}

/** One row per saved SSH rule, with its live session (or a stopped placeholder). */
export interface ForwardRow {
  rule: ForwardInfo;
  session: SshSessionInfo | undefined;
  status: SessionInfo['status'];
}

/** One row per conduit tunnel: forward.list has SSH rules only, so a tunnel is its session. */
export interface TunnelRow {
  session: ConduitSessionInfo;
  status: SessionInfo['status'];
}

/** One row per SSM forward (kind "ssm"), from its session like a tunnel: forward.list has SSH rules only. */
export interface SsmRow {
  session: SsmSessionInfo;
  status: SessionInfo['status'];
}

export function forwardRows(state: Pick<WarrenState, 'forwards' | 'sessions'>): ForwardRow[] {
  return [...state.forwards]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((rule) => {
      const s = state.sessions[rule.name];
      const session = s?.kind === 'ssh' ? s : undefined;
      return { rule, session, status: session?.status ?? 'stopped' };
    });
}

export function tunnelRows(state: Pick<WarrenState, 'sessions'>): TunnelRow[] {
  return Object.values(state.sessions)
    .filter((s): s is ConduitSessionInfo => s.kind === 'conduit')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((session) => ({ session, status: session.status }));
}

export function ssmRows(state: Pick<WarrenState, 'sessions'>): SsmRow[] {
  return Object.values(state.sessions)
    .filter((s): s is SsmSessionInfo => s.kind === 'ssm')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((session) => ({ session, status: session.status }));
}

/** The header's "n/m active", over SSH forwards, conduit tunnels and SSM forwards, with a count per kind. */
export interface Summary {
  active: number;
  total: number;
  ssh: { active: number; total: number };
  conduit: { active: number; total: number };
  ssm: { active: number; total: number };
}

export function summarize(state: Pick<WarrenState, 'forwards' | 'sessions'>): Summary {
  const count = (rows: Array<{ status: SessionInfo['status'] }>) => ({ active: rows.filter((r) => r.status === 'active').length, total: rows.length });
  const ssh = count(forwardRows(state));
  const conduit = count(tunnelRows(state));
  const ssm = count(ssmRows(state));
  return { active: ssh.active + conduit.active + ssm.active, total: ssh.total + conduit.total + ssm.total, ssh, conduit, ssm };
}
