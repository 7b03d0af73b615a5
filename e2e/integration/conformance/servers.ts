// The target servers the conformance cases talk to through each path, one behaviour per port (a
// forward points at one port). All half-open (allowHalfOpen), so a half-close from the client is
// seen as 'end' while the server can still write, exactly as a TCP program sees it. Every accepted
// connection leaves a record of what it received and how it ended, so a case can check the server
// side too (every byte arrived; an error, not a clean end, after a reset).
import { createHash } from 'node:crypto';
import net from 'node:net';

export type ServerKind = 'echo' | 'speakFirst' | 'sink' | 'resetAfter' | 'firehose';

/** What one accepted connection saw, final once `closed` resolves. */
export interface ServerConn {
  readonly seq: number;
  received: number;
  /** sha256 hex of the received bytes, set at 'end' (or at 'close' without one). */
  receivedHash: string | undefined;
  /** A clean end of stream (the peer's FIN) arrived. */
  sawEnd: boolean;
  /** The first error's code (ECONNRESET, EPIPE, …). */
  error: string | undefined;
  /** Date.now() of the first error. */
  errorAt: number | undefined;
  /** Date.now() when the server reset the connection itself (resetAfter). */
  resetAt: number | undefined;
  /** Date.now() of the first 'end' or 'error'. */
  endedOrFailedAt: number | undefined;
  /** Bytes this server wrote that the kernel took (write callbacks that fired). */
  flushed: number;
  readonly closed: Promise<void>;
}

/** Per-case settings of the servers whose behaviour has a size (set before the case connects). */
export interface ServerScript {
  /** speakFirst: sent at once, then a half-close ('half') or a full close ('full'). */
  speakFirst: { payload: Buffer; close: 'half' | 'full' };
  /** resetAfter: RST once this many bytes arrived (0: at once). */
  resetAfter: number;
}

export interface TargetServer {
  readonly kind: ServerKind;
  readonly port: number;
  readonly conns: ServerConn[];
  /** The next connection's seq: records with seq >= this are the case's. */
  nextSeq(): number;
}

export interface TargetServers {
  readonly script: ServerScript;
  readonly byKind: Record<ServerKind, TargetServer>;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;
/** The firehose never writes more than this (bounded loops), far more than any case reads. */
const FIREHOSE_CAP = 512 * 1024 * 1024;

export const sha256 = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

function record(seq: number, socket: net.Socket): ServerConn {
  const hash = createHash('sha256');
  const conn: ServerConn = {
    seq,
    received: 0,
    receivedHash: undefined,
    sawEnd: false,
    error: undefined,
    resetAt: undefined,
    errorAt: undefined,
    endedOrFailedAt: undefined,
    flushed: 0,
    closed: new Promise<void>((r) =>
      socket.once('close', () => {
        conn.receivedHash ??= hash.digest('hex');
        r();
      }),
    ),
  };
  socket.on('data', (c: Buffer) => {
    conn.received += c.length;
    hash.update(c);
  });
  socket.once('end', () => {
    conn.sawEnd = true;
    conn.receivedHash = hash.digest('hex');
    conn.endedOrFailedAt ??= Date.now();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    conn.error ??= e.code ?? e.message;
    conn.errorAt ??= Date.now();
    conn.endedOrFailedAt ??= Date.now();
  });
  return conn;
}

/** Write `payload` in chunks with backpressure, counting what the kernel took; then call `after`. */
function sendAll(socket: net.Socket, conn: ServerConn, payload: Buffer, after: () => void): void {
  let off = 0;
  const pump = (): void => {
    while (off < payload.length && !socket.destroyed) {
      const chunk = payload.subarray(off, off + CHUNK);
      off += chunk.length;
      const ok = socket.write(chunk, (err) => {
        if (!err) conn.flushed += chunk.length;
      });
      if (!ok) return void socket.once('drain', pump);
    }
    if (!socket.destroyed) after();
  };
  pump();
}

type Behaviour = (socket: net.Socket, conn: ServerConn, script: ServerScript) => void;

const behaviours: Record<ServerKind, Behaviour> = {
  // Echo, and end after the client's half-close once every byte went back (pipe does that).
  echo: (socket) => void socket.pipe(socket),
  // Speak first, close (half or full), and keep reading what the client sends afterwards.
  speakFirst: (socket, conn, script) => {
    const { payload, close } = script.speakFirst;
    sendAll(socket, conn, payload, () => {
      socket.end();
      if (close === 'full') socket.once('finish', () => socket.destroy());
    });
    socket.resume();
  },
  // Read everything; after the client's half-close, reply with the sha256 hex of it and end.
  sink: (socket) => {
    const hash = createHash('sha256');
    socket.on('data', (c: Buffer) => hash.update(c));
    socket.once('end', () => socket.end(hash.digest('hex')));
  },
  // RST once `resetAfter` bytes arrived (the client is still sending).
  resetAfter: (socket, conn, script) => {
    const limit = script.resetAfter;
    const reset = (): void => {
      conn.resetAt = Date.now();
      socket.resetAndDestroy();
    };
    if (limit === 0) return reset();
    const onData = (): void => {
      if (conn.received < limit || socket.destroyed) return;
      socket.off('data', onData);
      reset();
    };
    socket.on('data', onData);
  },
  // Write without end until the connection fails (the client resets it) or the cap; read too.
  firehose: (socket, conn) => {
    const chunk = Buffer.alloc(CHUNK, 0x5a);
    let sent = 0;
    const pump = (): void => {
      while (sent < FIREHOSE_CAP && !socket.destroyed) {
        sent += chunk.length;
        const ok = socket.write(chunk, (err) => {
          if (!err) conn.flushed += chunk.length;
        });
        if (!ok) return void socket.once('drain', pump);
      }
    };
    pump();
    socket.resume();
  },
};

async function startOne(kind: ServerKind, script: ServerScript, sockets: Set<net.Socket>): Promise<{ server: net.Server; target: TargetServer }> {
  const conns: ServerConn[] = [];
  let seq = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const conn = record(seq++, socket);
    conns.push(conn);
    behaviours[kind](socket, conn, script);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return { server, target: { kind, port, conns, nextSeq: () => seq } };
}

export async function startTargetServers(): Promise<TargetServers> {
  const script: ServerScript = { speakFirst: { payload: Buffer.alloc(0), close: 'half' }, resetAfter: 0 };
  const sockets = new Set<net.Socket>();
  const kinds: ServerKind[] = ['echo', 'speakFirst', 'sink', 'resetAfter', 'firehose'];
  const started = await Promise.all(kinds.map((k) => startOne(k, script, sockets)));
  const byKind = Object.fromEntries(started.map((s) => [s.target.kind, s.target])) as Record<ServerKind, TargetServer>;
  return {
    script,
    byKind,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(started.map(({ server }) => new Promise<void>((r) => server.close(() => r()))));
    },
  };
}
