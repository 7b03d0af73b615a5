// warren vscode setup|status|test|cleanup: a managed block in the user's ssh config with one
// `Host warren-<forward>` per active SSM forward to an SSH server, so VS Code Remote-SSH (which
// only reads ssh config) can connect through Warren's forwards. Only the block is ever edited.
import net from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import type { SsmSessionInfo } from '../../../src-shared/api/index.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable, paintStatus } from '../format.js';
import { DaemonConnectionError } from '../socket-carrier.js';
import { applyBlock, hasBlock, HOST_PREFIX, parseBlock, removeBlock, removeEntry, type VscodeHostEntry } from '../vscode/ssh-config-block.js';
import { defaultSshConfigPath, readSshConfig, writeSshConfigAtomic } from '../vscode/ssh-config-file.js';
import { parseIntOption, withJson, type JsonFlag } from './shared.js';

interface FileFlag {
  sshConfig?: string;
}

const TEST_TIMEOUT_MS = 3000;

function withFile(cmd: Command): Command {
  return cmd.option('--ssh-config <file>', 'the ssh config to edit (default ~/.ssh/config)');
}

function configFile(f: FileFlag): string {
  return path.resolve(f.sshConfig ?? defaultSshConfigPath());
}

/** Write only when something changed, so a no-op never touches the file's mtime. */
async function writeIfChanged(file: string, before: string, after: string): Promise<boolean> {
  if (after === before) return false;
  await writeSshConfigAtomic(file, after);
  return true;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(TEST_TIMEOUT_MS, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function pickEntries(entries: VscodeHostEntry[], name: string | undefined): VscodeHostEntry[] {
  if (name === undefined) return entries;
  const one = entries.filter((e) => e.forward === name || `${HOST_PREFIX}${e.forward}` === name);
  if (one.length === 0) throw usageError(`no entry for "${name}" in the Warren block`, 'see `warren vscode status`');
  return one;
}

export function registerVscode(program: Command, ctx: CliContext): void {
  const vscode = program.command('vscode').description('ssh config entries so VS Code Remote-SSH connects through SSM forwards');

  withJson(
    withFile(
      vscode
        .command('setup')
        .description('write one `Host warren-<forward>` per active SSM forward to an SSH server')
        .option('--user <user>', 'the login user on the instances (User line)')
        .option('--remote-port <port>', 'remote port that counts as an SSH server', parseIntOption('--remote-port', 1, 65535), 22),
    ),
  ).action(async (f: FileFlag & JsonFlag & { user?: string; remotePort: number }) => {
    const file = configFile(f);
    const { sessions } = await ctx.withClient((c) => c.call('ec2.list'));
    const knownHostsFile = path.join(ctx.paths.home, 'vscode_known_hosts');
    const entries: VscodeHostEntry[] = sessions
      .filter((s) => s.status === 'active' && s.remote_port === f.remotePort)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ forward: s.name, port: s.local_port, knownHostsFile, ...(f.user ? { user: f.user } : {}) }));
    const before = await readSshConfig(file);
    const changed = await writeIfChanged(file, before, applyBlock(before, entries));
    if (f.json) return ctx.json({ file, changed, hosts: entries.map((e) => ({ host: `${HOST_PREFIX}${e.forward}`, forward: e.forward, local_port: e.port })) });
    if (entries.length === 0) ctx.out(`no active SSM forwards to remote port ${f.remotePort}; the Warren block in ${file} is empty`);
    for (const e of entries) ctx.out(`${HOST_PREFIX}${e.forward} → 127.0.0.1:${e.port}`);
    ctx.out(changed ? `updated ${file}` : `${file} already up to date`);
  });

  withJson(
    withFile(
      vscode
        .command('status')
        .description('the entries in the Warren block, whether each forward is active, and whether the block is out of date')
        .option('--remote-port <port>', 'remote port that counts as an SSH server', parseIntOption('--remote-port', 1, 65535), 22),
    ),
  ).action(async (f: FileFlag & JsonFlag & { remotePort: number }) => {
    const file = configFile(f);
    const entries = parseBlock(await readSshConfig(file));
    let sessions: SsmSessionInfo[] | null = null;
    try {
      sessions = (await ctx.withClient((c) => c.call('ec2.list'))).sessions;
    } catch (e) {
      // The block is still worth showing with no daemon; only the live state is unknown.
      if (!(e instanceof DaemonConnectionError)) throw e;
    }
    const rows = entries.map((e) => {
      const s = sessions?.find((x) => x.name === e.forward);
      // The forward moved to another local port since setup: the entry points at the old one.
      const status = sessions === null ? 'unknown' : !s ? 'gone' : s.local_port !== e.port ? 'stale' : s.status;
      return { host: `${HOST_PREFIX}${e.forward}`, forward: e.forward, local_port: e.port, user: e.user ?? null, status, active: status === 'active' };
    });
    // Active SSH forwards (remote port --remote-port) that setup has not written yet.
    const missing = (sessions ?? []).filter((s) => s.status === 'active' && s.remote_port === f.remotePort && !entries.some((e) => e.forward === s.name)).map((s) => s.name);
    const outOfDate = missing.length > 0 || rows.some((r) => r.status === 'gone' || r.status === 'stale');
    if (f.json) return ctx.json({ file, entries: rows, missing, out_of_date: outOfDate });
    if (rows.length === 0 && missing.length === 0) return ctx.out(`no Warren entries in ${file} (run \`warren vscode setup\`)`);
    if (outOfDate)
      ctx.err(
        `the Warren block is out of date${missing.length ? ` (not in it: ${missing.join(', ')})` : ''}: run \`warren vscode setup\` to rewrite it (your own lines stay as they are)`,
      );
    if (rows.length === 0) return;
    ctx.out(
      formatTable(
        ['HOST', 'PORT', 'USER', 'FORWARD'],
        rows.map((r) => [r.host, String(r.local_port), r.user ?? '', r.status === 'unknown' || r.status === 'gone' || r.status === 'stale' ? r.status : paintStatus(r.status as SsmSessionInfo['status'], ctx.colour)]),
      ),
    );
  });

  withJson(withFile(vscode.command('test [name]').description('TCP-connect to the local port of each entry (or one)'))).action(async (name: string | undefined, f: FileFlag & JsonFlag) => {
    const file = configFile(f);
    if (name) ctx.subject = { name };
    const entries = pickEntries(parseBlock(await readSshConfig(file)), name);
    const results = await Promise.all(entries.map(async (e) => ({ host: `${HOST_PREFIX}${e.forward}`, local_port: e.port, reachable: await reachable(e.port) })));
    if (results.some((r) => !r.reachable)) ctx.exitCode = ExitCode.Connection;
    if (f.json) return ctx.json({ file, results });
    if (results.length === 0) return ctx.out(`no Warren entries in ${file} (run \`warren vscode setup\`)`);
    for (const r of results) ctx.out(`${r.host}: ${r.reachable ? 'reachable' : 'unreachable'} (127.0.0.1:${r.local_port})`);
  });

  withJson(withFile(vscode.command('cleanup [name]').description('remove the Warren block (or one forward\'s entry) from the ssh config'))).action(async (name: string | undefined, f: FileFlag & JsonFlag) => {
    const file = configFile(f);
    const before = await readSshConfig(file);
    // NAME may be the forward or its Host alias; pickEntries says which entry that is (or refuses).
    const forward = name === undefined ? undefined : (pickEntries(parseBlock(before), name)[0] as VscodeHostEntry).forward;
    const after = forward === undefined ? removeBlock(before) : removeEntry(before, forward);
    const changed = await writeIfChanged(file, before, after);
    if (f.json) return ctx.json({ file, changed, removed: forward ?? (hasBlock(before) ? 'block' : null) });
    ctx.out(changed ? `removed ${forward ? `${HOST_PREFIX}${forward}` : 'the Warren block'} from ${file}` : `nothing to remove in ${file}`);
  });
}
