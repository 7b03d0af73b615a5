// JSON-RPC 2.0 on $WARREN_HOME/warren.sock (0600): one JSON message per line. Bad input gets a
// JSON-RPC error on that connection only; nothing a client does can stop the others being served.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { ErrorCode, WarrenError, errorResponse, type NotificationName, type NotificationPayload } from '../../../src-shared/api/index.js';
import type { ClientContext, Dispatcher } from '../dispatcher.js';
import { MAX_SOCKET_CLIENTS, tooManyConnections } from './connection-limits.js';
import { LineSplitter } from './line-splitter.js';

export const MAX_LINE_BYTES = 1024 * 1024;
/** A client that doesn't read its notifications is cut off before it eats our memory. */
const MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;
/** How long a refused client may keep its connection open after being told why. */
const REFUSED_LINGER_MS = 5_000;

export interface SocketDoor {
  readonly path: string;
  close(): Promise<void>;
}

/** A door bound before there is anything to serve: clients that connect wait until serve(). */
export interface BoundSocketDoor extends SocketDoor {
  serve(dispatcher: Dispatcher): void;
}

export function alreadyRunning(path: string, home: string): WarrenError {
  return new WarrenError(
    ErrorCode.AlreadyRunning,
    `another Warren is already running with WARREN_HOME ${home} (it answers on ${path}); nothing was changed. Stop it with \`warren daemon stop\` (or quit the Warren app) first`,
    { home, socket: path },
  );
}

export interface SocketDoorLog {
  warn(o: object, m: string): void;
}

/** Is something answering on this socket path? */
export function probeSocket(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    const done = (v: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function startSocketDoor(path: string, dispatcher: Dispatcher, log?: SocketDoorLog): Promise<SocketDoor> {
  const door = await bindSocketDoor(path, dirname(path), log);
  door.serve(dispatcher);
  return door;
}

/**
 * Bind the socket: the single-instance lock of a Warren home. Binding is atomic, so of two Warrens
 * starting on one home only one gets it; the other throws AlreadyRunning having touched nothing.
 * A socket file nobody answers on was left by a crash and is replaced.
 */
export async function bindSocketDoor(path: string, home: string, log?: SocketDoorLog): Promise<BoundSocketDoor> {
  const sockets = new Set<net.Socket>();
  let dispatcher: Dispatcher | undefined;
  /** Clients that connected before serve(): unread (a socket is paused until it has a 'data' listener). */
  const waiting = new Set<net.Socket>();
  /** Clients past MAX_SOCKET_CLIENTS, told why and on their way out. */
  const refused = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    if (sockets.size >= MAX_SOCKET_CLIENTS) refuse(socket);
    else accept(socket);
  });
  /** Say why and hang up. What the client sends meanwhile is read and dropped: closing a Unix socket with unread data resets it, and the client could lose the reason. */
  const refuse = (socket: net.Socket): void => {
    refused.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
    socket.end(JSON.stringify(tooManyConnections('socket', MAX_SOCKET_CLIENTS)) + '\n');
    // A client that never hangs up still gives its descriptor back.
    const t = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
    t.unref();
    socket.once('close', () => {
      clearTimeout(t);
      refused.delete(socket);
    });
  };
  const accept = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      waiting.delete(socket);
    });
    if (dispatcher) attach(socket, dispatcher);
    else waiting.add(socket);
  };
  const attach = (socket: net.Socket, dispatcher: Dispatcher): void => {
    const clientId = `socket-${randomUUID()}`;
    const send = (obj: unknown): void => {
      if (socket.destroyed || !socket.writable) return;
      if (socket.writableLength > MAX_PENDING_WRITE_BYTES) {
        log?.warn({ client: clientId }, 'client does not read its messages; disconnecting it');
        socket.destroy();
        return;
      }
      socket.write(JSON.stringify(obj) + '\n');
    };
    const ctx: ClientContext = {
      clientId,
      door: 'socket',
      notify<N extends NotificationName>(method: N, params: NotificationPayload<N>) {
        send({ jsonrpc: '2.0', method, params });
      },
    };
    dispatcher.attachClient(clientId);
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    let overflowReported = false;
    socket.on('data', (chunk: Buffer) => {
      for (const ev of splitter.push(chunk)) {
        if (ev.kind === 'overflow') {
          if (!overflowReported)
            send(errorResponse(null, { code: ErrorCode.InvalidRequest, message: `request too large (over ${MAX_LINE_BYTES} bytes); send one JSON message per line` }));
          overflowReported = false;
          continue;
        }
        void dispatcher.handleText(ev.text, ctx).then((reply) => {
          if (reply !== null) send(reply);
        });
      }
      // Answer an over-long line as soon as it crosses the cap, not only when its newline arrives.
      if (splitter.overflowing && !overflowReported) {
        overflowReported = true;
        send(errorResponse(null, { code: ErrorCode.InvalidRequest, message: `request too large (over ${MAX_LINE_BYTES} bytes); send one JSON message per line` }));
      }
    });
    socket.on('close', () => dispatcher.releaseClient(clientId));
  };
  const listen = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // Create the socket file 0600 from the start: no window in which others can connect.
      const oldUmask = process.umask(0o177);
      server.once('error', (e) => {
        process.umask(oldUmask);
        reject(e);
      });
      server.listen(path, () => {
        process.umask(oldUmask);
        server.removeAllListeners('error');
        resolve();
      });
    });
  try {
    await listen();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    if (await probeSocket(path)) throw alreadyRunning(path, home);
    fs.unlinkSync(path); // stale, left by a crash
    try {
      await listen();
    } catch (again) {
      // Another Warren took the freed path between our unlink and our bind.
      if ((again as NodeJS.ErrnoException).code === 'EADDRINUSE') throw alreadyRunning(path, home);
      throw again;
    }
  }
  fs.chmodSync(path, 0o600);
  server.on('error', (e) => log?.warn({ err: e.message }, 'socket door error'));
  return {
    path,
    serve(d) {
      dispatcher = d;
      for (const s of waiting) attach(s, d);
      waiting.clear();
    },
    async close() {
      for (const s of [...sockets, ...refused]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        fs.unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
