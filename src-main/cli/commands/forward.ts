// warren forward list|add|delete|start|stop|update
import type { Command } from 'commander';
import type { ForwardInfo, SessionStatus } from '../../../src-shared/api/index.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { formatTable, paintStatus } from '../format.js';
import {
  ForwardSpecError,
  describeForward,
  fieldsFromOptions,
  parseForwardSpec,
  parsePort,
  type ForwardFields,
} from '../forward-spec.js';
import { withJson, type JsonFlag } from './shared.js';

interface SpecFlags {
  local?: string;
  remote?: string;
  dynamic?: string;
  type?: string;
  localPort?: string;
  remoteHost?: string;
  remotePort?: string;
}

function addSpecOptions(cmd: Command): Command {
  return cmd
    .option('-L, --local <spec>', 'local forward, ssh style: local_port:remote_host:remote_port')
    .option('-R, --remote <spec>', 'remote forward, ssh style: [bind_address:]remote_port:localhost:local_port')
    .option('-D, --dynamic <port>', 'SOCKS5 proxy on this local port')
    .option('--type <type>', 'local, remote or dynamic (instead of -L/-R/-D)')
    .option('--local-port <port>', 'port on this machine')
    .option('--remote-host <host>', 'local: target as seen from the server; remote: the bind address on the server')
    .option('--remote-port <port>', 'local: target port; remote: port the server listens on');
}

/** The one forward the flags describe; undefined when none is given (update keeps the old one). */
function specFromFlags(f: SpecFlags, required: boolean): ForwardFields | undefined {
  const specs = (
    [
      ['-L', f.local],
      ['-R', f.remote],
      ['-D', f.dynamic],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (specs.length > 1) throw usageError('give only one of -L, -R and -D');
  const explicit = f.type !== undefined || f.localPort !== undefined || f.remoteHost !== undefined || f.remotePort !== undefined;
  if (specs.length === 1) {
    if (explicit) throw usageError('give either an ssh-style spec (-L/-R/-D) or --type/--local-port/--remote-host/--remote-port, not both');
    const [flag, spec] = specs[0] as readonly ['-L' | '-R' | '-D', string];
    return parseForwardSpec(flag, spec);
  }
  if (!explicit && !required) return undefined;
  if (!explicit) throw usageError('say what to forward: -L 8080:localhost:80, -R 9000:localhost:3000, -D 1080 or --type …');
  return fieldsFromOptions(f);
}

function withSpecErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ForwardSpecError) throw usageError(e.message);
    throw e;
  }
}

export function registerForward(program: Command, ctx: CliContext): void {
  const forward = program.command('forward').description('saved forward rules');

  withJson(forward.command('list').description('saved forwards with their status').option('--host <alias>', 'only this host')).action(
    async (flags: JsonFlag & { host?: string }) => {
      const { list, statuses } = await ctx.withClient(async (c) => {
        const list = await c.call('forward.list', flags.host ? { host: flags.host } : {});
        // The human table shows live status too; --json keeps to forward.list's own result.
        const statuses = new Map<string, SessionStatus>();
        if (!flags.json) for (const s of (await c.call('session.list')).sessions) statuses.set(s.name, s.status);
        return { list, statuses };
      });
      if (flags.json) return ctx.json(list);
      if (list.forwards.length === 0) return ctx.out('no forwards; add one with `warren forward add <host> -L 8080:localhost:80`');
      ctx.out(
        formatTable(
          ['NAME', 'HOST', 'TYPE', 'FORWARD', 'STATUS', 'AUTO'],
          list.forwards.map((f: ForwardInfo) => [
            f.name,
            f.host,
            f.type,
            describeForward(f),
            paintStatus(statuses.get(f.name) ?? 'stopped', ctx.colour),
            f.auto_connect ? 'yes' : 'no',
          ]),
        ),
      );
    },
  );

  withJson(
    addSpecOptions(forward.command('add <host>').description('save a forward rule, e.g. `warren forward add prod -L 8080:localhost:80`'))
      .option('--name <name>', 'rule name (default <host>-<type>-<local_port>)')
      .option('--auto-connect', 'start it whenever the daemon starts'),
  ).action(async (host: string, flags: SpecFlags & JsonFlag & { name?: string; autoConnect?: boolean }) => {
    const fields = withSpecErrors(() => specFromFlags(flags, true)) as ForwardFields;
    ctx.subject = { host, name: flags.name };
    const r = await ctx.withClient((c) =>
      c.call('forward.add', { host, ...fields, ...(flags.name ? { name: flags.name } : {}), auto_connect: flags.autoConnect === true }),
    );
    if (flags.json) return ctx.json(r);
    ctx.out(`added forward ${r.name} (${host} ${describeForward(fields)}); start it with \`warren forward start ${r.name}\``);
  });

  withJson(
    addSpecOptions(forward.command('update <name>').description('change a saved forward (restarts it if running)'))
      .option('--rename <new-name>', 'give the rule a new name')
      .option('--host <alias>', 'move it to another host')
      .option('--auto-connect', 'start it whenever the daemon starts')
      .option('--no-auto-connect', 'do not start it with the daemon'),
  ).action(async (name: string, flags: SpecFlags & JsonFlag & { rename?: string; host?: string; autoConnect?: boolean }) => {
    ctx.subject = { name, host: flags.host };
    const params: Record<string, unknown> = { name };
    if (flags.rename !== undefined) params['new_name'] = flags.rename;
    if (flags.host !== undefined) params['host'] = flags.host;
    if (flags.autoConnect !== undefined) params['auto_connect'] = flags.autoConnect;
    const hasSpec = flags.local !== undefined || flags.remote !== undefined || flags.dynamic !== undefined || flags.type !== undefined;
    withSpecErrors(() => {
      if (hasSpec) {
        const f = specFromFlags(flags, true) as ForwardFields;
        // A whole new shape: clear what it does not have (null means "remove").
        Object.assign(params, {
          type: f.type,
          local_port: f.local_port,
          remote_host: 'remote_host' in f && f.remote_host !== undefined ? f.remote_host : null,
          remote_port: 'remote_port' in f ? f.remote_port : null,
        });
      } else {
        // Single fields change alone; the daemon checks the result is still a valid rule.
        if (flags.localPort !== undefined) params['local_port'] = parsePort(flags.localPort, '--local-port');
        if (flags.remotePort !== undefined) params['remote_port'] = parsePort(flags.remotePort, '--remote-port');
        if (flags.remoteHost !== undefined) params['remote_host'] = flags.remoteHost;
      }
    });
    if (Object.keys(params).length === 1) throw usageError('nothing to change: give -L/-R/-D, --local-port, --rename, --host, --auto-connect …');
    const r = await ctx.withClient((c) => c.call('forward.update', params as { name: string }));
    if (flags.json) return ctx.json(r);
    ctx.out(`updated forward ${r.name}`);
  });

  withJson(forward.command('delete <name>').description('delete a forward rule (stops it first)')).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { name };
    const r = await ctx.withClient((c) => c.call('forward.delete', { name }));
    if (flags.json) return ctx.json(r);
    ctx.out(`deleted forward ${name}`);
  });

  withJson(forward.command('start <name>').description('start a forward (connects its host if needed)')).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { name };
    const r = await ctx.withClient((c) => c.call('forward.start', { name }));
    if (flags.json) return ctx.json(r);
    ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)}`);
  });

  withJson(forward.command('stop <name>').description('stop a forward')).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { name };
    const r = await ctx.withClient((c) => c.call('forward.stop', { name }));
    if (flags.json) return ctx.json(r);
    ctx.out(`${r.name}: ${paintStatus(r.status, ctx.colour)}`);
  });
}
