// The CLI's RpcCarrier: newline-delimited JSON-RPC 2.0 over the daemon's Unix socket
// ($WARREN_HOME/warren.sock). Answers are matched to requests by id, each request has a deadline,
// notifications go to listeners, and everything the daemon sends is checked against the contract.
import net from 'node:net';
import { checkDaemonSocket, UnsafePathError } from '../fs/private-path.js';
import {
  ErrorCode,
  WarrenError,
  describeIssues,
  errorFromRpc,
  isMethodName,
  methods,
  notificationSchema,
  notifications,
  responseSchema,
  type NotificationName,
  type RpcCarrier,
} from '../../src-shared/api/index.js';

export interface SocketCarrierOptions {
  socketPath: string;
  /** Deadline for each answer (ms). ssh.connect may wait on a slow server, so be generous. */
  timeoutMs?: number;
  /** Deadline for the connection itself (ms). */
  connectTimeoutMs?: number;
}

/** Trouble with the connection to the daemon itself (not an answer from it). */
export class DaemonConnectionError extends WarrenError {
  constructor(message: string, code: number = ErrorCode.ConnectionFailed, data?: unknown) {
    super(code, message, data);
    this.name = 'DaemonConnectionError';
  }
}

/** No daemon listens on the socket: the one error every command can hit first. Exit code 3. */
export class DaemonUnavailableError extends DaemonConnectionError {
  constructor(readonly socketPath: string) {
    super(
      `no daemon is running (looked for ${socketPath}); start one with \`warren daemon start\` (or open the Warren app)`,
      ErrorCode.ConnectionFailed,
      { socket: socketPath },
    );
    this.name = 'DaemonUnavailableError';
  }
}

/** A line longer than this is not a message we could use; drop the connection rather than grow. */
const MAX_LINE = 64 * 1024 * 1024;

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class SocketCarrier implements RpcCarrier {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(method: string, params: unknown) => void>();
  private readonly closeListeners = new Set<(err: Error) => void>();
  private closedWith: Error | undefined;
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => {
      // 'close' follows and carries the outcome; without a listener the error would be thrown.
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (hadError) => {
        this.fail(new DaemonConnectionError(`the daemon closed the connection${hadError ? ' after an error' : ''}`));
        resolve();
      });
    });
  }

  /**
   * Connect, or reject with DaemonUnavailableError when nothing listens at socketPath. Before
   * connecting, the socket must be the user's own with no access for group or others, in a private
   * home: what we send may be a passphrase, and a socket someone else planted would receive it.
   */
  static connect(options: SocketCarrierOptions): Promise<SocketCarrier> {
    const { socketPath, timeoutMs = 60_000, connectTimeoutMs = 5_000 } = options;
    try {
      if (!checkDaemonSocket(socketPath)) return Promise.reject(new DaemonUnavailableError(socketPath));
    } catch (e) {
      if (e instanceof UnsafePathError) return Promise.reject(new DaemonConnectionError(e.message, ErrorCode.InsecurePath, { path: e.path }));
      return Promise.reject(new DaemonConnectionError(`cannot check the daemon's socket ${socketPath}: ${e instanceof Error ? e.message : String(e)}`));
    }
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path: socketPath });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DaemonConnectionError(`the daemon did not accept a connection on ${socketPath} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new SocketCarrier(socket, timeoutMs));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK') reject(new DaemonUnavailableError(socketPath));
        else if (err.code === 'EACCES' || err.code === 'EPERM')
          reject(new DaemonConnectionError(`cannot open ${socketPath}: permission denied (is the daemon run by another user?)`));
        else reject(new DaemonConnectionError(`cannot connect to the daemon at ${socketPath}: ${err.message}`));
      });
    });
  }

  call(method: string, params: unknown, options: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DaemonConnectionError(`no answer from the daemon to ${method} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params: params ?? {} })}\n`);
    });
  }

  onNotification(listener: (method: string, params: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once when the connection ends for any reason other than close(). */
  onClose(listener: (err: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Close the connection; pending calls are rejected. Resolves when the socket is closed. */
  async close(): Promise<void> {
    this.closeListeners.clear();
    this.socket.destroy();
    await this.closed;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line !== '') this.onLine(line);
      if (this.closedWith) return;
    }
    if (this.buffer.length > MAX_LINE) this.protocolError(`a message from the daemon exceeded ${MAX_LINE} bytes`);
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.protocolError(`the daemon sent a line that is not JSON: ${line.slice(0, 120)}`);
      return;
    }
    if (message !== null && typeof message === 'object' && !Array.isArray(message) && 'method' in message && !('id' in message)) {
      this.onNotificationMessage(message);
      return;
    }
    const res = responseSchema.safeParse(message);
    if (!res.success) {
      this.protocolError(`the daemon sent a message that is neither an answer nor a notification: ${describeIssues(res.error.issues, 'message')}`);
      return;
    }
    const { id } = res.data;
    if ('error' in res.data && (id === null || typeof id === 'string')) {
      // The daemon could not read a request well enough to name it; fail everything waiting.
      const err = errorFromRpc(res.data.error);
      for (const p of this.takeAllPending()) p.reject(err);
      return;
    }
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!p) return; // the answer to a call that already timed out
    this.pending.delete(id as number);
    clearTimeout(p.timer);
    if ('error' in res.data) {
      p.reject(errorFromRpc(res.data.error));
      return;
    }
    p.resolve(this.checkResult(p.method, res.data.result));
  }

  private checkResult(method: string, result: unknown): unknown {
    if (!isMethodName(method)) return result;
    const parsed = methods[method].result.safeParse(result);
    if (parsed.success) return parsed.data;
    // Surface it as an error rather than print something half-right.
    return Promise.reject(
      new DaemonConnectionError(
        `the daemon answered ${method} with an unexpected result (${describeIssues(parsed.error.issues, 'result')}); are the CLI and the daemon the same version?`,
        ErrorCode.InternalError,
      ),
    );
  }

  private onNotificationMessage(message: object): void {
    const n = notificationSchema.safeParse(message);
    if (!n.success) return;
    const { method, params } = n.data;
    if (!Object.prototype.hasOwnProperty.call(notifications, method)) return; // a newer daemon's event: ignore
    const payload = notifications[method as NotificationName].safeParse(params);
    if (!payload.success) return;
    for (const l of this.listeners) {
      try {
        l(method, payload.data);
      } catch {
        // one listener's failure must not stop delivery to the others
      }
    }
  }

  private takeAllPending(): Pending[] {
    const all = [...this.pending.values()];
    for (const p of all) clearTimeout(p.timer);
    this.pending.clear();
    return all;
  }

  private protocolError(message: string): void {
    this.fail(new DaemonConnectionError(message, ErrorCode.InternalError));
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const p of this.takeAllPending()) p.reject(err);
    for (const l of this.closeListeners) l(err);
    this.closeListeners.clear();
  }
}
