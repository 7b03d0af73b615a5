// What happens to one connection of a forward: a local client (-L: open a tunnel stream to the
// target; -D: SOCKS5 handshake first) or a stream the server hands us (-R: connect to the local port).
import type net from 'node:net';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardRule } from '../../../src-shared/api/index.js';
import { Reply } from '../../../src-shared/logic/socks5.js';
import type { Link } from '../link.js';
import { errorMessage } from '../reconnect-policy.js';
import { resetError, resetStream, spliceTcp, type ByteCounter } from './tcp-splice.js';
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
  // Errors before the splice takes over end up in the catch below (a destroyed socket).
  socket.on('error', () => undefined);
  ctx.track(socket);
  const origin = { host: socket.remoteAddress ?? LOOPBACK, port: socket.remotePort ?? 0 };
  const rule = ctx.rule();
  void (async () => {
    const link = await ctx.linkForClient();
    if (!link || socket.destroyed) {
      // No tunnel to carry it: refuse visibly (RST), as ssh -L does when its channel open fails.
      resetStream(socket, resetError('no link to carry the connection'));
      return;
    }
    let stream: Duplex;
    if (rule.kind === 'ssh' && rule.type === 'dynamic') {
      stream = (await socks5Accept(socket, (req) => link.openStream({ host: req.host, port: req.port }, origin), socksReply)).stream;
    } else {
      stream = await link.openStream(streamTarget(rule), origin);
    }
    ctx.track(stream);
    if (socket.destroyed) {
      // The client gave up while the stream was opening: abort the stream toward the far side too.
      resetStream(stream, resetError('the local client closed before the tunnel stream opened'));
      return;
    }
    await spliceTcp(socket, stream, ctx.counter);
  })().catch((e: unknown) => {
    resetStream(socket, resetError(errorMessage(e)));
    ctx.noteError(e);
  });
}

export function serveRemoteStream(stream: Duplex, ctx: ConnectionContext): void {
  stream.on('error', () => undefined);
  ctx.track(stream);
  const rule = ctx.rule();
  const port = rule.kind === 'ssh' ? rule.local_port : 0;
  // Half-open like the local listener's sockets: the far client's half-close reaches the local
  // service while its reply still flows back.
  const local = netConnect({ host: LOOPBACK, port, noDelay: true, allowHalfOpen: true });
  const onConnectError = (e: Error): void => {
    resetStream(stream, resetError(`connection to ${LOOPBACK}:${port} failed: ${e.message}`));
    ctx.noteError(new Error(`connection to ${LOOPBACK}:${port} failed: ${e.message}`));
  };
  local.once('error', onConnectError);
  local.once('connect', () => {
    local.off('error', onConnectError);
    ctx.track(local);
    // local → remote is what we sent through the tunnel; remote → local what we received.
    void spliceTcp(local, stream, ctx.counter);
  });
}

function socksReply(err: unknown): number {
  const msg = errorMessage(err).toLowerCase();
  if (msg.includes('refused')) return Reply.ConnectionRefused;
  if (msg.includes('prohibited') || msg.includes('denied')) return Reply.NotAllowed;
  if (msg.includes('unreachable') || msg.includes('no route')) return Reply.NetworkUnreachable;
  return Reply.HostUnreachable;
}
