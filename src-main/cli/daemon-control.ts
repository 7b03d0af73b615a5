// `warren daemon start|stop`: start the daemon as a detached child of this same program and wait
// until it answers; ask it to shut down and wait until its process is gone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, WarrenError, type ResultOf } from '../../src-shared/api/index.js';
import { CliError } from './cli-error.js';
import type { CliContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { DaemonUnavailableError } from './socket-carrier.js';
import { ensurePrivateHome, UnsafePathError } from '../fs/private-path.js';

/** The home must be private before the CLI writes daemon.out there or starts a daemon on it. */
function privateHomeOrThrow(home: string): void {
  try {
    ensurePrivateHome(home);
  } catch (e) {
    if (e instanceof UnsafePathError) throw new WarrenError(ErrorCode.InsecurePath, e.message, { path: e.path });
    throw e;
  }
}

export type DaemonStatus = ResultOf<'daemon.status'>;

export interface StartOptions {
  browser: boolean;
  browserPort?: number;
  /** Keep the browser token across restarts (--browser-pin-token). */
  browserPinToken?: boolean;
  /** More `daemon run` arguments (setting flags). */
  extraArgs?: string[];
  /** How long to wait for the daemon to answer (ms). */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** daemon.status from a running daemon, or undefined when none listens. Other errors propagate. */
export async function probeDaemon(ctx: CliContext, connectTimeoutMs = 2_000): Promise<DaemonStatus | undefined> {
  try {
    const { client, carrier } = await ctx.connect(connectTimeoutMs);
    try {
      return await client.call('daemon.status');
    } finally {
      await carrier.close();
    }
  } catch (e) {
    if (e instanceof DaemonUnavailableError) return undefined;
    throw e;
  }
}

export function daemonOutPath(ctx: CliContext): string {
  return path.join(ctx.paths.home, 'daemon.out');
}

/** Last lines of daemon.out: what a daemon that would not start said before it died. */
export function tailOf(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The command line that runs this very CLI again: same node, same loader flags (so it works under
 * `node --import tsx` as well as from dist/), same script.
 */
export function selfCommand(args: readonly string[]): { command: string; args: string[] } {
  const script = process.argv[1];
  if (!script) throw new CliError('cannot tell which script is running, so cannot start the daemon');
  return { command: process.execPath, args: [...process.execArgv, script, ...args] };
}

export async function startDaemon(ctx: CliContext, options: StartOptions): Promise<{ status: DaemonStatus; alreadyRunning: boolean }> {
  const running = await probeDaemon(ctx);
  if (running) return { status: running, alreadyRunning: true };

  privateHomeOrThrow(ctx.paths.home);
  const outFile = daemonOutPath(ctx);
  // A fresh file, never through a symlink planted at its name (O_EXCL after removing the old one).
  fs.rmSync(outFile, { force: true });
  const fd = fs.openSync(outFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
  const runArgs = ['daemon', 'run', '--no-log-stderr'];
  if (options.browser) runArgs.push('--browser');
  if (options.browserPort !== undefined) runArgs.push('--browser-port', String(options.browserPort));
  if (options.browserPinToken) runArgs.push('--browser-pin-token');
  runArgs.push(...(options.extraArgs ?? []));
  const { command, args } = selfCommand(runArgs);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...ctx.io.env, WARREN_HOME: ctx.paths.home },
  });
  fs.closeSync(fd);
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.unref();

  const progress = ctx.progress('starting Warren daemon…');
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    while (Date.now() < deadline) {
      if (exited) {
        const how = exited.signal ? `was killed by ${exited.signal}` : `exited with code ${exited.code}`;
        throw new CliError(`the daemon ${how} before it answered`, ExitCode.General, daemonOutHint(outFile));
      }
      // The daemon may listen before it can answer; a refused or slow call just means "not yet".
      const status = await probeDaemon(ctx, 1_000).catch(() => undefined);
      if (status) return { status, alreadyRunning: false };
      await sleep(150);
    }
  } finally {
    progress.done();
  }
  // It is neither answering nor dead: stop it rather than leave a half-started daemon behind.
  if (!exited && child.pid !== undefined) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  throw new CliError(
    `the daemon did not answer within ${Math.round((options.timeoutMs ?? 15_000) / 1000)} s (stopped it)`,
    ExitCode.Connection,
    daemonOutHint(outFile),
  );
}

function daemonOutHint(outFile: string): string {
  const tail = tailOf(outFile);
  return tail ? `last lines of ${outFile}:\n${tail}` : `${outFile} is empty`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie has exited; it only waits for a parent (or an init that may never reap it) to collect it.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): signal 0 is all we have
  }
}

function pidFromFile(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Ask the daemon to stop and wait for its process to exit. Returns false when none was running. */
export async function stopDaemon(ctx: CliContext, timeoutMs = 30_000): Promise<{ stopped: boolean; pid?: number }> {
  let connection;
  try {
    connection = await ctx.connect(2_000);
  } catch (e) {
    if (e instanceof DaemonUnavailableError) return { stopped: false };
    throw e;
  }
  const { client, carrier } = connection;
  let pid: number | undefined;
  try {
    pid = (await client.call('daemon.status')).pid;
  } catch {
    pid = pidFromFile(ctx.paths.pid);
  }
  try {
    await client.call('daemon.shutdown');
  } catch (e) {
    // The daemon may close the connection before its answer gets out; that is the shutdown working.
    if (!(e instanceof Error && /closed the connection/.test(e.message))) throw e;
  } finally {
    await carrier.close();
  }
  if (pid === undefined || pid === process.pid) return { stopped: true };
  const progress = ctx.progress(`stopping Warren daemon (pid ${pid})…`);
  const deadline = Date.now() + timeoutMs;
  try {
    while (isAlive(pid)) {
      if (Date.now() > deadline)
        throw new CliError(`the daemon (pid ${pid}) did not exit within ${Math.round(timeoutMs / 1000)} s`, ExitCode.General, `kill it with \`kill ${pid}\``);
      await sleep(100);
    }
  } finally {
    progress.done();
  }
  return { stopped: true, pid };
}
