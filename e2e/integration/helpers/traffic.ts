// Push bytes through a forwarded port and check they come back intact (the echo server returns them).
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { encodeRequest, ATYP_IPV4, ATYP_DOMAIN } from '../../../src-shared/logic/socks5.js';

export interface EchoResult {
  bytes: number;
  intact: boolean;
  ms: number;
}

/** Open a TCP connection (optionally through a SOCKS5 proxy) and hand back the socket. */
export async function connectThrough(port: number, socks?: { host: string; port: number }): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  if (!socks) return s;
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(socks.host);
  s.write(Uint8Array.of(5, 1, 0));
  await readExactly(s, 2);
  s.write(encodeRequest({ atyp: isIp ? ATYP_IPV4 : ATYP_DOMAIN, host: socks.host, port: socks.port }));
  const reply = await readExactly(s, 10);
  if (reply[1] !== 0) {
    s.destroy();
    throw new Error(`SOCKS5 reply ${reply[1]}`);
  }
  return s;
}

function readExactly(s: net.Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= n) {
        s.off('data', onData);
        s.off('error', reject);
        s.pause();
        if (buf.length > n) s.unshift(buf.subarray(n));
        resolve(buf.subarray(0, n));
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.resume();
  });
}

/** Send `total` random bytes through an echo path and compare SHA-256 of what went and came back. */
export async function echoThrough(socket: net.Socket, total: number, timeoutMs = 120_000): Promise<EchoResult> {
  const t0 = performance.now();
  const sentHash = createHash('sha256');
  const gotHash = createHash('sha256');
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo timed out after ${received} of ${total} bytes`)), timeoutMs);
    socket.on('data', (c: Buffer) => {
      gotHash.update(c);
      received += c.length;
      if (received >= total) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      if (received < total) reject(new Error(`closed after ${received} of ${total} bytes`));
    });
    socket.resume();
  });
  const chunk = 64 * 1024;
  for (let sent = 0; sent < total; ) {
    const n = Math.min(chunk, total - sent);
    const b = randomBytes(n);
    sentHash.update(b);
    sent += n;
    if (!socket.write(b)) await new Promise((r) => socket.once('drain', r));
  }
  await done;
  socket.destroy();
  return { bytes: received, intact: sentHash.digest('hex') === gotHash.digest('hex'), ms: performance.now() - t0 };
}
