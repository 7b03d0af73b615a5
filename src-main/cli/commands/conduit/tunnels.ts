// warren conduit start|up|down|list|kill|status: Conduit's client verbs, served by the daemon's
// engine (tunnels are rules of kind "conduit" beside the SSH forwards). With --foreground, this
// process runs the engine itself and stays up: what service files run.
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { ConduitUpParams, ResultOf, WarrenClient } from '../../../../src-shared/api/index.js';
import { formatHostPort } from '../../../../src-shared/logic/source-pattern.js';
import { loadClientConfig } from '../../../transports/conduit/config/client-config.js';
import { resolveClientSettings } from '../../../transports/conduit/config/client-settings.js';
import { defaultClientKeyPath } from '../../../transports/conduit/client-key-store.js';
import type { CliContext } from '../../context.js';
import { formatBytes, formatKeyValues, formatTable, paint, paintStatus, uptimeSince } from '../../format.js';
import { withJson, type JsonFlag } from '../shared.js';
import { describeTunnel } from '../session.js';

interface KeyFlags {
  routerKey?: string;
  key?: string;
}

function keyOptions(cmd: Command): Command {
  return cmd
    .option('--router-key <pin>', "pin the router's key: its fingerprint SHA256:… or its public key line (default: trust on first use, recorded in known_routers)")
    .option('--key <path>', 'client private key (default: $WARREN_HOME/keys/conduit.key)');
}

/** Runs `apply` against a daemon: the running one, or (with --foreground) one in this process that stays up. */
async function withEngine(ctx: CliContext, foreground: boolean, apply: (c: WarrenClient) => Promise<void>): Promise<void> {
  if (!foreground) return ctx.withClient((c) => apply(c));
  const { runDaemon } = await import('../../../daemon.js');
  ctx.exitCode = await runDaemon({
    home: ctx.paths.home,
    browser: false,
    logToStderr: true,
    settings: {},
    onReady: () => {
      void ctx
        .withClient((c) => apply(c))
        .catch((e: unknown) => {
          ctx.err(`warren: ${e instanceof Error ? e.message : String(e)}`);
          process.kill(process.pid, 'SIGTERM');
        });
    },
  });
}

function printOutcomes(ctx: CliContext, r: ResultOf<'conduit.up'>): void {
  for (const t of r.tunnels) ctx.out(`${t.name}: ${paintStatus(t.status, ctx.colour)}${t.error ? ` (${t.error})` : ''}`);
}

export function registerConduitTunnels(conduit: Command, ctx: CliContext): void {
  withJson(
    keyOptions(
      conduit
        .command('start')
        .description('start one tunnel: connections to --bind reach --source through the router')
        .requiredOption('--router <host:port>', 'the router (e.g. 10.2.0.1:9999)')
        .requiredOption('--source <host:port|name>', 'the service as the router sees it, or a source name the router defines')
        .requiredOption('--bind <host:port>', 'where to listen here (e.g. 127.0.0.1:8080)')
        .option('--name <name>', 'tunnel name (default <routerhost>-<bindport>)')
        .addOption(new Option('--protocol <protocol>', 'tcp or udp').choices(['tcp', 'udp']).default('tcp'))
        .option('--auto-connect', 'start this tunnel whenever Warren starts')
        .option('--foreground', 'run the engine in this process and stay up (for service managers)'),
    ),
  ).action(
    async (
      flags: KeyFlags & JsonFlag & { router: string; source: string; bind: string; name?: string; protocol: 'tcp' | 'udp'; autoConnect?: boolean; foreground?: boolean },
    ) => {
      await withEngine(ctx, flags.foreground === true, async (c) => {
        const p = ctx.progress(`starting tunnel ${flags.bind} → ${flags.router} → ${flags.source} …`);
        let r: ResultOf<'conduit.start'>;
        try {
          r = await c.call('conduit.start', {
            router: flags.router,
            source: flags.source,
            bind: flags.bind,
            protocol: flags.protocol,
            auto_connect: flags.autoConnect === true,
            ...(flags.name ? { name: flags.name } : {}),
            ...(flags.routerKey ? { router_key: flags.routerKey } : {}),
            ...(flags.key ? { private_key_path: path.resolve(flags.key) } : {}),
          });
        } finally {
          p.done();
        }
        if (flags.json) return ctx.json(r);
        ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)} (${flags.protocol} ${flags.bind} → ${flags.router} → ${flags.source})`);
      });
    },
  );

  withJson(
    keyOptions(
      conduit
        .command('up')
        .description('start every tunnel of a conduit.toml (updating ones that changed)')
        .option('-f, --file <conduit.toml>', 'the config file', 'conduit.toml')
        .option('--router <host:port>', 'override [router] host/port')
        .option('--foreground', 'run the engine in this process and stay up (for service managers)'),
    ),
  ).action(async (flags: KeyFlags & JsonFlag & { file: string; router?: string; foreground?: boolean }) => {
    const file = await loadClientConfig(flags.file);
    const settings = resolveClientSettings({
      cli: { ...(flags.router ? { router: flags.router } : {}), ...(flags.key ? { privateKeyPath: flags.key } : {}), ...(flags.routerKey ? { routerKey: flags.routerKey } : {}) },
      env: process.env,
      file,
      defaults: { privateKeyPath: defaultClientKeyPath(ctx.paths.home) },
    });
    const params: ConduitUpParams = {
      router: formatHostPort(settings.router.host, settings.router.port),
      tunnels: file.tunnels.map((t) => ({ name: t.name, source: t.source, bind: t.bind, protocol: t.protocol })),
      ...(settings.routerKey ? { router_key: settings.routerKey } : {}),
      // The default key needs no path: the daemon knows its own $WARREN_HOME.
      ...(settings.origin.privateKeyPath !== 'default' ? { private_key_path: settings.privateKeyPath } : {}),
    };
    await withEngine(ctx, flags.foreground === true, async (c) => {
      const p = ctx.progress(`starting ${params.tunnels.length} tunnel(s) from ${flags.file} via ${params.router} …`);
      let r: ResultOf<'conduit.up'>;
      try {
        r = await c.call('conduit.up', params);
      } finally {
        p.done();
      }
      if (flags.json) return ctx.json(r);
      printOutcomes(ctx, r);
      if (r.tunnels.some((t) => t.error)) ctx.exitCode = 3;
    });
  });

  withJson(conduit.command('down').description('stop and remove the tunnels of a conduit.toml').option('-f, --file <conduit.toml>', 'the config file', 'conduit.toml')).action(
    async (flags: JsonFlag & { file: string }) => {
      const file = await loadClientConfig(flags.file);
      const r = await ctx.withClient((c) => c.call('conduit.down', { names: file.tunnels.map((t) => t.name) }));
      if (flags.json) return ctx.json(r);
      for (const n of r.removed) ctx.out(`${n}: removed`);
      for (const n of r.missing) ctx.out(`${n}: not running (no such tunnel)`);
    },
  );

  withJson(conduit.command('list').description('tunnels with their state, traffic and connections')).action(async (flags: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('conduit.list'));
    if (flags.json) return ctx.json(r);
    if (r.tunnels.length === 0) return ctx.out('no conduit tunnels (start one with `warren conduit start` or `warren conduit up`)');
    const now = Date.now();
    ctx.out(
      formatTable(
        ['NAME', 'ROUTER', 'TUNNEL', 'STATUS', 'UPTIME', 'SENT', 'RECEIVED', 'CONNS', 'RECONNECTS', 'LAST ERROR'],
        r.tunnels.map((t) => [
          t.name,
          t.router,
          describeTunnel(t),
          paintStatus(t.status, ctx.colour),
          t.status === 'active' ? uptimeSince(t.connected_at, now) : '-',
          formatBytes(t.bytes_sent),
          formatBytes(t.bytes_received),
          String(t.active_connections),
          String(t.reconnect_count),
          t.last_error ?? '',
        ]),
      ),
    );
  });

  withJson(
    conduit
      .command('kill')
      .description('stop a tunnel (--tunnel NAME) or every tunnel (--all); they stay saved')
      .option('--tunnel <name>', 'the tunnel to stop')
      .option('--all', 'stop every conduit tunnel'),
  ).action(async (flags: JsonFlag & { tunnel?: string; all?: boolean }) => {
    if ((flags.tunnel === undefined) === (flags.all !== true)) {
      ctx.err('warren conduit kill: give either --tunnel NAME or --all');
      ctx.exitCode = 2;
      return;
    }
    const r = await ctx.withClient((c) => c.call('conduit.kill', flags.all ? { all: true } : { tunnel: flags.tunnel! }));
    if (flags.json) return ctx.json(r);
    ctx.out(r.stopped.length ? r.stopped.map((n) => `${n}: stopped`).join('\n') : 'nothing was running');
  });

  withJson(conduit.command('status').description('key, tunnels and router links at a glance')).action(async (flags: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('conduit.status'));
    if (flags.json) return ctx.json(r);
    const k = r.key;
    ctx.out(
      formatKeyValues([
        ['key', k.exists ? `${k.fingerprint} (${k.path}, ${k.age_days ?? 0} days old)` : `none at ${k.path}: run \`warren conduit init\``],
        ['tunnels', `${r.tunnels.total} (${r.tunnels.active} active, ${r.tunnels.reconnecting} reconnecting, ${r.tunnels.error} error, ${r.tunnels.stopped} stopped)`],
      ]),
    );
    for (const w of k.warnings) ctx.out(paint(`warning: ${w}`, 'yellow', ctx.colour));
    if (r.routers.length) {
      ctx.out('');
      ctx.out(
        formatTable(
          ['ROUTER', 'STATE', 'KEY', 'RTT', 'TUNNELS', 'LAST ERROR'],
          r.routers.map((x) => [x.router, paintStatus(x.state, ctx.colour), x.fingerprint ?? '-', x.rtt_ms === undefined ? '-' : `${x.rtt_ms.toFixed(1)} ms`, x.tunnels.join(', '), x.last_error ?? '']),
        ),
      );
    }
  });
}
