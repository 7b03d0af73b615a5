// Dials a Conduit router: TLS 1.3 with our key's certificate, then the router's key is checked
// against the pin (--router-key) or known_routers (trust on first use; a changed key is always
// refused) BEFORE a single protocol byte is sent, then HELLO ⇄ HELLO_ACK. If our key was rotated
// and this router has not seen the new one yet, we connect with the previous key and hand the
// new one over (ROTATE, proven by a signature over this TLS session's exporter bytes).
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { ConduitLink } from './conduit-link.js';
import { toWarrenError } from './conduit-errors.js';
import { formatHostPort, type HostPort } from '../../../src-shared/logic/source-pattern.js';
import {
  checkKnownRouter,
  clientTlsOptions,
  peerFingerprint,
  recordKnownRouter,
  signRotationProof,
  tlsBindingBytes,
  type ConduitIdentity,
} from './identity/index.js';
import { FrameType, type Frame } from './protocol/frames.js';
import { encodeHello, helloAckSchema, parseJson, rotateAckSchema, type HelloAck, type RotateAck } from './protocol/messages.js';
import { Mux } from './protocol/mux.js';

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const VERSION = '0.1.0';

/** Which key to present, and the rotation bookkeeping around it. */
export interface ClientKeys {
  current: ConduitIdentity;
  /** The key before the last rotation, while some routers have not acknowledged the new one. */
  previous?: ConduitIdentity;
  needsRotation(router: string): boolean;
  acknowledged(router: string): void;
}

export interface RouterConnectOptions {
  router: HostPort;
  keys: ClientKeys;
  /** Expected router fingerprint ("SHA256:…", from --router-key). Absent: known_routers decides. */
  pin?: string;
  knownRoutersFile: string;
  handshakeTimeoutMs?: number;
  signal?: AbortSignal;
  maxFrameBytes?: number;
}

export async function connectRouter(opts: RouterConnectOptions): Promise<ConduitLink> {
  const address = formatHostPort(opts.router.host, opts.router.port);
  const rotating = opts.keys.previous !== undefined && opts.keys.needsRotation(address);
  const presented = rotating ? opts.keys.previous! : opts.keys.current;
  const link = await dial(opts, address, presented);
  if (rotating) {
    try {
      const ack = await rotate(link, opts.keys.current, opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
      if (ack.accepted) opts.keys.acknowledged(address);
    } catch (e) {
      await link.close();
      throw toWarrenError(e, `router ${address}`);
    }
  }
  return link;
}

async function dial(opts: RouterConnectOptions, address: string, identity: ConduitIdentity): Promise<ConduitLink> {
  const timeoutMs = opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const socket = await tlsConnect(opts, address, identity, timeoutMs);
  const fp = peerFingerprint(socket);
  try {
    verifyRouterKey(opts, address, fp);
  } catch (e) {
    socket.destroy();
    throw e;
  }
  socket.setNoDelay(true);
  return await hello(socket, opts, address, fp!, timeoutMs);
}

function tlsConnect(opts: RouterConnectOptions, address: string, identity: ConduitIdentity, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new WarrenError(ErrorCode.ConnectionFailed, `connecting to router ${address} was cancelled`));
    const socket = tls.connect({
      host: opts.router.host,
      port: opts.router.port,
      ...clientTlsOptions(identity),
      // SNI must be a name, never an IP address (RFC 6066).
      ...(net.isIP(opts.router.host) ? {} : { servername: opts.router.host }),
    });
    let settled = false;
    const done = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve(socket);
    };
    // Stays for the socket's whole life (the Mux adds its own once it owns the socket): a TLS
    // socket we gave up on may still report an error, and one nobody listens to kills the process.
    const onError = (e: Error): void =>
      done(new WarrenError(ErrorCode.ConnectionFailed, `cannot reach router ${address}: ${e.message} (is \`warren conduit router\` running there, and the port open?)`));
    const onAbort = (): void => done(new WarrenError(ErrorCode.ConnectionFailed, `connecting to router ${address} was cancelled`));
    const timer = setTimeout(() => done(new WarrenError(ErrorCode.ConnectionFailed, `router ${address}: TLS handshake did not finish within ${timeoutMs} ms`)), timeoutMs);
    socket.once('secureConnect', () => {
      if (socket.getProtocol() !== 'TLSv1.3') return done(new WarrenError(ErrorCode.ProtocolMismatch, `router ${address} negotiated ${socket.getProtocol()}, not TLS 1.3`));
      done();
    });
    socket.on('error', onError);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function verifyRouterKey(opts: RouterConnectOptions, address: string, fp: string | undefined): void {
  if (!fp) throw new WarrenError(ErrorCode.RouterKeyMismatch, `router ${address} presented no Ed25519 key: it is not a Conduit router`, { router: address });
  if (opts.pin !== undefined) {
    if (fp !== opts.pin)
      throw new WarrenError(
        ErrorCode.RouterKeyMismatch,
        `router ${address} presented key ${fp}, not the pinned ${opts.pin}: refusing (someone may be intercepting, or the router's key changed; check with its operator)`,
        { router: address, expected: opts.pin, actual: fp },
      );
    return;
  }
  const known = checkKnownRouter(opts.knownRoutersFile, address, fp);
  if (known.status === 'changed')
    throw new WarrenError(
      ErrorCode.RouterKeyMismatch,
      `router ${address} presented key ${fp} but ${opts.knownRoutersFile} records ${known.recorded}: refusing. If the operator really changed the router's key, remove its line from that file (or pass --router-key).`,
      { router: address, expected: known.recorded, actual: fp },
    );
  if (known.status === 'unknown') recordKnownRouter(opts.knownRoutersFile, address, fp);
}

function hello(socket: tls.TLSSocket, opts: RouterConnectOptions, address: string, fp: string, timeoutMs: number): Promise<ConduitLink> {
  return new Promise((resolve, reject) => {
    let link: ConduitLink | undefined;
    let settled = false;
    const mux = new Mux(socket, {
      role: 'client',
      ...(opts.maxFrameBytes ? { maxFrameBytes: opts.maxFrameBytes } : {}),
      onControl: (f: Frame) => {
        if (link) return link.control(f);
        if (f.type !== FrameType.HelloAck) return;
        let ack: HelloAck;
        try {
          ack = parseJson(helloAckSchema, f.payload, 'hello_ack');
        } catch (e) {
          return finish(e);
        }
        link = new ConduitLink(`conduit:${address}`, address, mux, ack, fp);
        finish();
      },
    });
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      offClose();
      if (err !== undefined || !link) {
        mux.destroy();
        reject(toWarrenError(err ?? mux.error, `router ${address}`));
      } else resolve(link);
    };
    const offClose = mux.onClose((err) => finish(err ?? new Error('the router closed the connection during the handshake')));
    const timer = setTimeout(() => finish(new Error(`no answer to HELLO within ${timeoutMs} ms`)), timeoutMs);
    mux.send(FrameType.Hello, 0, encodeHello({ client: `warren/${VERSION} ${os.hostname()}`, features: ['udp', 'stats', 'rotate'] }));
  });
}

function rotate(link: ConduitLink, next: ConduitIdentity, timeoutMs: number): Promise<RotateAck> {
  const socket = link.mux.socket as tls.TLSSocket;
  const proof = signRotationProof(next.privateKey, tlsBindingBytes(socket));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to the key rotation within ${timeoutMs} ms`)), timeoutMs);
    link.onRotateAck = (payload: Buffer) => {
      clearTimeout(timer);
      try {
        resolve(parseJson(rotateAckSchema, payload, 'rotate_ack'));
      } catch (e) {
        reject(e as Error);
      }
    };
    link.mux.sendJson(FrameType.Rotate, 0, { public_key: next.publicKeyText, proof: proof.toString('base64') });
  });
}
