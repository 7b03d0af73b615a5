// The two target servers the soak needs beyond the conformance suite's (its echo server is reused
// as is): a server-first download whose size the server picks, and an upload sink that says how
// many bytes arrived and their sha256. Both are half-open (allowHalfOpen) like the suite's servers.
// The conformance speakFirst/sink servers are not enough here: speakFirst sends one scripted payload
// to every connection (the soak runs mixed sizes at once), and sink replies with a hash only, which
// cannot tell an upload cut short (a silent truncation) from one with wrong bytes (corruption).
//
// Every payload is a slice of one random pool, so a client checks bytes by comparing slices.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The sizes of the soak's payloads and how often each is picked (weights). */
export const SIZES: ReadonlyArray<{ bytes: number; weight: number }> = [
  { bytes: 0, weight: 2 },
  { bytes: 1, weight: 2 },
  { bytes: 64 * KiB, weight: 4 },
  { bytes: 3 * MiB, weight: 1 },
];
const TOTAL_WEIGHT = SIZES.reduce((n, s) => n + s.weight, 0);
const MAX_SIZE = Math.max(...SIZES.map((s) => s.bytes));

export function pickSize(): number {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const s of SIZES) if ((r -= s.weight) < 0) return s.bytes;
  return 0;
}

/** Payloads are slices of this pool (MAX_SIZE + 1 MiB: offsets vary, slices never run off the end). */
export const POOL = randomBytes(MAX_SIZE + MiB);

/** A payload of `size` bytes at a random offset of the pool. */
export function slice(size: number): { offset: number; bytes: Buffer } {
  const offset = Math.floor(Math.random() * (POOL.length - size));
  return { offset, bytes: POOL.subarray(offset, offset + size) };
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Download header: "SOAK", u32 size, u32 pool offset; then `size` bytes of the pool. */
export const DOWNLOAD_MAGIC = 0x534f414b;
export const DOWNLOAD_HEADER = 12;

/** Upload header: u32 length, u8 flag; then `length` bytes. */
export const UPLOAD_HEADER = 5;
/** Reply at the client's end of stream (a half-close must carry every byte first). */
export const REPLY_AT_END = 0;
/** Reply once `length` bytes arrived (paths without half-close: SSM, where a FIN ends both ways). */
export const REPLY_AT_LENGTH = 1;

export interface SoakServer {
  readonly port: number;
  /**
   * Upload server only: uploads the server saw end cleanly before every byte arrived ('cut': the
   * program behind the tunnel would take a partial upload for a whole one), and those that ended
   * in an error instead ('reset').
   */
  readonly atTarget: { cut: number; reset: number };
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

function write(socket: net.Socket, payload: Buffer, then: () => void): void {
  let off = 0;
  const pump = (): void => {
    while (off < payload.length && !socket.destroyed) {
      const chunk = payload.subarray(off, off + 64 * KiB);
      off += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    if (!socket.destroyed) then();
  };
  pump();
}

async function serve(handler: (socket: net.Socket) => void, atTarget = { cut: 0, reset: 0 }): Promise<SoakServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset from the tunnel is an expected part of the soak; the client side classifies it.
    socket.on('error', () => socket.destroy());
    handler(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    atTarget,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Server-first download: at once a header naming the size and pool offset it picked, the bytes,
 * then a half-close. What the client sends is read and dropped (SSM basic mode dials the target
 * only on the client's first byte, so a client there sends one).
 */
export function startDownloadServer(): Promise<SoakServer> {
  return serve((socket) => {
    const { offset, bytes } = slice(pickSize());
    const header = Buffer.alloc(DOWNLOAD_HEADER);
    header.writeUInt32BE(DOWNLOAD_MAGIC, 0);
    header.writeUInt32BE(bytes.length, 4);
    header.writeUInt32BE(offset, 8);
    write(socket, Buffer.concat([header, bytes]), () => socket.end());
    socket.resume();
  });
}

/**
 * Upload sink: reads the header and the bytes; replies "<received> <sha256>\n" and ends, either at
 * the client's end of stream (REPLY_AT_END) or once `length` bytes arrived (REPLY_AT_LENGTH).
 * `received` counts payload bytes only, so a reply with fewer than `length` means the server saw a
 * clean end of stream before every byte arrived. The server counts those itself too (atTarget):
 * when the link dies, the reply cannot reach the client, so only the server can tell that the
 * tunnel's far end ended its connection cleanly instead of resetting it. The same libuv quirk as
 * on the client (exchange.ts confirmShortEnd) applies: the reply's write callback tells a reset
 * (the write fails) from a real FIN (it succeeds).
 */
export function startUploadServer(): Promise<SoakServer> {
  const atTarget = { cut: 0, reset: 0 };
  return serve((socket) => {
    let head = Buffer.alloc(0);
    let length = -1;
    let flag = REPLY_AT_END;
    let received = 0;
    let replied = false;
    let failed = false;
    const hash = createHash('sha256');
    const reply = (atEnd: boolean): void => {
      if (replied || socket.destroyed) return;
      replied = true;
      // An end of stream before the whole header: "-1", a count no complete upload can have.
      // A connection that ended without a byte is not counted: probes of the path (a plugin's
      // readiness check, a monitor's) look just like it.
      const short = atEnd && (length < 0 ? head.length > 0 : received < length);
      const text = length < 0 ? `-1 ${sha256(head)}\n` : `${received} ${hash.digest('hex')}\n`;
      socket.write(text, (err) => {
        if (short && !failed) {
          if (err) atTarget.reset++;
          else atTarget.cut++;
        }
      });
      socket.end();
    };
    socket.on('error', () => {
      if (!failed && !replied && (head.length > 0 || received > 0)) atTarget.reset++;
      failed = true;
    });
    socket.on('data', (c: Buffer) => {
      if (replied) return;
      if (length < 0) {
        head = Buffer.concat([head, c]);
        if (head.length < UPLOAD_HEADER) return;
        length = head.readUInt32BE(0);
        flag = head[4] as number;
        c = head.subarray(UPLOAD_HEADER);
      }
      received += c.length;
      hash.update(c);
      if (flag === REPLY_AT_LENGTH && received >= length) reply(false);
    });
    socket.once('end', () => reply(true));
  }, atTarget);
}
