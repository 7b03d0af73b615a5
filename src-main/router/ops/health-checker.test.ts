import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { HealthChecker, tcpProbe, type ProbeFn } from './health-checker.js';

interface Result {
  address: string;
  ok: boolean;
  latencyMs: number | null;
  error?: Error;
}

const servers: net.Server[] = [];
const checkers: HealthChecker[] = [];
afterEach(async () => {
  await Promise.all(checkers.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(): Promise<number> {
  const server = net.createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on: bind, note it, close. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function checker(endpoints: string[], options: { intervalMs?: number; timeoutMs?: number; probe?: ProbeFn } = {}): { c: HealthChecker; results: Result[] } {
  const results: Result[] = [];
  const c = new HealthChecker({
    endpoints: () => endpoints,
    intervalMs: options.intervalMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 2000,
    probe: options.probe,
    onResult: (address, ok, latencyMs, error) => results.push({ address, ok, latencyMs, error }),
  });
  checkers.push(c);
  return { c, results };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('HealthChecker', () => {
  it('reports a listening endpoint up with its latency and a closed port down, over real TCP', async () => {
    const up = `127.0.0.1:${await listen()}`;
    const down = `127.0.0.1:${await deadPort()}`;
    const { c, results } = checker([up, down, 'not-an-endpoint']);
    await c.checkNow();
    const byAddress = new Map(results.map((r) => [r.address, r]));
    expect(byAddress.get(up)).toMatchObject({ ok: true });
    expect(byAddress.get(up)!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(byAddress.get(down)).toMatchObject({ ok: false, latencyMs: null });
    expect(byAddress.get(down)!.error?.message).toMatch(/ECONNREFUSED/);
    expect(byAddress.get('not-an-endpoint')).toMatchObject({ ok: false });
  });

  it('a probe that never answers fails at timeoutMs and is told to give up', async () => {
    let aborted = false;
    const hang: ProbeFn = (_h, _p, _t, signal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => (aborted = true));
      });
    const { c, results } = checker(['127.0.0.1:1'], { timeoutMs: 50, probe: hang });
    const started = Date.now();
    await c.checkNow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(results).toHaveLength(1);
    expect(results[0]!.error?.message).toMatch(/within 50 ms/);
    expect(aborted).toBe(true);
  });

  it('never runs two checks of one endpoint at once, however often asked', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const slow: ProbeFn = async () => {
      calls++;
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 60));
      running--;
      return 1;
    };
    const { c, results } = checker(['127.0.0.1:7', '127.0.0.1:7'], { intervalMs: 5, probe: slow });
    c.start();
    await Promise.all([c.checkNow(), c.checkNow()]);
    await until(() => results.length >= 3);
    await c.stop();
    expect(most).toBe(1);
    // every probe reported, except perhaps one cut short by stop()
    expect(calls - results.length).toBeGreaterThanOrEqual(0);
    expect(calls - results.length).toBeLessThanOrEqual(1);
  });

  it('start() checks at once and then every interval', async () => {
    const { c, results } = checker([`127.0.0.1:${await listen()}`], { intervalMs: 20 });
    c.start();
    await until(() => results.length >= 3);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('stop() cancels checks under way, drops their results and leaves no handles', async () => {
    const port = await listen();
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    let aborted = 0;
    const hang: ProbeFn = (_h, _p, _t, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => (aborted++, reject(new Error('cancelled')))));
    const { c, results } = checker(['127.0.0.1:9', `127.0.0.1:${port}`], { intervalMs: 10, timeoutMs: 10_000, probe: hang });
    c.start();
    await c.stop();
    expect(aborted).toBe(2);
    expect(results).toEqual([]);
    // the real probe, stopped mid-connect, closes its socket too
    const real = checker([`127.0.0.1:${port}`], { intervalMs: 10 });
    real.c.start();
    await real.c.stop();
    // a destroyed socket's handle is released in the loop's close phase, a turn or two later
    await until(() => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length <= before, 1000);
  });

  it('tcpProbe on its own honours its timeout and an abort', async () => {
    const port = await listen();
    expect(await tcpProbe('127.0.0.1', port, 1000, new AbortController().signal)).toBeGreaterThanOrEqual(0);
    const ac = new AbortController();
    ac.abort();
    await expect(tcpProbe('127.0.0.1', port, 1000, ac.signal)).rejects.toThrow(/cancelled/);
  });
});
