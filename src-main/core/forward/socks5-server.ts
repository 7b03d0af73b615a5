// The server half of a SOCKS5 handshake on one accepted socket (no-auth, CONNECT only): read the
// greeting and request with the pure codec, open the tunnel stream, reply, hand back the stream.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import {
  AUTH_NONE,
  AUTH_NO_ACCEPTABLE,
  Reply,
  encodeMethodChoice,
  encodeReply,
  parseGreeting,
  parseRequest,
  type ConnectRequest,
  type ParseResult,
} from '../../../src-shared/logic/socks5.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_HANDSHAKE_BYTES = 1024;

/** Reads bytes until parse says ok or bad; leaves any surplus unshifted back into the socket. */
function readMessage<T>(socket: net.Socket, parse: (b: Uint8Array) => ParseResult<T>, pending: { buf: Buffer }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const tryParse = (): boolean => {
      const r = parse(pending.buf);
      if (r.kind === 'more') {
        if (pending.buf.length > MAX_HANDSHAKE_BYTES) {
          finish();
          reject(new SocksError('handshake too long', Reply.GeneralFailure));
          return true;
        }
        return false;
      }
      finish();
      if (r.kind === 'bad') reject(new SocksError(r.reason, r.reply));
      else {
        pending.buf = pending.buf.subarray(r.used);
        resolve(r.value);
      }
      return true;
    };
    const onData = (chunk: Buffer): void => {
      pending.buf = pending.buf.length ? Buffer.concat([pending.buf, chunk]) : chunk;
      tryParse();
    };
    const onEnd = (): void => {
      finish();
      reject(new SocksError('client closed during the handshake'));
    };
    const finish = (): void => {
      // Pause before dropping the listener: a flowing socket with no listener loses bytes.
      socket.pause();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    if (tryParse()) return;
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

export class SocksError extends Error {
  constructor(
    message: string,
    readonly reply?: number,
  ) {
    super(message);
  }
}

/**
 * Run the handshake. `open` opens the tunnel stream for the requested target. On success the
 * socket is paused with any early payload pushed back, ready to be piped.
 */
export async function socks5Accept(
  socket: net.Socket,
  open: (req: ConnectRequest) => Promise<Duplex>,
  mapError: (err: unknown) => number = () => Reply.HostUnreachable,
): Promise<{ stream: Duplex; request: ConnectRequest }> {
  const pending = { buf: Buffer.alloc(0) };
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  try {
    const greeting = await readMessage(socket, parseGreeting, pending);
    if (!greeting.methods.includes(AUTH_NONE)) {
      socket.end(encodeMethodChoice(AUTH_NO_ACCEPTABLE));
      throw new SocksError('client offers no method we accept (only no-auth)');
    }
    socket.write(encodeMethodChoice(AUTH_NONE));
    let request: ConnectRequest;
    try {
      request = await readMessage(socket, parseRequest, pending);
    } catch (e) {
      if (e instanceof SocksError && e.reply !== undefined) socket.end(encodeReply(e.reply));
      throw e;
    }
    let stream: Duplex;
    try {
      stream = await open(request);
    } catch (e) {
      socket.end(encodeReply(mapError(e)));
      throw e;
    }
    socket.pause();
    if (pending.buf.length) socket.unshift(pending.buf);
    socket.write(encodeReply(Reply.Succeeded));
    return { stream, request };
  } finally {
    clearTimeout(timer);
  }
}
