// The engine's Link over a session carried by an installed session-manager-plugin: the plugin
// listens on 127.0.0.1:<port> and each TCP connection to it becomes one stream to the session's
// fixed destination (the document's portNumber/host), so openStream's target is informational.
// The link lives exactly as long as the process: its exit is onClose, and the engine's LinkKeeper
// reconnects from there. Every stream still open when the process exits or close() is called is
// reset (plugin-stream.ts): it cannot complete, and the plugin's dying FIN must not pass for an end.
import type { Duplex } from 'node:stream';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import type { Link, StreamTarget } from '../../../core/link.js';
import { connectLoopback } from './loopback.js';
import { PluginPortStream } from './plugin-stream.js';
import { describeExit, type PluginExit, type PluginProcess } from './plugin-process.js';

/** close(): SIGINT, then SIGKILL if the plugin has not exited after this long. */
export const KILL_GRACE_MS = 3_000;
const OPEN_TIMEOUT_MS = 10_000;

export interface PluginLinkOptions {
  proc: PluginProcess;
  port: number;
  sessionId: string;
  /** TerminateSession through the SDK; errors are the caller's to log. */
  terminate: () => Promise<void>;
  log?: { warn(o: object, m: string): void } | undefined;
}

export class PluginSsmLink implements Link {
  readonly key: string;
  readonly sessionId: string;
  readonly mode = 'plugin' as const;
  readonly port: number;
  private readonly proc: PluginProcess;
  private readonly listeners = new Set<(err?: Error) => void>();
  private closing = false;
  private finished = false;
  private closeError: Error | undefined;
  private terminated: Promise<void> | undefined;
  private closePromise: Promise<void> | undefined;
  private readonly streams = new Set<PluginPortStream>();

  constructor(private readonly opts: PluginLinkOptions) {
    this.proc = opts.proc;
    this.port = opts.port;
    this.sessionId = opts.sessionId;
    this.key = `ssm:${opts.sessionId}`;
    void this.proc.whenExited().then((exit) => this.onExit(exit));
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** The plugin's exit (code 0 after its own clean stop on SIGINT), once it has exited. */
  whenExited(): Promise<PluginExit> {
    return this.proc.whenExited();
  }

  get closed(): boolean {
    return this.closing || this.finished;
  }

  async openStream(_target?: StreamTarget): Promise<Duplex> {
    if (this.closed) throw new WarrenError(ErrorCode.NotConnected, `${this.key}: the session is closed`);
    const label = `${this.key} (session-manager-plugin)`;
    const sock = await connectLoopback(this.port, OPEN_TIMEOUT_MS, label);
    const stream = new PluginPortStream(sock, { pluginGone: () => this.proc.gone || this.closed, label });
    if (this.closed) {
      stream.abort(new WarrenError(ErrorCode.NotConnected, `${this.key}: the session closed while the connection opened`));
      return stream;
    }
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
    return stream;
  }

  /**
   * The best probe available through the plugin: the process is alive and its listener accepts a
   * TCP connection (closed at once). It cannot see the plugin's data channel or the agent; a dead
   * channel shows up as the plugin exiting, which onClose reports. Side effect: the plugin opens a
   * stream for the connection, so the destination sees a short empty connection, like any
   * health check.
   */
  async probe(timeoutMs: number): Promise<number> {
    if (this.closed || !this.proc.alive) throw new WarrenError(ErrorCode.NotConnected, `${this.key}: the session-manager-plugin process is not running`);
    const started = performance.now();
    const sock = await connectLoopback(this.port, timeoutMs, `${this.key} (session-manager-plugin)`);
    sock.destroy();
    return performance.now() - started;
  }

  onClose(listener: (err?: Error) => void): () => void {
    if (this.finished) {
      const err = this.closeError;
      queueMicrotask(() => listener(err));
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends the plugin (SIGINT, SIGKILL after KILL_GRACE_MS), then TerminateSession. */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      this.abortStreams(new WarrenError(ErrorCode.NotConnected, `${this.key}: the link was closed`));
      await this.proc.kill(KILL_GRACE_MS);
      await this.terminateOnce();
    })();
    return this.closePromise;
  }

  private onExit(exit: PluginExit): void {
    if (this.closing) return this.finish(undefined);
    const err = new WarrenError(ErrorCode.ConnectionFailed, `${this.key}: session-manager-plugin (pid ${this.proc.pid ?? '?'}) ${describeExit(exit)}${this.proc.outputTail()}`, {
      session: this.sessionId,
      exit_code: exit.code,
      signal: exit.signal,
    });
    this.opts.log?.warn({ session: this.sessionId, code: exit.code, signal: exit.signal }, 'session-manager-plugin exited');
    this.abortStreams(err);
    // The session cannot be resumed without the plugin's state; end it so it stops counting
    // against the instance's session limit while the engine opens a new one.
    void this.terminateOnce();
    this.finish(err);
  }

  private abortStreams(why: Error): void {
    for (const s of [...this.streams]) s.abort(why);
    this.streams.clear();
  }

  private terminateOnce(): Promise<void> {
    this.terminated ??= this.opts.terminate().catch((e: unknown) => {
      this.opts.log?.warn({ session: this.sessionId, err: e instanceof Error ? e.message : String(e) }, 'TerminateSession failed after the plugin ended');
    });
    return this.terminated;
  }

  private finish(err: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.closeError = err;
    for (const l of [...this.listeners]) l(err);
    this.listeners.clear();
  }
}
