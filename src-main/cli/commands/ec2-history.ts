// warren ec2 history [NAME] [--instance-id ID] [--limit N]: each SSM session a forward rode (first
// connect, reconnects, make-before-break replacements) with its connection time and latency, and a
// summary line (EC2 Connect property 11: connection time recorded, performance statistics kept).
import type { Command } from 'commander';
import type { LinkConnection, LinkHistorySummary } from '../../../src-shared/api/index.js';
import type { CliContext } from '../context.js';
import { formatDuration, formatTable } from '../format.js';
import { parseIntOption, withJson, type JsonFlag } from './shared.js';

const ms = (v: number | undefined): string => (v === undefined ? '-' : `${Math.round(v * 10) / 10} ms`);

function lived(c: LinkConnection, now: number): string {
  const end = c.closed_at ? Date.parse(c.closed_at) : now;
  return formatDuration(Math.max(0, end - Date.parse(c.connected_at)));
}

export function formatSummary(s: LinkHistorySummary): string {
  if (s.connections === 0) return 'no sessions recorded yet';
  const connect = `connect ${ms(s.connect_ms_p50)} median, ${ms(s.connect_ms_avg)} mean, ${ms(s.connect_ms_max)} worst`;
  const rtt = s.rtt_samples > 0 ? `latency ${ms(s.rtt_ms_avg)} mean (${ms(s.rtt_ms_min)}–${ms(s.rtt_ms_max)}, ${s.rtt_samples} probes)` : 'no latency samples yet';
  return `${s.connections} session${s.connections === 1 ? '' : 's'}: ${connect}; ${rtt}`;
}

export function registerEc2History(ec2: Command, ctx: CliContext): void {
  withJson(
    ec2
      .command('history [name]')
      .description('connection time and latency of each SSM session, newest first')
      .option('--instance-id <id>', 'only sessions to this instance')
      .option('--limit <n>', 'at most this many rows (1-1000)', parseIntOption('--limit', 1, 1000), 20),
  ).action(async (name: string | undefined, f: JsonFlag & { instanceId?: string; limit: number }) => {
    const r = await ctx.withClient((c) =>
      c.call('ec2.history', { ...(name ? { name } : {}), ...(f.instanceId ? { instance_id: f.instanceId } : {}), limit: f.limit }),
    );
    if (f.json) return ctx.json(r);
    const now = Date.now();
    if (r.connections.length > 0)
      ctx.out(
        formatTable(
          ['FORWARD', 'INSTANCE', 'SSM SESSION', 'WHY', 'CONNECT', 'RTT (MEAN)', 'LIVED', 'ENDED'],
          r.connections.map((c) => [c.rule_name, c.target, c.remote_id ?? '-', c.reason, ms(c.connect_ms), ms(c.rtt_avg_ms), lived(c, now), c.closed_at ? (c.close_reason ?? '') : 'live']),
        ),
      );
    ctx.out(formatSummary(r.summary));
  });
}
