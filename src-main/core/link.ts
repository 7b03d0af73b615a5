// What every transport gives the engine. The forwarder, monitor and reconnector are written once
// against these interfaces; ssh (now), ssm and conduit (later) implement them.
import type { Duplex } from 'node:stream';

export interface StreamTarget {
  host: string;
  port: number;
}

/** Where a forwarded connection came from (informational; ssh passes it to the server). */
export interface StreamOrigin {
  host: string;
  port: number;
}

/** A listener the far side opened for us (ssh -R). */
export interface RemoteListener {
  /** The port the far side actually bound (useful when 0 was asked). */
  readonly port: number;
  close(): Promise<void>;
}

export interface IncomingStreamInfo {
  /** Address the far side accepted the connection on. */
  destIP: string;
  destPort: number;
  srcIP: string;
  srcPort: number;
}

/**
 * Every stream a transport hands the engine (openStream's result, listenRemote's onStream) keeps
 * TCP's semantics, as OpenSSH's channels do for `ssh -L` (the engine splices it to a local socket
 * with core/forward/tcp-splice.ts and relies on exactly this):
 * - it is half-open (allowHalfOpen): the peer's half-close (SSH CHANNEL_EOF, a Conduit FIN frame)
 *   is push(null) after every byte before it, and the stream stays writable;
 * - end() carries a half-close to the peer after every byte written; 'finish' follows;
 * - the peer aborting it (Conduit RESET, SSH CHANNEL_CLOSE before EOF) and the link under it dying
 *   or being closed is destroy(err) with err.code 'ECONNRESET', never a clean push(null): a clean
 *   end is only ever what the peer really sent;
 * - destroy(err) by the engine is the transport's reset toward the peer (Conduit RESET, SSH
 *   CHANNEL_CLOSE) unless both directions had already ended;
 * - reading is flow-controlled: a reader that stops reading stalls only this stream, and the
 *   transport buffers at most one window for it.
 * Where the protocol has no half-close (SSM's smux and basic mode), a FIN either way ends both
 * directions: the peer's FIN is push(null) and later writes fail (ECONNRESET); our end() sends FIN
 * and ends the read side too.
 */
export type TunnelStream = Duplex;

/**
 * A live transport connection that streams are opened over (one SSH connection per host, one SSM
 * data channel per session, one TLS connection per conduit router).
 */
export interface Link {
  /** Stable identity of what this link connects to, e.g. "ssh:prod-server". */
  readonly key: string;
  readonly closed: boolean;
  /** Open a byte stream to target as seen from the far side. Rejects with a WarrenError on failure. */
  openStream(target: StreamTarget, origin?: StreamOrigin): Promise<Duplex>;
  /** Ask the far side to listen on bind and hand us each accepted connection (remote forward). */
  listenRemote?(bind: StreamTarget, onStream: (stream: Duplex, info: IncomingStreamInfo) => void): Promise<RemoteListener>;
  /** Whether the far side will let streams reach target (conduit asks its router); rejects with a WarrenError if not. */
  checkTarget?(target: StreamTarget, protocol?: 'tcp' | 'udp'): Promise<void>;
  /** One round trip over the link; resolves with milliseconds, rejects on timeout or a dead link. */
  probe(timeoutMs: number): Promise<number>;
  /** Date.now() of the last byte received from the far side, if the transport tracks it. */
  lastReceiveAt?(): number;
  /**
   * The transport swapped the far-side session under this link without closing it (SSM's
   * make-before-break before a session or credential deadline); connectMs is the new session's.
   */
  onRenewed?(listener: (info: { connectMs: number }) => void): () => void;
  /** Called once when the link dies or is closed (err absent for an orderly close). */
  onClose(listener: (err?: Error) => void): () => void;
  close(): Promise<void>;
}

/** Connects links. Errors are WarrenErrors with the API's codes (1007 auth, 1008 unknown host key…). */
export interface Transport<Target> {
  connect(target: Target, signal: AbortSignal): Promise<Link>;
}
