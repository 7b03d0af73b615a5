// warren host list|reload|trust|unlock and warren ssh connect|disconnect
import type { Command } from 'commander';
import { ErrorCode, WarrenError, hostKeyInfoSchema, type HostKeyInfo } from '../../../src-shared/api/index.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatKeyValues, formatTable, paintStatus } from '../format.js';
import { confirm, readSecret } from '../prompt.js';
import { withJson, type JsonFlag } from './shared.js';

/** Connect once to learn the key the server offers: an unknown key comes back as 1008 with its info. */
async function offeredKey(ctx: CliContext, host: string): Promise<HostKeyInfo | undefined> {
  return ctx.withClient(async (c) => {
    try {
      await c.call('ssh.connect', { host });
      return undefined; // the key is already trusted and the connection is up
    } catch (e) {
      if (e instanceof WarrenError && e.code === ErrorCode.HostKeyUnknown) {
        const info = hostKeyInfoSchema.safeParse(e.data);
        if (info.success) return info.data;
        throw new CliError(`the daemon reported an unknown host key for ${host} without its fingerprint`);
      }
      if (e instanceof WarrenError && e.code === ErrorCode.AlreadyConnected) return undefined;
      throw e;
    }
  });
}

function describeKey(k: HostKeyInfo): string {
  return formatKeyValues([
    ['host', `${k.host} (${k.hostname}:${k.port})`],
    ['key', k.key_type],
    ['fingerprint', k.fingerprint],
  ]);
}

export function registerHost(program: Command, ctx: CliContext): void {
  const host = program.command('host').description('hosts from your ssh config');

  withJson(host.command('list').description('hosts and their connection state')).action(async (flags: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('host.list'));
    if (flags.json) return ctx.json(r);
    if (r.hosts.length === 0) return ctx.out('no hosts in your ssh config');
    ctx.out(
      formatTable(
        ['NAME', 'ADDRESS', 'USER', 'STATE', 'FORWARDS', 'LAST ERROR'],
        r.hosts.map((h) => [h.name, `${h.hostname}:${h.port}`, h.user, paintStatus(h.state, ctx.colour), String(h.active_forward_count), h.last_error ?? '']),
      ),
    );
  });

  withJson(host.command('reload').description('re-read your ssh config')).action(async (flags: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('host.reload'));
    if (flags.json) return ctx.json(r);
    const parts = [`${r.total} hosts`];
    if (r.added.length) parts.push(`added: ${r.added.join(', ')}`);
    if (r.removed.length) parts.push(`removed: ${r.removed.join(', ')}`);
    ctx.out(parts.join('; '));
  });

  withJson(
    host
      .command('trust <host>')
      .description("accept a host's SSH key and record it in known_hosts")
      .option('--fingerprint <fp>', 'trust only if the server offers this key (SHA256:…)')
      .option('-y, --yes', 'do not ask (needed when stdin is not a terminal and no --fingerprint is given)'),
  ).action(async (name: string, flags: JsonFlag & { fingerprint?: string; yes?: boolean }) => {
    ctx.subject = { host: name };
    // The daemon trusts only a key it was just offered, so always connect first to see it.
    const key = await offeredKey(ctx, name);
    if (!key) {
      if (flags.json) return ctx.json({ host: name, already_trusted: true });
      return ctx.out(`${name}: the host key is already trusted (connected)`);
    }
    ctx.err(describeKey(key));
    if (flags.fingerprint) {
      if (flags.fingerprint !== key.fingerprint)
        throw new CliError(`${name} offers ${key.fingerprint}, not ${flags.fingerprint}: not trusted`, ExitCode.Auth, 'check which key the server really has');
    } else if (!flags.yes) {
      if (!ctx.io.stdin.isTTY)
        throw usageError('not asking without a terminal', `check the fingerprint, then pass --fingerprint ${key.fingerprint} (or --yes)`);
      if (!(await confirm(ctx.io, 'Trust this host key?'))) throw new CliError('not trusted', ExitCode.Auth);
    }
    // Pass the fingerprint we showed: the daemon refuses if the offered key changed in between.
    flags.fingerprint = key.fingerprint;
    const r = await ctx.withClient((c) => c.call('host.trust', { host: name, fingerprint: flags.fingerprint }));
    if (flags.json) return ctx.json(r);
    ctx.out(`trusted ${r.key_type} key ${r.fingerprint} for ${r.host} (added to ${r.known_hosts_file})`);
  });

  withJson(
    host
      .command('unlock <host>')
      .description("give the passphrase of the host's identity file (kept in memory only); piped stdin: first line"),
  ).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { host: name };
    // Read before connecting, so a slow typist does not hold a connection open.
    const passphrase = await readSecret(ctx.io, `passphrase for ${name}: `);
    const r = await ctx.withClient((c) => c.call('host.unlock', { host: name, passphrase }));
    if (flags.json) return ctx.json(r);
    ctx.out(`unlocked ${r.key_path} for ${r.host}`);
  });

  const ssh = program.command('ssh').description('the shared SSH connection to a host');
  withJson(ssh.command('connect <host>').description('open the SSH connection to a host')).action(async (name: string, flags: JsonFlag) => {
    ctx.subject = { host: name };
    const r = await ctx.withClient(async (c) => {
      try {
        return await c.call('ssh.connect', { host: name });
      } catch (e) {
        // Asking for what already is, is not a failure: scripts can "ensure connected".
        if (e instanceof WarrenError && e.code === ErrorCode.AlreadyConnected) return { host: name, status: 'connected' as const };
        throw e;
      }
    });
    if (flags.json) return ctx.json(r);
    ctx.out(`${r.host}: ${paintStatus(r.status, ctx.colour)}`);
  });
  withJson(ssh.command('disconnect <host>').description('close the SSH connection to a host (stops its forwards)')).action(
    async (name: string, flags: JsonFlag) => {
      ctx.subject = { host: name };
      const r = await ctx.withClient(async (c) => {
        try {
          return await c.call('ssh.disconnect', { host: name });
        } catch (e) {
          if (e instanceof WarrenError && e.code === ErrorCode.NotConnected) return { host: name, status: 'disconnected' as const };
          throw e;
        }
      });
      if (flags.json) return ctx.json(r);
      ctx.out(`${r.host}: ${paintStatus(r.status, ctx.colour)}`);
    },
  );
}
