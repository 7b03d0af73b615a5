// One running session-manager-plugin: spawned with piped output (always drained, or a chatty
// plugin would block on a full pipe), its last output lines kept for error messages, its exit
// observed once, and ended SIGINT-then-SIGKILL. SIGINT because on Unix it is the signal the real
// plugin handles (sessionutil/control_signals_unix.go ControlSignals: SIGINT, SIGTSTP, SIGQUIT):
// muxportforwarding.go and basicportforwarding.go handleControlSignals then send the
// TerminateSession flag, which ends the session on the instance side at once, and os.Exit(0).
// SIGTERM is not among them, so Go's default action kills the plugin without telling the agent.
// (On Windows Node's kill() is TerminateProcess whatever the signal; TerminateSession through the
// SDK, which plugin-link.ts always calls after the exit, covers it.)
import { spawn, type ChildProcess } from 'node:child_process';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import { connectLoopback, LOOPBACK } from './loopback.js';
import { guardChild } from './orphan-guard.js';
import { listeningPort } from './plugin-contract.js';
import { pluginLaunchError } from './plugin-errors.js';

const TAIL_LINES = 12;
/** Lines of each stream quoted in an error message. */
const MESSAGE_LINES = 5;
/** Stdout kept while waiting for the ready line; the real plugin prints three short lines before it. */
const MAX_STARTUP_STDOUT = 64 * 1024;
/** After 'exit', how long to wait for the pipes to close so the last stderr lines are in the message. */
const DRAIN_AFTER_EXIT_MS = 300;

/** details.reason of the error waitReady throws when the deadline passes with the plugin alive. */
export const NOT_READY = 'not_ready';

export interface PluginExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The last few non-empty lines of a stream. */
class LineTail {
  private readonly lines: string[] = [];
  private partial = '';
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const l of parts) this.add(l);
  }
  get(): string[] {
    return this.partial.trim() ? [...this.lines, this.partial.trim()].slice(-TAIL_LINES) : [...this.lines];
  }
  private add(line: string): void {
    if (!line.trim()) return;
    this.lines.push(line.trim());
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }
}

export function describeExit(exit: PluginExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
}

export class PluginProcess {
  private readonly child: ChildProcess;
  private exitInfo: PluginExit | undefined;
  private launchError: WarrenError | undefined;
  private readonly exited: Promise<PluginExit>;
  private startupStdout = '';
  private readyResolve: (() => void) | undefined;
  private readonly readyLine: Promise<void>;
  private readonly stdoutTail = new LineTail();
  private readonly stderrTail = new LineTail();
  private stdoutClosed = false;

  constructor(
    readonly path: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.readyLine = new Promise((r) => (this.readyResolve = r));
    this.child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    guardChild(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => this.onStdout(s));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => this.stderrTail.push(s));
    this.child.stdout?.on('error', () => undefined);
    // The kernel closes an exiting process's files in descriptor order, stdout before its sockets:
    // see `gone` (plugin-stream.ts relies on it).
    this.child.stdout?.once('close', () => (this.stdoutClosed = true));
    this.child.stdout?.once('end', () => (this.stdoutClosed = true));
    this.child.stderr?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      let drain: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(drain);
        if (this.exitInfo) resolve(this.exitInfo);
      };
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        drain = setTimeout(done, DRAIN_AFTER_EXIT_MS);
      });
      this.child.once('close', done);
      // A failed spawn (ENOENT, EACCES) may never emit 'exit'.
      // `on`, not `once`: a second 'error' (a failed kill) with no listener would crash Warren.
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return;
        this.launchError = pluginLaunchError(path, e);
        this.exitInfo = { code: null, signal: null };
        done();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /**
   * The process is gone, or going: it exited, or its stdout reached EOF (which an exiting process's
   * stdout does before any of its sockets is closed, so it is known before their FINs are read).
   */
  get gone(): boolean {
    return !this.alive || this.stdoutClosed;
  }

  /** Resolves once, when the process has exited (and its output has been read). */
  whenExited(): Promise<PluginExit> {
    return this.exited;
  }

  /**
   * "; its last stderr lines: … ; last stdout lines: …" for error messages. Both, because the
   * plugin writes its own errors to stdout in current versions and to stderr in older ones.
   */
  outputTail(): string {
    const err = this.stderrTail.get().slice(-MESSAGE_LINES);
    const out = this.stdoutTail.get().slice(-MESSAGE_LINES);
    if (!err.length && !out.length) return '; it printed nothing';
    const parts = [err.length ? `its last stderr lines: ${err.join(' | ')}` : 'nothing on stderr'];
    if (out.length) parts.push(`last stdout lines: ${out.join(' | ')}`);
    return `; ${parts.join('; ')}`;
  }

  /**
   * Ready = the plugin printed that it listens (plugin-contract.ts listeningPort: the "Port N opened"
   * line both modes print; "Waiting for connections..." is mux-only) AND a TCP connect to its port
   * works (a cheap confirmation that the port is the plugin's). Resolves with the port the plugin
   * says it opened (normally `port`, the one asked for). Rejects with a WarrenError when the plugin
   * exits first, the deadline passes (details.reason 'not_ready'), or signal aborts.
   */
  async waitReady(port: number, timeoutMs: number, signal: AbortSignal): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const timeout = (): WarrenError =>
      new WarrenError(
        ErrorCode.ConnectionFailed,
        `session-manager-plugin (${this.path}) was not ready on ${LOOPBACK}:${port} within ${timeoutMs / 1000} s${this.outputTail()}`,
        { path: this.path, reason: NOT_READY },
      );
    await this.until(this.readyLine, deadline, signal, timeout);
    const actual = listeningPort(this.startupStdout) || port;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw timeout();
      const attempt = connectLoopback(actual, Math.min(left, 1000), 'session-manager-plugin').catch(() => undefined);
      let sock;
      try {
        sock = await this.until(attempt, deadline, signal, timeout);
      } catch (e) {
        void attempt.then((late) => late?.destroy());
        throw e;
      }
      if (sock) {
        sock.destroy();
        return actual;
      }
      await this.until(new Promise<void>((r) => setTimeout(r, 100)), deadline, signal, timeout);
    }
  }

  /** SIGINT (the plugin's own clean stop, see the header), SIGKILL after graceMs; resolves when the process is gone. */
  async kill(graceMs: number): Promise<PluginExit> {
    if (this.alive) {
      this.child.kill('SIGINT');
      const timer = setTimeout(() => {
        if (this.alive) this.child.kill('SIGKILL');
      }, graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }

  private onStdout(s: string): void {
    this.stdoutTail.push(s);
    if (!this.readyResolve) return;
    this.startupStdout = (this.startupStdout + s).slice(-MAX_STARTUP_STDOUT);
    if (listeningPort(this.startupStdout) !== undefined) {
      this.readyResolve();
      this.readyResolve = undefined;
    }
  }

  /** Races p against the plugin's exit, the deadline and the abort signal. */
  private until<T>(p: Promise<T>, deadline: number, signal: AbortSignal, timeout: () => WarrenError): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(timeout())), Math.max(0, deadline - Date.now()));
      const onAbort = (): void => settle(() => reject(new WarrenError(ErrorCode.ConnectionFailed, 'connecting was cancelled')));
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        f();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e)),
      );
      void this.exited.then((exit) =>
        settle(() =>
          reject(
            this.launchError ??
              new WarrenError(ErrorCode.ConnectionFailed, `session-manager-plugin (${this.path}) ${describeExit(exit)} before it was ready${this.outputTail()}`, {
                path: this.path,
                exit_code: exit.code,
              }),
          ),
        ),
      );
    });
  }
}
