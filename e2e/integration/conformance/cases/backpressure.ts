// Backpressure: the server sends 40 MiB to a client that reads nothing for a while. The tunnel
// must stall that stream only (another connection on the same path still does a round trip) and
// buffer a bounded amount (the server's writes stop being taken well before the end); then the
// slow client reads it all intact. The bound is generous: with autotuning, the kernel's socket
// buffers on a hop whose reader keeps reading grow to tcp_rmem's maximum (32 MiB on some hosts),
// and SSM through the emulator settles near 22 MiB; a tunnel that buffers without bound takes it all.
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { connectTo, describeOutcome, readAll } from '../client.js';
import { sha256 } from '../servers.js';
import { CaseFailure, deadlineFor, expectThat, MiB, pokeIfNeeded, serverConn, within, type ConformanceCase } from './types.js';

const TOTAL = 40 * MiB;
/** Bytes the server may get rid of while the client reads nothing (kernel buffers and windows). */
export const BUFFER_BOUND = 32 * MiB;
const STALL_MS = 400;
const ROUND_TRIP = 64 * 1024;

/** Resolves once `value()` has not changed for `quietMs` (bounded by `timeoutMs`). */
async function settled(value: () => number, quietMs: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    const v = value();
    if (v !== last) [last, since] = [v, Date.now()];
    else if (Date.now() - since >= quietMs) return v;
  }
  throw new CaseFailure(`expected the server's sending to stall while the client reads nothing; it still moved after ${timeoutMs} ms (${value()} bytes taken)`);
}

/** A round trip on a kept-open echo connection (no half-close, so it holds on every semantics). */
async function roundTrip(s: net.Socket, n: number, timeoutMs: number): Promise<boolean> {
  const sent = randomBytes(n);
  const chunks: Buffer[] = [];
  let len = 0;
  const back = new Promise<void>((resolve) => {
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      len += c.length;
      if (len >= n) resolve();
    });
  });
  s.on('error', () => undefined);
  s.resume();
  s.write(sent);
  return (await within(back, timeoutMs)) && Buffer.concat(chunks).subarray(0, n).equals(sent);
}

export const backpressure: ConformanceCase = {
  id: 'backpressure',
  name: 'backpressure: a slow reader stalls only its own stream, bounded, then gets everything',
  sizes: [TOTAL],
  repeat: () => 1,
  async run(ctx) {
    const server = ctx.servers.byKind.speakFirst;
    const payload = randomBytes(TOTAL);
    ctx.servers.script.speakFirst = { payload, close: 'half' };
    const from = server.nextSeq();
    const slow = await connectTo(ctx.endpoint('speakFirst'));
    try {
      pokeIfNeeded(ctx, slow);
      const conn = await serverConn(server, from, 5000);
      const taken = await settled(() => conn.flushed, STALL_MS, 15_000);
      expectThat(taken < BUFFER_BOUND, `at most ${BUFFER_BOUND} bytes taken from the server while the client reads nothing`, `${taken} bytes`);
      if (ctx.path.parallel) {
        const other = await connectTo(ctx.endpoint('echo'));
        try {
          expectThat(await roundTrip(other, ROUND_TRIP, 3000), `a ${ROUND_TRIP}-byte round trip on another connection within 3 s while the slow one is stalled`, 'no intact reply');
        } finally {
          other.destroy();
        }
      }
      const out = await readAll(slow, deadlineFor(TOTAL));
      expectThat(out.how === 'end' && out.bytes === TOTAL && out.hash === sha256(payload), `all ${TOTAL} bytes intact, then a clean end`, describeOutcome(out));
    } finally {
      slow.destroy();
    }
  },
};
