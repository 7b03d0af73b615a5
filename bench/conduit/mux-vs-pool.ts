// Multiplexing vs a pool of TLS connections, measured (docs/README.md records why Conduit multiplexes):
// `node --import tsx bench/conduit/mux-vs-pool.ts`. One process holds router, client and echo target.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient } from '../../e2e/fixtures/conduit-router.js';
import { startEchoServer } from '../../e2e/integration/helpers/echo-server.js';

const PER = 32 * 1024 * 1024;
function pump(s: Duplex, n: number): Promise<void> {
  return new Promise((res, rej) => {
    let got = 0;
    s.on('data', (c: Buffer) => { got += c.length; if (got >= n) { s.destroy(); res(); } });
    s.on('error', rej);
    const chunk = randomBytes(64 * 1024);
    let sent = 0;
    const write = (): void => { while (sent < n) { sent += chunk.length; if (!s.write(chunk)) { s.once('drain', write); return; } } };
    write();
  });
}
const echo = await startEchoServer();
const alice = testClient('a', ['127.0.0.1:*']);
const r = await startTestRouter({ clients: [clientSpec(alice)] });
{
  // Warm the JIT on both sides first so the first figure is not the slow one for that reason alone.
  const warm = await dialRouter(r, staticKeys(alice.identity));
  await pump(await warm.openStream({ host: '127.0.0.1', port: echo.port }), PER);
  await warm.close();
}
for (const streams of [1, 8]) {
  const link = await dialRouter(r, staticKeys(alice.identity));
  let t = performance.now();
  await Promise.all(Array.from({ length: streams }, async () => pump(await link.openStream({ host: '127.0.0.1', port: echo.port }), PER)));
  const mux = (streams * PER * 2) / 1048576 / ((performance.now() - t) / 1000);
  const links = await Promise.all(Array.from({ length: streams }, () => dialRouter(r, staticKeys(alice.identity))));
  t = performance.now();
  await Promise.all(links.map(async (l) => pump(await l.openStream({ host: '127.0.0.1', port: echo.port }), PER)));
  const pool = (streams * PER * 2) / 1048576 / ((performance.now() - t) / 1000);
  console.log(`${streams} stream(s): one multiplexed TLS connection ${mux.toFixed(0)} MB/s, ${streams} pooled TLS connections ${pool.toFixed(0)} MB/s (both directions)`);
  for (const l of links) await l.close();
  // setup: new stream on a live mux vs a new TLS connection
  const setupMux: number[] = []; const setupTls: number[] = [];
  for (let i = 0; i < 200; i++) { t = performance.now(); const s = await link.openStream({ host: '127.0.0.1', port: echo.port }); setupMux.push(performance.now() - t); s.destroy(); }
  for (let i = 0; i < 50; i++) { t = performance.now(); const l = await dialRouter(r, staticKeys(alice.identity)); setupTls.push(performance.now() - t); await l.close(); }
  const p50 = (a: number[]): number => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  if (streams === 1) console.log(`open a stream: mux p50 ${p50(setupMux).toFixed(2)} ms; new TLS connection + handshake p50 ${p50(setupTls).toFixed(2)} ms`);
  await link.close();
}
const mem0 = process.memoryUsage().rss;
console.log('rss', (mem0 / 1048576).toFixed(0), 'MB');
await r.stop(); await echo.close();
