// Small measuring tools for the benchmarks: percentiles, throughput runs, ping-pong latency,
// connection setup time, and a process's CPU and RSS from /proc.
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
