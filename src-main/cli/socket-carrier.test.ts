// The carrier against a small Unix socket server that speaks JSON lines, so framing, id matching,
// deadlines and notifications are exercised over a real socket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { DaemonUnavailableError, SocketCarrier } from './socket-carrier.js';

interface Peer {
  socket: net.Socket;
  lines: Array<Record<string, unknown>>;
  waitForLines(n: number): Promise<Array<Record<string, unknown>>>;
}

let dir: string;
let server: net.Server | undefined;
const carriers: SocketCarrier[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-carrier-'));
});

afterEach(async () => {
  for (const c of carriers.splice(0)) await c.close();
  if (server) await new Promise<void>((r) => server?.close(() => r()));
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Listen on a socket; resolve with the first peer once it connects. */
async function listen(): Promise<{ socketPath: string; peer: Promise<Peer> }> {
  const socketPath = path.join(dir, 'warren.sock');
  let gotPeer!: (p: Peer) => void;
  const peer = new Promise<Peer>((r) => (gotPeer = r));
  server = net.createServer((socket) => {
    const lines: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
        buf = buf.slice(nl + 1);
      }
      for (const w of waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    gotPeer({
      socket,
      lines,
      async waitForLines(n) {
        while (lines.length < n) await new Promise<void>((r) => waiters.push(r));
        return lines;
      },
    });
  });
  await new Promise<void>((r) => server?.listen(socketPath, () => r()));
  fs.chmodSync(socketPath, 0o600); // as the daemon makes it: the carrier refuses anything looser
  return { socketPath, peer };
}

async function connect(socketPath: string, timeoutMs?: number): Promise<SocketCarrier> {
  const c = await SocketCarrier.connect({ socketPath, timeoutMs });
  carriers.push(c);
  return c;
}

const status = {
  pid: 42,
  version: '0.1.0',
  started_at: '2026-02-11T15:00:00Z',
  uptime: '1m',
  connected_clients: 1,
  active_ssh_connections: 0,
  active_forwards: 0,
  warren_home: '/tmp/x',
  memory: { rss: 80_000_000, heap_total: 20_000_000, heap_used: 14_000_000, external: 2_000_000 },
};

describe('SocketCarrier', () => {
  it('says no daemon is running when the socket is missing', async () => {
    const socketPath = path.join(dir, 'warren.sock');
    const err = await SocketCarrier.connect({ socketPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonUnavailableError);
    expect((err as Error).message).toBe(
      `no daemon is running (looked for ${socketPath}); start one with \`warren daemon start\` (or open the Warren app)`,
    );
    expect((err as WarrenError).code).toBe(ErrorCode.ConnectionFailed);
  });

  it('says no daemon is running when a stale socket file refuses', async () => {
    const { socketPath } = await listen();
    // Leave the socket file behind with nobody listening, as a crashed daemon would.
    await new Promise<void>((r) => {
      server?.close(() => r());
      server = undefined;
    });
    fs.writeFileSync(socketPath, '');
    await expect(SocketCarrier.connect({ socketPath })).rejects.toBeInstanceOf(DaemonUnavailableError);
  });

  it('matches answers to requests by id, across split and joined chunks', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    const a = c.call('daemon.status', {});
    const b = c.call('forward.add', { host: 'h', type: 'dynamic', local_port: 1080 });
    const p = await peer;
    const [reqA, reqB] = await p.waitForLines(2);
    expect(reqA).toMatchObject({ jsonrpc: '2.0', method: 'daemon.status', params: {} });
    expect(reqB).toMatchObject({ method: 'forward.add', params: { host: 'h', type: 'dynamic', local_port: 1080 } });
    // Answer B first, both in one write, the second one cut in two.
    const text =
      JSON.stringify({ jsonrpc: '2.0', id: reqB?.['id'], result: { name: 'h-dynamic-1080' } }) +
      '\n' +
      JSON.stringify({ jsonrpc: '2.0', id: reqA?.['id'], result: status }) +
      '\n';
    const cut = text.length - 10;
    p.socket.write(text.slice(0, cut));
    await new Promise((r) => setTimeout(r, 20));
    p.socket.write(text.slice(cut));
    await expect(b).resolves.toEqual({ name: 'h-dynamic-1080' });
    await expect(a).resolves.toEqual(status);
  });

  it('turns an error answer back into a WarrenError with code and data', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    const call = c.call('ssh.connect', { host: 'prod' });
    const p = await peer;
    const [req] = await p.waitForLines(1);
    const data = { host: 'prod', fingerprint: 'SHA256:abc' };
    p.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: req?.['id'], error: { code: 1008, message: 'unknown host key', data } })}\n`);
    const err = (await call.catch((e: unknown) => e)) as WarrenError;
    expect(err).toBeInstanceOf(WarrenError);
    expect(err.code).toBe(ErrorCode.HostKeyUnknown);
    expect(err.message).toBe('unknown host key');
    expect(err.data).toEqual(data);
  });

  it('rejects a result that does not match the contract', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    const call = c.call('daemon.status', {});
    const p = await peer;
    const [req] = await p.waitForLines(1);
    p.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: req?.['id'], result: { pid: 'nope' } })}\n`);
    await expect(call).rejects.toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('unexpected result') });
  });

  it('gives up on a call after its deadline and ignores the late answer', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath, 100);
    const call = c.call('daemon.status', {});
    await expect(call).rejects.toThrow(/no answer from the daemon to daemon.status/);
    const p = await peer;
    const [req] = await p.waitForLines(1);
    p.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: req?.['id'], result: status })}\n`);
    // The carrier still works for the next call.
    const next = c.call('daemon.status', {});
    const lines = await p.waitForLines(2);
    p.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: lines[1]?.['id'], result: status })}\n`);
    await expect(next).resolves.toEqual(status);
  });

  it('delivers valid notifications and drops ones that break the contract', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    const got: Array<[string, unknown]> = [];
    const off = c.onNotification((m, params) => got.push([m, params]));
    const p = await peer;
    p.socket.write(
      [
        { jsonrpc: '2.0', method: 'event.ssh', params: { type: 'connected', host: 'prod' } },
        { jsonrpc: '2.0', method: 'event.ssh', params: { type: 'exploded', host: 'prod' } },
        { jsonrpc: '2.0', method: 'event.future', params: {} },
        { jsonrpc: '2.0', method: 'event.forward', params: { type: 'started', name: 'web', host: 'prod' } },
      ]
        .map((m) => JSON.stringify(m) + '\n')
        .join(''),
    );
    const deadline = Date.now() + 2000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([
      ['event.ssh', { type: 'connected', host: 'prod' }],
      ['event.forward', { type: 'started', name: 'web', host: 'prod' }],
    ]);
    off();
  });

  it('fails pending calls and tells close listeners when the daemon hangs up', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    let closedWith: Error | undefined;
    c.onClose((e) => (closedWith = e));
    const call = c.call('daemon.status', {});
    const p = await peer;
    await p.waitForLines(1);
    p.socket.destroy();
    await expect(call).rejects.toThrow(/closed the connection/);
    await c.closed;
    expect(closedWith?.message).toMatch(/closed the connection/);
    await expect(c.call('daemon.status', {})).rejects.toThrow(/closed the connection/);
  });

  it('drops the connection when the daemon sends something that is not JSON', async () => {
    const { socketPath, peer } = await listen();
    const c = await connect(socketPath);
    const call = c.call('daemon.status', {});
    const p = await peer;
    await p.waitForLines(1);
    p.socket.write('hello there\n');
    await expect(call).rejects.toThrow(/not JSON/);
  });

  // Issue 14: the CLI sends passphrases over this socket; a socket someone else planted would get them.
  describe('refuses a socket that is not the user\'s own daemon, sending nothing', () => {
    /** Bytes and connections the planted server receives: both must stay zero. */
    async function planted(): Promise<{ socketPath: string; got: { connections: number; bytes: number } }> {
      const { socketPath, peer } = await listen();
      const got = { connections: 0, bytes: 0 };
      void peer.then((p) => {
        got.connections++;
        p.socket.on('data', (d: Buffer | string) => (got.bytes += d.length));
      });
      return { socketPath, got };
    }

    it('a socket owned by another uid', async () => {
      const { socketPath, got } = await planted();
      fs.chownSync(socketPath, 65534, 65534);
      const err = await SocketCarrier.connect({ socketPath }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WarrenError);
      expect((err as WarrenError).code).toBe(ErrorCode.InsecurePath);
      expect((err as Error).message).toMatch(/owned by uid 65534.*not your daemon/);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual({ connections: 0, bytes: 0 });
    });

    it('a socket open to group or others (0666)', async () => {
      const { socketPath, got } = await planted();
      fs.chmodSync(socketPath, 0o666);
      const err = await SocketCarrier.connect({ socketPath }).catch((e: unknown) => e);
      expect((err as WarrenError).code).toBe(ErrorCode.InsecurePath);
      expect((err as Error).message).toMatch(/open to group or others \(mode 0666\)/);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual({ connections: 0, bytes: 0 });
    });

    it('a symlink planted at the socket path', async () => {
      const { socketPath, got } = await planted();
      const link = path.join(dir, 'link.sock');
      fs.symlinkSync(socketPath, link);
      const err = await SocketCarrier.connect({ socketPath: link }).catch((e: unknown) => e);
      expect((err as WarrenError).code).toBe(ErrorCode.InsecurePath);
      expect(got).toEqual({ connections: 0, bytes: 0 });
    });

    it('a good socket in a home that others can write', async () => {
      const { socketPath, got } = await planted();
      fs.chmodSync(dir, 0o777);
      const err = await SocketCarrier.connect({ socketPath }).catch((e: unknown) => e);
      expect((err as WarrenError).code).toBe(ErrorCode.InsecurePath);
      expect((err as Error).message).toMatch(/chmod 700/);
      expect(got).toEqual({ connections: 0, bytes: 0 });
    });
  });
});
