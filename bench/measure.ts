// Small measuring tools for the benchmarks: percentiles, throughput runs, ping-pong latency,
// connection setup time, and a process's CPU and RSS from /proc.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { connectThrough, echoThrough } from '../e2e/integration/helpers/traffic.js';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** MB/s of echoed payload (bytes one way / time) over `streams` parallel connections. */
export async function throughput(port: number, totalBytes: number, streams: number): Promise<number> {
  const per = Math.floor(totalBytes / streams);
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: streams }, async () => echoThrough(await connectThrough(port), per)));
  const secs = (performance.now() - t0) / 1000;
  if (!results.every((r) => r.intact)) throw new Error('data corrupted in throughput run');
  return (per * streams) / (1024 * 1024) / secs;
}

const WRITE_CHUNK = 64 * 1024;
/** Period of the payload pattern: a multiple of WRITE_CHUNK, so no write slice wraps around it. */
const PATTERN_BYTES = 16 * WRITE_CHUNK;
let pattern: Buffer | undefined;

/**
 * MB/s of echoed payload (bytes one way / time; the same bytes flow back at the same time) over
 * `streams` parallel connections. Unlike throughput(), it sends slices of one random block made
 * once and checks what comes back with memcmp instead of fresh random bytes and SHA-256: on a small
 * machine the measuring process then costs far less CPU than the path being measured, so fast
 * paths are not capped by the benchmark itself.
 */
export async function streamThroughput(port: number, totalBytes: number, streams: number, timeoutMs = 120_000): Promise<number> {
  pattern ??= randomBytes(PATTERN_BYTES);
  const per = Math.floor(totalBytes / streams);
  const sockets = await Promise.all(Array.from({ length: streams }, () => connectThrough(port)));
  const t0 = performance.now();
  try {
    await Promise.all(sockets.map((s) => echoPattern(s, per, pattern!, timeoutMs)));
  } finally {
    for (const s of sockets) s.destroy();
  }
  const secs = (performance.now() - t0) / 1000;
  return (per * streams) / (1024 * 1024) / secs;
}

async function echoPattern(s: net.Socket, total: number, block: Buffer, timeoutMs: number): Promise<void> {
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo timed out after ${received} of ${total} bytes`)), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    s.on('data', (c: Buffer) => {
      for (let pos = 0; pos < c.length; ) {
        const off = received % block.length;
        const n = Math.min(c.length - pos, block.length - off);
        if (received + n > total || !c.subarray(pos, pos + n).equals(block.subarray(off, off + n))) {
          return fail(new Error(`data corrupted in throughput run at byte ${received}`));
        }
        pos += n;
        received += n;
      }
      if (received === total) {
        clearTimeout(timer);
        resolve();
      }
    });
    s.once('error', fail);
    s.once('close', () => fail(new Error(`closed after ${received} of ${total} bytes`)));
  });
  const writing = (async () => {
    for (let sent = 0; sent < total && !s.destroyed; ) {
      const n = Math.min(WRITE_CHUNK, total - sent);
      const off = sent % block.length;
      sent += n;
      if (!s.write(block.subarray(off, off + n))) await new Promise((r) => s.once('drain', r));
    }
  })();
  // `done` settles on every outcome (timer included); the writer only has to not be left behind.
  await Promise.all([done, writing]);
}

/** 64-byte request/response round trips on one connection; milliseconds. */
export async function pingPong(port: number, rounds: number): Promise<number[]> {
  const s = await connectThrough(port);
  const payload = Buffer.alloc(64, 7);
  const times: number[] = [];
  let got = 0;
  let resolveRound: (() => void) | undefined;
  s.on('data', (c: Buffer) => {
    got += c.length;
    if (got >= 64 && resolveRound) {
      got -= 64;
      const r = resolveRound;
      resolveRound = undefined;
      r();
    }
  });
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      resolveRound = resolve;
      s.write(payload);
    });
    times.push(performance.now() - t0);
  }
  s.destroy();
  return times;
}

/** Time from connect() to the first echoed byte on a new connection; milliseconds. */
export async function setupTimes(port: number, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.once('connect', () => s.write('x'));
      s.once('data', () => resolve());
    });
    times.push(performance.now() - t0);
    s.destroy();
  }
  return times;
}

const CLK_TCK = 100; // Linux USER_HZ

/** CPU seconds (user+system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
