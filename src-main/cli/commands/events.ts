// warren events: follow what the daemon does, one line per notification, until Ctrl-C.
import type { Command } from 'commander';
import { eventTypeSchema, notifications, type EventType, type NotificationName, type NotificationPayload } from '../../../src-shared/api/index.js';
import { usageError } from '../cli-error.js';
import { formatProgress } from './diagnose-format.js';
import { formatEfsProgress } from './efs-format.js';
import { formatFixProgress } from './fix-format.js';
import type { CliContext } from '../context.js';
import { formatBytes, paint, paintStatus } from '../format.js';
import { followUntilStopped } from './follow.js';
import { withJson, type JsonFlag } from './shared.js';

export function parseEventTypes(text: string): EventType[] {
  const types = [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  const parsed = types.map((t) => eventTypeSchema.safeParse(t));
  const bad = types.filter((_, i) => !parsed[i]?.success);
  if (bad.length || types.length === 0) throw usageError(`--types takes a comma list of ${eventTypeSchema.options.join(', ')}${bad.length ? `, got "${bad.join(', ')}"` : ''}`);
  return types as EventType[];
}

/** One human line for one notification. */
export function describeEvent(method: NotificationName, params: NotificationPayload<NotificationName>, colour: boolean, at: Date): string {
  const time = paint(at.toTimeString().slice(0, 8), 'dim', colour);
  if (method === 'event.ssh') {
    const e = params as NotificationPayload<'event.ssh'>;
    return `${time} ssh      ${e.host} ${e.type}${e.error ? `: ${e.error}` : ''}`;
  }
  if (method === 'event.forward') {
    const e = params as NotificationPayload<'event.forward'>;
    const status = e.session ? ` (${paintStatus(e.session.status, colour)})` : '';
    return `${time} forward  ${e.name} ${e.type}${status}${e.error ? `: ${e.error}` : ''}`;
  }
  if (method === 'event.fix') {
    const e = params as NotificationPayload<'event.fix'>;
    return `${time} fix      ${e.instance_id} ${formatFixProgress(e) ?? `${e.action} ${e.status}: ${e.message}`}`;
  }
  if (method === 'event.diagnose') {
    const e = params as NotificationPayload<'event.diagnose'>;
    return `${time} diagnose ${e.instance_id} ${formatProgress(e)}`;
  }
  if (method === 'event.efs') {
    const e = params as NotificationPayload<'event.efs'>;
    return `${time} efs      ${e.name} ${formatEfsProgress(e) ?? e.message}`;
  }
  if (method === 'event.prompt') {
    const e = params as NotificationPayload<'event.prompt'>;
    const what = e.kind === 'mfa' ? `MFA code for ${e.mfa_serial ?? '?'}` : `SSO sign-in at ${e.verification_uri_complete ?? e.verification_uri ?? '?'} (code ${e.user_code ?? '?'})`;
    return `${time} prompt   ${e.id} ${e.status} profile ${e.profile}: ${what}${e.status === 'open' ? ` — answer with \`warren aws answer ${e.id}\`` : ''}`;
  }
  const e = params as NotificationPayload<'event.metrics'>;
  const parts = e.sessions.map((s) => `${s.name} ${s.status} ↑${formatBytes(s.bytes_sent)} ↓${formatBytes(s.bytes_received)}`);
  return `${time} metrics  ${parts.join('; ') || 'no sessions'}`;
}

export function registerEvents(program: Command, ctx: CliContext): void {
  withJson(
    program
      .command('events')
      .description('print events as they happen until Ctrl-C')
      .option('--types <list>', 'which events: ssh,forward,metrics,diagnose,fix,prompt,efs', 'ssh,forward,metrics'),
  ).action(async (flags: JsonFlag & { types: string }) => {
    const types = parseEventTypes(flags.types);
    const { client, carrier } = await ctx.connect();
    try {
      carrier.onNotification((method, params) => {
        if (!Object.prototype.hasOwnProperty.call(notifications, method)) return;
        const name = method as NotificationName;
        if (flags.json) ctx.io.stdout.write(`${JSON.stringify({ method: name, params })}\n`);
        else ctx.out(describeEvent(name, params as NotificationPayload<NotificationName>, ctx.colour, new Date()));
      });
      const { subscription_id } = await client.call('events.subscribe', { types });
      // On stderr, so stdout stays pure event lines; it also tells scripts the subscription is live.
      ctx.err(`listening for ${types.join(', ')} events (Ctrl-C to stop)`);
      // Until Ctrl-C / SIGTERM, or the daemon going away (which is an error: exit 3).
      await followUntilStopped(carrier, subscription_id);
    } finally {
      await carrier.close();
    }
  });
}
