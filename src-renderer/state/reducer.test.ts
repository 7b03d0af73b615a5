import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSsmSettings } from '../../src-shared/domain/settings.js';
import { ErrorCode, type ConduitSessionInfo, type ConfigInfo, type ForwardInfo, type HostInfo, type SessionInfo, type SsmSessionInfo } from '../../src-shared/api/index.js';
import { forwardRows, initialState, promptForError, reducer, ssmRows, summarize, tunnelRows, type WarrenState } from './reducer.js';

const host: HostInfo = { name: 'prod', hostname: '127.0.0.1', port: 22, user: 'me', identity_file: [], proxy_jump: [], state: 'disconnected', active_forward_count: 0 };
const rule: ForwardInfo = { kind: 'ssh', name: 'web', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80, auto_connect: false };
const session: SessionInfo = {
  id: 'web', name: 'web', kind: 'ssh', host: 'prod', type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80,
  status: 'stopped', bytes_sent: 0, bytes_received: 0, active_connections: 0, reconnect_count: 0,
};
const tunnel: ConduitSessionInfo = {
  id: 'r-9000', name: 'db', kind: 'conduit', router: '10.0.0.1:9999', source: 'db:5432', bind: '127.0.0.1:9000', protocol: 'tcp',
  status: 'stopped', bytes_sent: 0, bytes_received: 0, active_connections: 0, reconnect_count: 0,
};
const config: ConfigInfo = {
  ssh_config_path: '~/.ssh/config',
  reconnect: { enabled: true, max_retries: 10, initial_delay: '1s', max_delay: '60s' },
  session: { auto_restore: true, max_sessions_per_instance: 3 },
  log: { level: 'info' },
  ssm: defaultSsmSettings(),
};
const keyInfo = { host: 'prod', hostname: '127.0.0.1', port: 2222, key_type: 'ssh-ed25519', fingerprint: 'SHA256:abc', known_hosts_file: '/k' };

function loaded(): WarrenState {
  return reducer(initialState, { type: 'loaded', hosts: [host], forwards: [rule], sessions: [session], config });
}

describe('reducer', () => {
  it('loads everything and lists one row per rule', () => {
    const s = loaded();
    expect(s.loaded).toBe(true);
    expect(forwardRows(s)).toEqual([{ rule, session, status: 'stopped' }]);
    expect(forwardRows({ forwards: [rule], sessions: {} })[0]!.status).toBe('stopped');
  });

  it('takes the session snapshot from event.forward and clears a row error once active', () => {
    let s = reducer(loaded(), { type: 'row-error', name: 'web', error: 'boom' });
    s = reducer(s, { type: 'event.forward', event: { type: 'active', name: 'web', host: 'prod', session: { ...session, status: 'active' } } });
    expect(s.sessions['web']!.status).toBe('active');
    expect(s.rowErrors).toEqual({});
  });

  it('removes a deleted rule and its session', () => {
    const s = reducer(loaded(), { type: 'event.forward', event: { type: 'deleted', name: 'web', host: 'prod' } });
    expect(s.forwards).toEqual([]);
    expect(s.sessions).toEqual({});
  });

  it('merges metrics into known sessions only, and returns the same state when none is known', () => {
    const s = reducer(loaded(), {
      type: 'event.metrics',
      event: { sessions: [{ name: 'web', status: 'active', bytes_sent: 10, bytes_received: 20, uptime: '1s', active_connections: 1, reconnect_count: 2, rtt_ms: 3 }] },
    });
    expect(s.sessions['web']).toMatchObject({ status: 'active', bytes_sent: 10, bytes_received: 20, active_connections: 1, reconnect_count: 2, rtt_ms: 3 });
    const before = loaded();
    expect(reducer(before, { type: 'event.metrics', event: { sessions: [{ ...s.sessions['web']!, name: 'other', uptime: '1s' }] } })).toBe(before);
  });

  it('tracks host state from event.ssh and opens the trust prompt for code 1008', () => {
    let s = reducer(loaded(), { type: 'event.ssh', event: { type: 'connected', host: 'prod' } });
    expect(s.hosts[0]!.state).toBe('connected');
    s = reducer(s, { type: 'event.ssh', event: { type: 'error', host: 'prod', error: 'unknown key', code: ErrorCode.HostKeyUnknown, data: keyInfo } });
    expect(s.hosts[0]).toMatchObject({ state: 'error', last_error: 'unknown key' });
    expect(s.prompt).toEqual({ kind: 'unknown-key', info: keyInfo });
  });

  it('keeps a prompt that knows what to retry when an event offers another', () => {
    let s = reducer(loaded(), { type: 'prompt', prompt: { kind: 'unknown-key', info: keyInfo, retry: 'web' } });
    s = reducer(s, { type: 'event.ssh', event: { type: 'error', host: 'prod', code: ErrorCode.HostKeyChanged, data: keyInfo } });
    expect(s.prompt).toEqual({ kind: 'unknown-key', info: keyInfo, retry: 'web' });
  });

  it('busy flags come and go', () => {
    let s = reducer(loaded(), { type: 'busy', name: 'web', busy: true });
    expect(s.busy).toEqual({ web: true });
    s = reducer(s, { type: 'busy', name: 'web', busy: false });
    expect(s.busy).toEqual({});
  });

  it('rows are sorted by name whatever order rules arrive in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { maxLength: 12 }), (names) => {
        const rows = forwardRows({ forwards: names.map((name) => ({ ...rule, name })), sessions: {} });
        expect(rows.map((r) => r.rule.name)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      }),
    );
  });
});

describe('conduit sessions beside SSH forwards', () => {
  function withTunnel(): WarrenState {
    return reducer(initialState, { type: 'loaded', hosts: [host], forwards: [rule], sessions: [session, tunnel], config });
  }

  it('lists tunnels from their sessions and keeps them out of the SSH rows', () => {
    const s = withTunnel();
    expect(forwardRows(s)).toEqual([{ rule, session, status: 'stopped' }]);
    expect(tunnelRows(s)).toEqual([{ session: tunnel, status: 'stopped' }]);
  });

  it('never pairs an SSH rule with a conduit session of the same name', () => {
    const rows = forwardRows({ forwards: [rule], sessions: { web: { ...tunnel, name: 'web', status: 'active' } } });
    expect(rows[0]).toEqual({ rule, session: undefined, status: 'stopped' });
  });

  it('a tunnel appears on "added", follows events and metrics, and goes on "deleted"', () => {
    let s = loaded();
    s = reducer(s, { type: 'event.forward', event: { type: 'added', name: 'db', host: tunnel.router, session: tunnel } });
    expect(tunnelRows(s).map((r) => r.session.name)).toEqual(['db']);
    s = reducer(s, { type: 'event.forward', event: { type: 'active', name: 'db', host: tunnel.router, session: { ...tunnel, status: 'active', router_fingerprint: 'SHA256:x' } } });
    s = reducer(s, {
      type: 'event.metrics',
      event: { sessions: [{ name: 'db', status: 'active', bytes_sent: 5, bytes_received: 7, uptime: '1s', active_connections: 1, reconnect_count: 0, rtt_ms: 2 }] },
    });
    expect(tunnelRows(s)[0]).toMatchObject({ status: 'active', session: { kind: 'conduit', bytes_sent: 5, bytes_received: 7, router_fingerprint: 'SHA256:x', rtt_ms: 2 } });
    s = reducer(s, { type: 'event.forward', event: { type: 'deleted', name: 'db', host: '' } });
    expect(tunnelRows(s)).toEqual([]);
    expect(forwardRows(s)).toHaveLength(1);
  });

  it('an ssh event leaves tunnels alone', () => {
    const before = withTunnel();
    const after = reducer(before, { type: 'event.ssh', event: { type: 'connected', host: '10.0.0.1:9999' } });
    expect(after.sessions).toBe(before.sessions);
  });

  it('summarizes both kinds', () => {
    let s = withTunnel();
    s = reducer(s, { type: 'event.forward', event: { type: 'active', name: 'db', host: tunnel.router, session: { ...tunnel, status: 'active' } } });
    expect(summarize(s)).toEqual({ active: 1, total: 2, ssh: { active: 0, total: 1 }, conduit: { active: 1, total: 1 }, ssm: { active: 0, total: 0 } });
  });
});

describe('SSM forwards beside the others', () => {
  const ssm: SsmSessionInfo = {
    id: 'web-ssm', name: 'web-ssm', kind: 'ssm', instance_id: 'i-0123456789abcdef0', local_port: 15432, remote_port: 5432,
    status: 'stopped', bytes_sent: 0, bytes_received: 0, active_connections: 0, reconnect_count: 0,
  };
  function withSsm(): WarrenState {
    return reducer(initialState, { type: 'loaded', hosts: [host], forwards: [rule], sessions: [session, tunnel, ssm], config });
  }

  it('lists SSM forwards from their sessions, apart from SSH rows and tunnels', () => {
    const s = withSsm();
    expect(ssmRows(s)).toEqual([{ session: ssm, status: 'stopped' }]);
    expect(tunnelRows(s).map((r) => r.session.name)).toEqual(['db']);
    expect(forwardRows(s).map((r) => r.rule.name)).toEqual(['web']);
  });

  it('never pairs an SSH rule with an SSM session of the same name', () => {
    expect(forwardRows({ forwards: [rule], sessions: { web: { ...ssm, name: 'web', status: 'active' } } })[0]!.session).toBeUndefined();
  });

  it('follows events and metrics, goes on "deleted", and counts in the summary', () => {
    let s = withSsm();
    s = reducer(s, { type: 'event.forward', event: { type: 'active', name: 'web-ssm', host: ssm.instance_id, session: { ...ssm, status: 'active', session_id: 's-1', mode: 'mux' } } });
    s = reducer(s, {
      type: 'event.metrics',
      event: { sessions: [{ name: 'web-ssm', status: 'active', bytes_sent: 9, bytes_received: 11, uptime: '1s', active_connections: 1, reconnect_count: 0 }] },
    });
    expect(ssmRows(s)[0]).toMatchObject({ status: 'active', session: { kind: 'ssm', session_id: 's-1', mode: 'mux', bytes_sent: 9, bytes_received: 11 } });
    expect(summarize(s)).toMatchObject({ active: 1, total: 3, ssm: { active: 1, total: 1 } });
    s = reducer(s, { type: 'event.forward', event: { type: 'deleted', name: 'web-ssm', host: '' } });
    expect(ssmRows(s)).toEqual([]);
  });
});

describe('promptForError', () => {
  it('maps 1008, 1009 and 1010 to their prompts', () => {
    expect(promptForError(ErrorCode.HostKeyUnknown, keyInfo, { retry: 'web' })).toEqual({ kind: 'unknown-key', info: keyInfo, retry: 'web' });
    expect(promptForError(ErrorCode.HostKeyChanged, keyInfo, { retry: 'web' })).toEqual({ kind: 'changed-key', info: keyInfo });
    expect(promptForError(ErrorCode.PassphraseRequired, { key_path: '/k/id' }, { retry: 'web', host: 'prod' })).toEqual({ kind: 'passphrase', host: 'prod', keyPath: '/k/id', retry: 'web' });
  });
  it('ignores other codes and malformed data', () => {
    expect(promptForError(ErrorCode.PortConflict, keyInfo)).toBeUndefined();
    expect(promptForError(ErrorCode.HostKeyUnknown, { host: 'x' })).toBeUndefined();
    expect(promptForError(ErrorCode.PassphraseRequired, { key_path: '/k' })).toBeUndefined();
  });
});
