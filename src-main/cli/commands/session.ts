// warren session list|get
import type { Command } from 'commander';
import type { SessionInfo } from '../../../src-shared/api/index.js';
import type { CliContext } from '../context.js';
import { formatBytes, formatKeyValues, formatTable, paintStatus, uptimeSince } from '../format.js';
import { describeForward } from '../forward-spec.js';
import { withJson, type JsonFlag } from './shared.js';

function rtt(s: SessionInfo): string {
  return s.rtt_ms === undefined ? '-' : `${Math.round(s.rtt_ms)} ms`;
}

function uptime(s: SessionInfo, now: number): string {
  return s.status === 'active' || s.status === 'reconnecting' ? uptimeSince(s.connected_at, now) : '-';
}

/** "udp 127.0.0.1:5353 → 10.2.0.2:53" */
export function describeTunnel(s: { bind: string; source: string; protocol: string }): string {
  return `${s.protocol} ${s.bind} → ${s.source}`;
}

/** ":8080 → 80 on i-0123…" or ":5432 → db.internal:5432 via i-0123…" */
export function describeSsm(s: { instance_id: string; local_port: number; remote_port: number; remote_host?: string | undefined }): string {
  return s.remote_host ? `:${s.local_port} → ${s.remote_host}:${s.remote_port} via ${s.instance_id}` : `:${s.local_port} → ${s.remote_port} on ${s.instance_id}`;
}

export function registerSession(program: Command, ctx: CliContext): void {
  const session = program.command('session').description('forwards as they run: status, traffic, uptime');

  withJson(session.command('list').description('every session with its live state')).action(async (flags: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('session.list'));
    if (flags.json) return ctx.json(r);
    if (r.sessions.length === 0) return ctx.out('no sessions');
    const now = Date.now();
    ctx.out(
      formatTable(
        ['NAME', 'HOST', 'FORWARD', 'STATUS', 'UPTIME', 'SENT', 'RECEIVED', 'CONNS', 'RECONNECTS', 'RTT', 'LAST ERROR'],
        r.sessions.map((s) => [
          s.name,
          s.kind === 'ssh' ? s.host : s.kind === 'conduit' ? s.router : s.instance_id,
          s.kind === 'ssh' ? describeForward(s) : s.kind === 'conduit' ? describeTunnel(s) : describeSsm(s),
          paintStatus(s.status, ctx.colour),
          uptime(s, now),
          formatBytes(s.bytes_sent),
          formatBytes(s.bytes_received),
          String(s.active_connections),
          String(s.reconnect_count),
          rtt(s),
          s.last_error ?? '',
        ]),
      ),
    );
  });

  withJson(session.command('get <name>').description('one session in detail')).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { name };
    const s = await ctx.withClient((c) => c.call('session.get', { name }));
    if (flags.json) return ctx.json(s);
    const pairs: Array<[string, string]> = [
      ['name', s.name],
      ...(s.kind === 'ssh'
        ? ([
            ['host', s.host],
            ['type', s.type],
            ['forward', describeForward(s)],
          ] as Array<[string, string]>)
        : s.kind === 'conduit'
          ? ([
              ['router', s.router],
              ['router key', s.router_fingerprint ?? '-'],
              ['tunnel', describeTunnel(s)],
            ] as Array<[string, string]>)
          : ([
              ['instance', s.instance_id],
              ['profile', s.profile ?? '(default)'],
              ['region', s.region ?? '(from profile)'],
              ['forward', describeSsm(s)],
              ['ssm session', s.session_id ? `${s.session_id}${s.mode ? ` (${s.mode})` : ''}` : '-'],
            ] as Array<[string, string]>)),
      ['status', paintStatus(s.status, ctx.colour)],
      ['connected at', s.connected_at ?? '-'],
      ['uptime', uptime(s, Date.now())],
      ['sent', formatBytes(s.bytes_sent)],
      ['received', formatBytes(s.bytes_received)],
      ['connections', String(s.active_connections)],
      ['reconnects', String(s.reconnect_count)],
      ['rtt', rtt(s)],
    ];
    if (s.next_retry_at) pairs.push(['next retry', s.next_retry_at]);
    if (s.last_error) pairs.push(['last error', s.last_error]);
    ctx.out(formatKeyValues(pairs));
  });
}
