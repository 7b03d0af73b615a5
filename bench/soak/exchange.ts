// One client connection of the soak and its verdict. Three exchanges:
// - echo: the client sends a payload and reads it back from the suite's echo server. On a path with
//   TCP semantics it half-closes after the payload and reads the reply until the end of stream
//   (request → half-close → reply); on SSM (a FIN ends both directions) it reads the whole payload
//   back first and closes after.
// - download: the server speaks first (a header naming size and pool offset, the bytes, a FIN).
// - upload: the client sends a header and the payload; the server replies with the count and hash
//   it received, at the client's half-close (TCP) or once every byte arrived (SSM).
// Verdicts: 'intact' (every expected byte, right bytes, clean end), 'failed' (an error the program
// sees: refused, reset, EPIPE, a timeout), 'truncated' (a clean end of stream with bytes missing:
// the failure a tunnel must never produce), 'corrupted' (wrong or extra bytes).
import fs from 'node:fs';
import net from 'node:net';
import { connectTo, writeAll, type Endpoint } from '../../e2e/integration/conformance/client.js';
import type { Semantics } from '../../e2e/integration/conformance/paths/index.js';
import {
  DOWNLOAD_HEADER,
  DOWNLOAD_MAGIC,
  POOL,
  REPLY_AT_END,
  REPLY_AT_LENGTH,
  UPLOAD_HEADER,
  pickSize,
  sha256,
  slice,
} from './servers.js';

export type ExchangeKind = 'echo' | 'download' | 'upload';
export const EXCHANGES: readonly ExchangeKind[] = ['echo', 'download', 'upload'];
export type Verdict = 'intact' | 'failed' | 'truncated' | 'corrupted';

export interface Outcome {
  kind: ExchangeKind;
  verdict: Verdict;
  /** Payload bytes moved in the exchange's main direction (what was expected, when intact). */
  bytes: number;
  /** The error for 'failed' (ECONNRESET, EPIPE, ECONNREFUSED, timeout, …). */
  code?: string;
  /** What was wrong, for 'truncated' and 'corrupted'. */
  detail?: string;
}

/** Where the exchange's client connects, and what the path promises. */
export interface Target {
  endpoint(kind: ExchangeKind): Endpoint;
  semantics: Semantics;
  dialsOnFirstByte: boolean;
  /**
   * Whether the target's close reaches the client at all. Not in SSM basic mode: port_basic.go has
   * no message for it (the agent drops the target connection and tells the client nothing), so
   * there the client stops reading once it has what the exchange's framing says is due.
   */
  targetCloseTravels: boolean;
}

interface Read {
  /** 'complete': the client had every byte it expected and stopped reading (no end awaited). */
  how: 'end' | 'complete' | 'error' | 'timeout';
  code: string | undefined;
  data: Buffer;
  /** More arrived than the cap allowed (kept data stops at the cap). */
  overflow: boolean;
}

const errCode = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  if (err?.code) return err.code;
  const msg = err?.message ?? String(e);
  if (msg.startsWith('SOCKS5')) return 'SOCKS5 failure';
  if (/timed out/.test(msg)) return 'connect timeout';
  return msg.slice(0, 60);
};

/**
 * Read until end, error or deadline, keeping up to `cap` bytes. `onBytes` sees what arrived so far
 * after each chunk; returning true stops the read as 'complete'.
 */
function collect(s: net.Socket, cap: number, deadlineMs: number, onBytes?: (kept: number, chunks: readonly Buffer[]) => boolean | void): Promise<Read> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let overflow = false;
    const timer = setTimeout(() => finish('timeout', 'timeout'), deadlineMs);
    const onData = (c: Buffer): void => {
      if (kept + c.length > cap) {
        overflow = true;
        c = c.subarray(0, cap - kept);
      }
      chunks.push(c);
      kept += c.length;
      if (onBytes?.(kept, chunks) === true) finish('complete');
    };
    const onEnd = (): void => finish('end');
    const onError = (e: Error): void => finish('error', errCode(e));
    const onClose = (): void => finish('error', s.errored ? errCode(s.errored) : 'closed');
    function finish(how: Read['how'], code?: string): void {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
      s.off('close', onClose);
      resolve({ how, code, data: Buffer.concat(chunks), overflow });
    }
    s.on('data', onData);
    s.once('end', onEnd);
    s.once('error', onError);
    s.once('close', onClose);
    s.resume();
  });
}

/** TCP states (/proc/net/tcp "st") a socket reaches only after the peer's FIN, when we sent ours. */
const PEER_FIN_STATES = new Set(['06' /* TIME_WAIT */, '0B' /* CLOSING */, '08' /* CLOSE_WAIT */, '09' /* LAST_ACK */]);

/** The kernel's state of the loopback connection localPort → remotePort, or undefined if it has none. */
function kernelState(localPort: number, remotePort: number): string | undefined {
  const hex = (p: number): string => p.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hex(localPort)}`;
  const remote = `0100007F:${hex(remotePort)}`;
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[2] === remote) return f[3];
  }
  return undefined;
}

/**
 * A clean end of stream arrived with bytes missing: was it really the peer's FIN, or a reset that
 * Node reported as an end?
 *
 * libuv quirk: when the last data and a TCP RST arrive in the same event-loop wakeup, libuv's
 * uv__stream_io reads the data (a partial read), sees POLLHUP, and reports EOF without ever reading
 * the socket's pending error. The Node program then sees a clean 'end', not ECONNRESET, although
 * the peer reset the connection (what a tunnel must do when it cannot complete one). So before
 * calling a short clean end a silent truncation, ask the kernel what really happened:
 * - our write side still open: write one byte and wait for its callback. After a reset the socket
 *   carries the error and the write fails (EPIPE/ECONNRESET): the program would have seen an error,
 *   so it "failed visibly". If the write succeeds the peer really sent a FIN with bytes missing: a
 *   silent truncation.
 * - we already half-closed (no write possible): look the connection up in /proc/net/tcp. After the
 *   peer's FIN it sits in TIME_WAIT (or CLOSING/CLOSE_WAIT/LAST_ACK); after a reset the kernel has
 *   dropped it altogether. Found in a FIN state: a silent truncation; gone: a reset, failed visibly.
 * (A FIN followed later by a RST reads as a reset in both checks: the same blind spot as the probe.)
 */
async function confirmShortEnd(s: net.Socket, halfClosed: boolean, localPort: number | undefined, remotePort: number): Promise<{ visible: boolean; code: string }> {
  if (s.errored) return { visible: true, code: `${errCode(s.errored)} (after end)` };
  if (halfClosed || s.writableEnded || s.destroyed) {
    if (localPort === undefined) return { visible: false, code: 'no local port to check' };
    const st = kernelState(localPort, remotePort);
    return st !== undefined && PEER_FIN_STATES.has(st) ? { visible: false, code: `peer FIN (tcp state ${st})` } : { visible: true, code: 'ECONNRESET (seen as end; no FIN in the kernel)' };
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (visible: boolean, code: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.off('error', onError);
      resolve({ visible, code });
    };
    const onError = (e: Error): void => done(true, `${errCode(e)} (seen as end; probe write failed)`);
    const timer = setTimeout(() => done(false, 'probe write neither failed nor completed in 2 s'), 2000);
    s.on('error', onError);
    s.write(Buffer.of(0x3f), (err) => (err ? done(true, `${errCode(err)} (seen as end; probe write failed)`) : done(false, 'probe write succeeded: the peer sent a FIN')));
  });
}

/** The first offset where got differs from want (got no longer than want), or -1. */
function firstDiff(got: Buffer, want: Buffer): number {
  if (got.equals(want.subarray(0, got.length))) return -1;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return i;
  return got.length;
}

const failed = (kind: ExchangeKind, bytes: number, code: string): Outcome => ({ kind, verdict: 'failed', bytes, code });

/** Judge a read that should have delivered `want` exactly, then a clean end. */
async function judge(kind: ExchangeKind, r: Read, want: Buffer, s: net.Socket, halfClosed: boolean, localPort: number | undefined, remotePort: number): Promise<Outcome> {
  const got = r.data;
  if (r.overflow || got.length > want.length) return { kind, verdict: 'corrupted', bytes: got.length, detail: `${r.overflow ? 'more than' : got.length} bytes where ${want.length} were expected` };
  const diff = firstDiff(got, want);
  if (diff >= 0) return { kind, verdict: 'corrupted', bytes: got.length, detail: `wrong byte at offset ${diff} of ${want.length}` };
  if (r.how !== 'end' && r.how !== 'complete') return failed(kind, got.length, r.code ?? r.how);
  if (got.length === want.length) return { kind, verdict: 'intact', bytes: want.length };
  const check = await confirmShortEnd(s, halfClosed, localPort, remotePort);
  if (check.visible) return failed(kind, got.length, check.code);
  return { kind, verdict: 'truncated', bytes: got.length, detail: `clean end after ${got.length} of ${want.length} bytes (${check.code})` };
}

async function echo(s: net.Socket, t: Target, port: number, localPort: number | undefined, deadlineMs: number): Promise<Outcome> {
  const size = pickSize();
  const { bytes: payload } = slice(size);
  const tcp = t.semantics === 'tcp';
  // Without half-close the client closes once its payload came back whole (0 bytes: at once).
  const reading = collect(s, size, deadlineMs, tcp ? undefined : (n) => void (n >= size && s.end()));
  if ((await writeAll(s, payload, deadlineMs)) && (tcp || size === 0)) s.end();
  const r = await reading;
  // SSM: all of it came back and we closed; an error after that is still an error the program sees.
  if (!tcp && r.how === 'error' && r.data.length === size && r.data.equals(payload)) return failed('echo', size, `${r.code} after the whole echo`);
  return judge('echo', r, payload, s, tcp, localPort, port);
}

async function download(s: net.Socket, t: Target, port: number, localPort: number | undefined, deadlineMs: number): Promise<Outcome> {
  if (t.dialsOnFirstByte) s.write(Buffer.of(0x21));
  // Where the target's close never reaches the client, the header's size says when it is over.
  let due: number | undefined;
  const sized = (n: number, chunks: readonly Buffer[]): boolean => {
    if (n < DOWNLOAD_HEADER) return false;
    due ??= DOWNLOAD_HEADER + Buffer.concat(chunks as Buffer[]).readUInt32BE(4);
    return n >= due;
  };
  const r = await collect(s, DOWNLOAD_HEADER + POOL.length, deadlineMs, t.targetCloseTravels ? undefined : sized);
  const magic = Buffer.alloc(4);
  magic.writeUInt32BE(DOWNLOAD_MAGIC, 0);
  let want: Buffer;
  if (r.data.length >= DOWNLOAD_HEADER) {
    const size = r.data.readUInt32BE(4);
    const offset = r.data.readUInt32BE(8);
    if (!r.data.subarray(0, 4).equals(magic) || offset + size > POOL.length) return { kind: 'download', verdict: 'corrupted', bytes: r.data.length, detail: 'bad download header' };
    want = Buffer.concat([r.data.subarray(0, DOWNLOAD_HEADER), POOL.subarray(offset, offset + size)]);
  } else {
    // Not even a whole header: only its magic is known, and the header's length is what is due.
    want = Buffer.concat([magic, r.data.subarray(4), Buffer.alloc(DOWNLOAD_HEADER)]).subarray(0, DOWNLOAD_HEADER);
  }
  const out = await judge('download', r, want, s, false, localPort, port);
  s.end();
  return { ...out, bytes: Math.max(0, out.bytes - DOWNLOAD_HEADER) };
}

const REPLY = /^(-?\d+) ([0-9a-f]{64})\n$/;

async function upload(s: net.Socket, t: Target, port: number, localPort: number | undefined, deadlineMs: number): Promise<Outcome> {
  const size = pickSize();
  const { bytes: payload } = slice(size);
  const tcp = t.semantics === 'tcp';
  const header = Buffer.alloc(UPLOAD_HEADER);
  header.writeUInt32BE(size, 0);
  header[4] = tcp ? REPLY_AT_END : REPLY_AT_LENGTH;
  // Where the target's close never reaches the client, the reply's newline says when it is over.
  const reading = collect(s, 256, deadlineMs, t.targetCloseTravels ? undefined : (_, chunks) => chunks.at(-1)?.at(-1) === 0x0a);
  if ((await writeAll(s, Buffer.concat([header, payload]), deadlineMs)) && tcp) s.end();
  const r = await reading;
  const text = r.data.toString('latin1');
  const m = REPLY.exec(text);
  if ((r.how === 'end' || r.how === 'complete') && m) {
    s.end();
    const count = Number(m[1]);
    const hash = m[2];
    if (count === size && hash === sha256(payload)) return { kind: 'upload', verdict: 'intact', bytes: size };
    // The server answered: the connection was alive end to end, and the server saw a clean end
    // of stream before every byte (or the header) arrived. A reset would have left no reply.
    if (count === -1) return { kind: 'upload', verdict: 'truncated', bytes: 0, detail: `the server saw a clean end before the whole header (upload of ${size} bytes)` };
    if (count < size && hash === sha256(payload.subarray(0, count))) return { kind: 'upload', verdict: 'truncated', bytes: count, detail: `the server saw a clean end after ${count} of ${size} bytes` };
    return { kind: 'upload', verdict: 'corrupted', bytes: count, detail: `the server got ${count} bytes (${size} sent) with a different hash` };
  }
  if (!/^-?\d* ?[0-9a-f]*\n?$/.test(text)) return { kind: 'upload', verdict: 'corrupted', bytes: size, detail: `malformed reply ${JSON.stringify(text.slice(0, 40))}` };
  if (r.how !== 'end') return failed('upload', 0, r.code ?? r.how);
  // A clean end in the middle of the reply (or before it).
  const check = await confirmShortEnd(s, tcp, localPort, port);
  if (check.visible) return failed('upload', 0, check.code);
  return { kind: 'upload', verdict: 'truncated', bytes: 0, detail: `reply cut short at ${r.data.length} bytes (${check.code})` };
}

const RUN = { echo, download, upload } as const;

/** Connect through the path and run one exchange; never throws. */
export async function runExchange(kind: ExchangeKind, t: Target, deadlineMs: number): Promise<Outcome> {
  const ep = t.endpoint(kind);
  let s: net.Socket;
  try {
    s = await connectTo(ep, Math.min(deadlineMs, 15_000));
  } catch (e) {
    return failed(kind, 0, errCode(e));
  }
  // Every error is classified by the exchange; this listener only keeps a late one from throwing.
  s.on('error', () => undefined);
  const localPort = s.localPort;
  try {
    return await RUN[kind](s, t, ep.port, localPort, deadlineMs);
  } catch (e) {
    return failed(kind, 0, `bench error: ${errCode(e)}`);
  } finally {
    // Done either way; a socket still open after its verdict is closed (not reset) a bit later.
    setTimeout(() => s.destroy(), 1000).unref();
  }
}
