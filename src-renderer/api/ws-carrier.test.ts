// The WebSocket carrier against a real `ws` JSON-RPC server on loopback that we stop and restart,
// the way a daemon restart looks from the browser.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ErrorCode, WarrenError, createClient } from '../../src-shared/api/index.js';
import type { ConnectionStatus, LiveCarrier } from './carrier.js';
import { DISCONNECTED_CODE, createWsCarrier, type SocketOpener } from './ws-carrier.js';

const wsOpener: SocketOpener = (url, h) => {
  const ws = new WebSocket(url);
  ws.on('open', () => h.onOpen());
  ws.on('message', (d) => h.onMessage(String(d)));
  ws.on('close', () => h.onClose());
  ws.on('error', () => undefined);
  return { send: (t) => ws.send(t), close: () => ws.close() };
};

interface FakeDaemon {
  port: number;
  generation: number;
  /** Every request received, across connections. */
  requests: Array<{ method: string; params: unknown }>;
  /** Active subscription ids on the current connections. */
  subs: Map<string, WebSocket>;
  broadcast(method: string, params: unknown): void;
  /** Make the next forward.start never answer (to test calls lost in flight). */
  hang: boolean;
  stop(): Promise<void>;
}

let generation = 0;
/** A tiny JSON-RPC daemon: enough methods to exercise the carrier, ids unique per generation. */
async function startDaemon(port = 0, shared?: Pick<FakeDaemon, 'requests'>): Promise<FakeDaemon> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const gen = ++generation;
  let seq = 0;
  const d: FakeDaemon = {
    port: (wss.address() as { port: number }).port,
    generation: gen,
    requests: shared?.requests ?? [],
    subs: new Map(),
    hang: false,
    broadcast(method, params) {
      for (const ws of new Set(d.subs.values())) ws.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
    },
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const req = JSON.parse(String(raw)) as { id: number; method: string; params: Record<string, unknown> };
      d.requests.push({ method: req.method, params: req.params });
      const reply = (body: object): void => ws.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, ...body }));
      switch (req.method) {
        case 'events.subscribe': {
          const id = `g${gen}-s${++seq}`;
          d.subs.set(id, ws);
          return reply({ result: { subscription_id: id } });
        }
        case 'events.unsubscribe':
          return reply({ result: { ok: d.subs.delete(String(req.params['subscription_id'])) } });
        case 'forward.list':
          return reply({ result: { forwards: [] } });
        case 'forward.start':
          if (d.hang) return;
          return reply({ error: { code: ErrorCode.RuleNotFound, message: 'no rule named x', data: { name: 'x' } } });
        case 'session.list':
          // Off-contract on purpose: sessions must be an array.
          return reply({ result: { sessions: 'nope' } });
        default:
          return reply({ error: { code: ErrorCode.MethodNotFound, message: 'nope' } });
      }
    });
  });
  return d;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function waitStatus(carrier: LiveCarrier, want: ConnectionStatus): Promise<void> {
  if (carrier.status === want) return Promise.resolve();
  return new Promise((resolve) => {
    const off = carrier.onStatus((s) => {
      if (s === want) {
        off();
        resolve();
      }
    });
  });
}

async function setup(): Promise<{ daemon: FakeDaemon; carrier: LiveCarrier }> {
  const daemon = await startDaemon();
  const carrier = createWsCarrier({ url: `ws://127.0.0.1:${daemon.port}/rpc`, open: wsOpener, backoff: { initialMs: 20, maxMs: 200 }, callTimeoutMs: 5000 });
  cleanups.push(() => daemon.stop(), () => carrier.close());
  return { daemon, carrier };
}

describe('ws carrier', () => {
  it('sends calls with ids and resolves results, rejects errors as WarrenError with code and data', async () => {
    const { carrier } = await setup();
    const client = createClient(carrier);
    // Calls made before the socket opened wait for it.
    expect(carrier.status).toBe('connecting');
    const [a, b] = await Promise.all([client.call('forward.list'), client.call('forward.list', {})]);
    expect(a).toEqual({ forwards: [] });
    expect(b).toEqual({ forwards: [] });
    const err = await client.call('forward.start', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenError);
    expect(err).toMatchObject({ code: ErrorCode.RuleNotFound, data: { name: 'x' } });
  });

  it('rejects results that break the contract', async () => {
    const { carrier } = await setup();
    const err = await createClient(carrier).call('session.list').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.InternalError });
  });

  it('delivers valid notifications and drops malformed ones', async () => {
    const { daemon, carrier } = await setup();
    const client = createClient(carrier);
    const got: unknown[] = [];
    client.on('event.forward', (p) => got.push(p));
    await client.call('events.subscribe', { types: ['forward'] });
    daemon.broadcast('event.forward', { type: 'started' }); // missing name/host: dropped
    daemon.broadcast('event.forward', { type: 'started', name: 'web', host: 'prod' });
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]).toEqual({ type: 'started', name: 'web', host: 'prod' });
  });

  it('reconnects with backoff after the daemon restarts, re-subscribes, then reports open', async () => {
    const { daemon, carrier } = await setup();
    const client = createClient(carrier);
    const statuses: ConnectionStatus[] = [];
    carrier.onStatus((s) => statuses.push(s));
    const got: string[] = [];
    client.on('event.forward', (p) => got.push(p.name));
    const { subscription_id } = await client.call('events.subscribe', { types: ['forward', 'metrics'] });

    daemon.hang = true;
    const inFlight = client.call('forward.start', { name: 'x' }).catch((e: unknown) => e);
    await expect.poll(() => daemon.requests.some((r) => r.method === 'forward.start')).toBe(true);
    const port = daemon.port;
    await daemon.stop();
    expect(await inFlight).toMatchObject({ code: DISCONNECTED_CODE });
    await waitStatus(carrier, 'down');

    // While down, a call waits for the connection instead of failing.
    const waiting = client.call('forward.list');
    const next = await startDaemon(port, daemon);
    cleanups.push(() => next.stop());
    await waitStatus(carrier, 'open');
    expect(await waiting).toEqual({ forwards: [] });
    expect(statuses).toEqual(['open', 'down', 'open']);

    // The new daemon got the same subscription, and its events arrive.
    const resub = daemon.requests.filter((r) => r.method === 'events.subscribe');
    expect(resub).toHaveLength(2);
    expect(resub[1]!.params).toEqual({ types: ['forward', 'metrics'] });
    next.broadcast('event.forward', { type: 'active', name: 'after-restart', host: 'h' });
    await expect.poll(() => got).toEqual(['after-restart']);

    // Unsubscribing with the id the app knows reaches the daemon as the new connection's id.
    await client.call('events.unsubscribe', { subscription_id });
    expect(daemon.requests.at(-1)).toEqual({ method: 'events.unsubscribe', params: { subscription_id: `g${next.generation}-s1` } });
    expect(next.subs.size).toBe(0);
  });

  it('keeps retrying while the daemon is away, without giving up', async () => {
    const { daemon, carrier } = await setup();
    await waitStatus(carrier, 'open');
    const port = daemon.port;
    await daemon.stop();
    await waitStatus(carrier, 'down');
    // Several backoff rounds pass with nobody listening (connections refused).
    const refusedFor = Date.now() + 300;
    await expect.poll(() => Date.now() > refusedFor, { timeout: 2000 }).toBe(true);
    expect(carrier.status).toBe('down');
    const next = await startDaemon(port);
    cleanups.push(() => next.stop());
    await waitStatus(carrier, 'open');
  });
});
