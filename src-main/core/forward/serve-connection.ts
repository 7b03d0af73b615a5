// What happens to one connection of a forward: a local client (-L: open a tunnel stream to the
// target; -D: SOCKS5 handshake first) or a stream the server hands us (-R: connect to the local port).
import type net from 'node:net';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardRule } from '../../../src-shared/api/index.js';
import { Reply } from '../../../src-shared/logic/socks5.js';
import type { Link } from '../link.js';
import { errorMessage } from '../reconnect-policy.js';
import { countedPipe, type ByteCounter } from './counted-pipe.js';
import { LOOPBACK } from './local-listener.js';
import { socks5Accept } from './socks5-server.js';
import { streamTarget } from './targets.js';

export interface ConnectionContext {
  rule(): ForwardRule;
  counter: ByteCounter;
  /** Count the stream as an active connection until it closes (and destroy it on stop). */
  track(stream: Duplex): void;
  /** A live link now, or after a bounded wait for the reconnector; undefined: give up on this client. */
  linkForClient(): Promise<Link | undefined>;
  /** A connection failed (target refused, …): shown as the session's last_error, the session stays up. */
  noteError(err: unknown): void;
}

export function serveLocalClient(socket: net.Socket, ctx: ConnectionContext): void {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  ctx.track(socket);
  const origin = { host: socket.remoteAddress ?? LOOPBACK, port: socket.remotePort ?? 0 };
  const rule = ctx.rule();
  void (async () => {
    const link = await ctx.linkForClient();
    if (!link || socket.destroyed) {
      socket.destroy();
      return;
    }
    let stream: Duplex;
    if (rule.kind === 'ssh' && rule.type === 'dynamic') {
      stream = (await socks5Accept(socket, (req) => link.openStream({ host: req.host, port: req.port }, origin), socksReply)).stream;
    } else {
      stream = await link.openStream(streamTarget(rule), origin);
    }
    ctx.track(stream);
    await countedPipe(socket, stream, ctx.counter);
  })().catch((e: unknown) => {
    socket.destroy();
    ctx.noteError(e);
  });
}

export function serveRemoteStream(stream: Duplex, ctx: ConnectionContext): void {
  stream.on('error', () => undefined);
  ctx.track(stream);
  const rule = ctx.rule();
  const port = rule.kind === 'ssh' ? rule.local_port : 0;
  const local = netConnect({ host: LOOPBACK, port, noDelay: true });
  local.on('error', (e) => {
    stream.destroy();
    ctx.noteError(new Error(`connection to ${LOOPBACK}:${port} failed: ${e.message}`));
  });
  local.once('connect', () => {
    ctx.track(local);
    // local → remote is what we sent through the tunnel; remote → local what we received.
    void countedPipe(local, stream, ctx.counter);
  });
}

function socksReply(err: unknown): number {
  const msg = errorMessage(err).toLowerCase();
  if (msg.includes('refused')) return Reply.ConnectionRefused;
  if (msg.includes('prohibited') || msg.includes('denied')) return Reply.NotAllowed;
  if (msg.includes('unreachable') || msg.includes('no route')) return Reply.NetworkUnreachable;
  return Reply.HostUnreachable;
}
