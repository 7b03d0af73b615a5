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
