// A UDP forward's local side: one socket bound to the rule's bind address; each peer that sends
// to it gets its own datagram session over the link (so replies find their way back), which
// expires after a quiet spell. Datagrams that arrive while a session is still opening wait in a
// small queue; beyond it they are dropped, as UDP would.
import dgram from 'node:dgram';
import net from 'node:net';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { Link, StreamTarget } from '../link.js';
import type { ByteCounter } from './tcp-splice.js';

export const UDP_IDLE_MS = 60_000;
const MAX_QUEUED = 64;

export interface DatagramChannel {
  send(msg: Buffer): boolean;
  onMessage(listener: (msg: Buffer) => void): void;
  onClose(listener: (err?: Error) => void): void;
  close(): void;
  readonly lastActivityAt: number;
}

export interface DatagramLink {
  openDatagram(target: StreamTarget): Promise<DatagramChannel>;
}

export interface UdpContext {
  target(): StreamTarget;
  counter: ByteCounter;
  linkForClient(): Promise<(Link & DatagramLink) | undefined>;
  noteError(err: unknown): void;
}

export interface UdpForwarder {
  /** Peers with a live datagram session. */
  readonly sessions: number;
  close(): void;
}

interface PeerSession {
  channel: DatagramChannel | undefined;
  queue: Buffer[];
  lastActivityAt: number;
}

export async function listenUdp(bind: { host: string; port: number }, ctx: UdpContext, idleMs = UDP_IDLE_MS): Promise<UdpForwarder> {
  const sock = dgram.createSocket({ type: net.isIPv6(bind.host) ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new WarrenError(ErrorCode.PortConflict, `UDP port ${bind.port} on ${bind.host} is already in use by another program: stop it or choose another bind port`, bind)
          : new WarrenError(ErrorCode.InternalError, `could not listen on udp ${bind.host}:${bind.port}: ${err.message}`),
      ),
    );
    sock.bind(bind.port, bind.host, () => resolve());
  });
  sock.removeAllListeners('error');
  sock.on('error', (e) => ctx.noteError(e));

  const peers = new Map<string, PeerSession>();
  let closed = false;

  const open = async (key: string, peer: PeerSession, rinfo: dgram.RemoteInfo): Promise<void> => {
    try {
      const link = await ctx.linkForClient();
      if (!link) throw new Error('the tunnel is not connected');
      const channel = await link.openDatagram(ctx.target());
      if (closed || peers.get(key) !== peer) return channel.close();
      peer.channel = channel;
      channel.onMessage((msg) => {
        peer.lastActivityAt = Date.now();
        ctx.counter.addReceived(msg.length);
        sock.send(msg, rinfo.port, rinfo.address);
      });
      channel.onClose(() => {
        if (peers.get(key) === peer) peers.delete(key);
      });
      for (const m of peer.queue.splice(0)) if (channel.send(m)) ctx.counter.addSent(m.length);
    } catch (e) {
      peers.delete(key);
      ctx.noteError(e);
    }
  };

  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}|${rinfo.port}`;
    let peer = peers.get(key);
    if (!peer) {
      peer = { channel: undefined, queue: [], lastActivityAt: Date.now() };
      peers.set(key, peer);
      void open(key, peer, rinfo);
    }
    peer.lastActivityAt = Date.now();
    if (peer.channel) {
      if (peer.channel.send(msg)) ctx.counter.addSent(msg.length);
    } else if (peer.queue.length < MAX_QUEUED) peer.queue.push(msg);
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, p] of peers)
      if (now - Math.max(p.lastActivityAt, p.channel?.lastActivityAt ?? 0) > idleMs) {
        peers.delete(key);
        p.channel?.close();
      }
  }, Math.max(250, Math.floor(idleMs / 4)));
  sweep.unref();

  return {
    get sessions() {
      return peers.size;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      for (const p of peers.values()) p.channel?.close();
      peers.clear();
      sock.close();
    },
  };
}
