// The client side of every case: connect through a path (a SOCKS5 CONNECT first for -D), read
// until the stream ends, fails or a deadline passes, and write with backpressure. Half-open
// (allowHalfOpen) like any program that half-closes: a received end does not close our side.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { encodeRequest, ATYP_IPV4 } from '../../../src-shared/logic/socks5.js';

/** Where a client connects for one target server: a port, and for SOCKS5 the target to ask for. */
export interface Endpoint {
  port: number;
  socks?: { host: string; port: number };
}

/** How a read ended: a clean end of stream, an error, or nothing before the deadline (a hang). */
export interface ReadOutcome {
  how: 'end' | 'error' | 'timeout';
  bytes: number;
  hash: string;
  /** The error's code (ECONNRESET, EPIPE, …) when how is 'error'. */
  code: string | undefined;
  /** Date.now() when it ended or failed. */
  at: number;
}

export const describeOutcome = (o: ReadOutcome): string =>
  o.how === 'error' ? `error ${o.code} after ${o.bytes} bytes` : o.how === 'end' ? `clean end after ${o.bytes} bytes` : `no end within the deadline after ${o.bytes} bytes`;

const errCode = (e: NodeJS.ErrnoException): string => e.code ?? e.message;

/** Read n bytes exactly (the SOCKS5 replies), leaving the rest in the socket, which is left paused. */
function readExactly(s: net.Socket, n: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`SOCKS5: no ${n}-byte reply within ${timeoutMs} ms`)), timeoutMs);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      if (buf.length < n) return;
      s.pause();
      if (buf.length > n) s.unshift(buf.subarray(n));
      finish();
    };
    const onEnd = (): void => finish(new Error(`SOCKS5: stream ended after ${buf.length} of ${n} reply bytes`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('error', finish);
      s.off('end', onEnd);
      if (err) reject(err);
      else resolve(buf.subarray(0, n));
    }
    s.on('data', onData);
    s.once('error', finish);
    s.once('end', onEnd);
    s.resume();
  });
}

/** A connected, half-open socket through the endpoint, paused, ready for the case's bytes. */
export async function connectTo(ep: Endpoint, timeoutMs = 5000): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port: ep.port, noDelay: true, allowHalfOpen: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connect to 127.0.0.1:${ep.port} timed out`)), timeoutMs);
      s.once('connect', () => (clearTimeout(timer), resolve()));
      s.once('error', (e) => (clearTimeout(timer), reject(e)));
    });
    if (ep.socks) {
      s.write(Uint8Array.of(5, 1, 0));
      await readExactly(s, 2, timeoutMs);
      s.write(encodeRequest({ atyp: ATYP_IPV4, host: ep.socks.host, port: ep.socks.port }));
      const reply = await readExactly(s, 10, timeoutMs);
      if (reply[1] !== 0) throw new Error(`SOCKS5 CONNECT refused with reply ${reply[1]}`);
    }
  } catch (e) {
    s.destroy();
    throw e;
  }
  s.pause();
  return s;
}

/** No byte for this long while a transfer should flow is a hang (bounds a failing case's cost). */
export const IDLE_MS = 3000;

/**
 * Read until the stream ends, fails, the deadline passes or nothing arrives for idleMs (both
 * give the outcome 'timeout').
 */
export function readAll(s: net.Socket, deadlineMs: number, idleMs = IDLE_MS): Promise<ReadOutcome> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const timer = setTimeout(() => finish('timeout'), deadlineMs);
    const idle = setTimeout(() => finish('timeout'), idleMs);
    const onData = (c: Buffer): void => {
      bytes += c.length;
      hash.update(c);
      idle.refresh();
    };
    const onEnd = (): void => finish('end');
    const onError = (e: NodeJS.ErrnoException): void => finish('error', errCode(e));
    // A socket destroyed by our own code before any end/error: treat as an error (never seen in
    // the cases, but it must not hang the reader).
    const onClose = (): void => finish('error', 'closed');
    function finish(how: ReadOutcome['how'], code?: string): void {
      clearTimeout(timer);
      clearTimeout(idle);
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
      s.off('close', onClose);
      resolve({ how, bytes, hash: hash.digest('hex'), code, at: Date.now() });
    }
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onError);
    s.once('close', onClose);
    // It may have ended or failed before we were called (a paused socket can still be reset):
    // those events are behind us, so say what they were instead of waiting for the deadline.
    if (s.readableEnded) return finish('end');
    if (s.destroyed) return finish('error', s.errored ? errCode(s.errored as NodeJS.ErrnoException) : 'closed');
    s.resume();
  });
}

/** Write payload in 64 KiB pieces with backpressure; resolves false if the socket failed first. */
export async function writeAll(s: net.Socket, payload: Buffer, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  for (let off = 0; off < payload.length; off += 64 * 1024) {
    if (s.destroyed || !s.writable) return false;
    if (!s.write(payload.subarray(off, off + 64 * 1024))) {
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
        const onDrain = (): void => done(true);
        const onClose = (): void => done(false);
        function done(ok: boolean): void {
          clearTimeout(timer);
          s.off('drain', onDrain);
          s.off('close', onClose);
          resolve(ok);
        }
        s.once('drain', onDrain);
        s.once('close', onClose);
      });
      if (!drained) return false;
    }
  }
  return true;
}

/**
 * Keep writing until the socket fails (or `capBytes`): the side that keeps writing is the one that
 * must see a reset. Resolves with the first error's code and when it came, or 'none'.
 */
export interface WriteOutcome {
  /** The first error's code, or 'none' if the deadline or the cap came first. */
  code: string;
  at: number;
  sent: number;
}

export function writeUntilError(s: net.Socket, capBytes: number, deadlineMs: number): Promise<WriteOutcome> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let sent = 0;
    let settled = false;
    const timer = setTimeout(() => finish('none'), deadlineMs);
    const onError = (e: NodeJS.ErrnoException): void => finish(errCode(e));
    function finish(code: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.off('error', onError);
      s.off('drain', pump);
      resolve({ code, at: Date.now(), sent });
    }
    function pump(): void {
      while (!settled && sent < capBytes) {
        if (s.destroyed || !s.writable) return finish(s.errored ? errCode(s.errored as NodeJS.ErrnoException) : 'not-writable');
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
    }
    s.on('error', onError);
    pump();
  });
}

/**
 * After a clean end with bytes missing: did the peer really send FIN, or did it reset? A Node
 * (libuv) client that reads its last bytes and an RST in one wakeup reports a clean 'end' (libuv's
 * uv__stream_io takes POLLHUP after a partial read as EOF and never reads the error), so 'end' alone
 * cannot tell. The kernel can: after an RST the socket is closed and a write fails at once (EPIPE),
 * while after a FIN the write is accepted. Resolves with the error code, or undefined for a FIN.
 */
export function resetBehindEnd(s: net.Socket, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(s.errored ? errCode(s.errored as NodeJS.ErrnoException) : undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const onError = (e: NodeJS.ErrnoException): void => done(errCode(e));
    function done(code: string | undefined): void {
      clearTimeout(timer);
      s.off('error', onError);
      resolve(code);
    }
    s.once('error', onError);
    s.write(Uint8Array.of(0), (e) => (e ? done(errCode(e as NodeJS.ErrnoException)) : done(undefined)));
  });
}
