// A loopback TCP server whose connections act as the test says (sink, speak first then close,
// reset mid-stream) and record what they saw: bytes and their hash, a clean end, an error. For the
// SSM tests of TCP semantics over smux/basic mode and the plugin hand-off.
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface PeerConn {
  readonly socket: net.Socket;
  received: number;
  /** sha256 of every byte received, once the connection has closed. */
  hash: string | undefined;
  sawEnd: boolean;
  error: string | undefined;
  readonly closed: Promise<void>;
}

export interface TcpPeer {
  port: number;
  readonly conns: PeerConn[];
  close(): Promise<void>;
}

/** Half-open (allowHalfOpen), as the real targets' kernels are: what a connection does is `behave`'s. */
export async function startTcpPeer(behave: (conn: PeerConn) => void): Promise<TcpPeer> {
  const conns: PeerConn[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const h = createHash('sha256');
    let closedResolve!: () => void;
    const conn: PeerConn = { socket, received: 0, hash: undefined, sawEnd: false, error: undefined, closed: new Promise<void>((r) => (closedResolve = r)) };
    socket.on('data', (c: Buffer) => {
      conn.received += c.length;
      h.update(c);
    });
    socket.on('end', () => (conn.sawEnd = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (conn.error = e.code ?? e.message));
    socket.on('close', () => {
      conn.hash = h.digest('hex');
      closedResolve();
    });
    conns.push(conn);
    behave(conn);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    conns,
    async close() {
      for (const c of conns) c.socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Reads a stream to its end or error: what came, its hash, and how it stopped. */
export function readToEnd(stream: Readable): Promise<{ bytes: number; hash: string; how: 'end' | 'error'; code: string | undefined }> {
  return new Promise((resolve) => {
    const h = createHash('sha256');
    let bytes = 0;
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      h.update(c);
    });
    stream.on('end', () => resolve({ bytes, hash: h.digest('hex'), how: 'end', code: undefined }));
    stream.on('error', (err: NodeJS.ErrnoException) => resolve({ bytes, hash: '', how: 'error', code: err.code }));
  });
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
