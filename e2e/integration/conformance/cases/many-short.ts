// Many short connections at once, HTTP/1.0 style: request, half-close, reply (the sink replies with
// the request's sha256), all intact. Where a FIN ends both directions there is no reply to wait
// for: each client must see the end promptly and every request must reach the server intact.
// A path that carries one connection at a time runs fewer, one after another.
import { randomBytes, randomInt } from 'node:crypto';
import { connectTo, readAll, type ReadOutcome } from '../client.js';
import { sha256 } from '../servers.js';
import { expectThat, type CaseContext, type ConformanceCase } from './types.js';
import { waitFor } from '../../../fixtures/ports.js';

const PARALLEL = 200;
const SEQUENTIAL = 20;
const DEADLINE_MS = 15_000;

interface Exchange {
  request: Buffer;
  out: ReadOutcome | Error;
}

async function exchange(ctx: CaseContext): Promise<Exchange> {
  const request = randomBytes(randomInt(100, 2000));
  try {
    const s = await connectTo(ctx.endpoint('sink'), DEADLINE_MS);
    try {
      const reading = readAll(s, DEADLINE_MS);
      s.end(request);
      return { request, out: await reading };
    } finally {
      s.destroy();
    }
  } catch (e) {
    return { request, out: e as Error };
  }
}

export const manyShort: ConformanceCase = {
  id: 'many-short',
  name: 'many short connections (request, half-close, reply) all intact',
  sizes: [PARALLEL],
  repeat: () => 1,
  async run(ctx) {
    const server = ctx.servers.byKind.sink;
    const from = server.nextSeq();
    const n = ctx.path.parallel ? PARALLEL : SEQUENTIAL;
    let results: Exchange[] = [];
    if (ctx.path.parallel) results = await Promise.all(Array.from({ length: n }, () => exchange(ctx)));
    else for (let i = 0; i < n; i++) results.push(await exchange(ctx));

    const hows = new Map<string, number>();
    for (const r of results) {
      const key = r.out instanceof Error ? `connect failed: ${r.out.message}` : r.out.how;
      hows.set(key, (hows.get(key) ?? 0) + 1);
    }
    const summary = [...hows].map(([k, v]) => `${v} × ${k}`).join(', ');
    if (ctx.path.semantics === 'tcp') {
      const intact = results.filter((r) => !(r.out instanceof Error) && r.out.how === 'end' && r.out.hash === sha256(Buffer.from(sha256(r.request)))).length;
      expectThat(intact === n, `${n}/${n} replies intact, each then a clean end`, `${intact}/${n} intact (${summary})`);
    } else {
      const prompt = results.filter((r) => !(r.out instanceof Error) && r.out.how !== 'timeout').length;
      expectThat(prompt === n, `${n}/${n} clients to see the end (or an error) within ${DEADLINE_MS} ms`, `${prompt}/${n} (${summary})`);
    }
    // Every request reached the server whole, whatever the semantics.
    const wanted = new Set(results.map((r) => sha256(r.request)));
    const arrived = (): number => server.conns.filter((c) => c.seq >= from && c.receivedHash !== undefined && wanted.has(c.receivedHash)).length;
    await waitFor(() => arrived() >= n, 'requests at the server', 3000, 20).catch(() => undefined);
    expectThat(arrived() >= n, `${n}/${n} requests to reach the server intact`, `${arrived()}/${n}`);
  },
};
