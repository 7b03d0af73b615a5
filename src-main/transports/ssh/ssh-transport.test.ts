// Integration: the transport against a real OpenSSH sshd (e2e/fixtures/sshd.ts) on loopback.
import crypto from 'node:crypto';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { startSshd, type SshdFixture } from '../../../e2e/fixtures/sshd.js';
import type { Link } from '../../core/link.js';
import { SshConfigResolver } from './ssh-config.js';
import { createSshTransport, jumpChain, type TransportLog } from './ssh-transport.js';

const quietLog: TransportLog = { debug() {}, info() {}, warn() {}, error() {} };

/** A loopback echo server; closes with the test. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), srv.close(() => r()))),
  };
}

/** Write `data` into a duplex that echoes, and collect the same number of bytes back. */
function roundTrip(stream: Duplex, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= data.length) resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
    stream.write(data);
  });
}

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

describe('ssh transport over a real sshd', () => {
  let sshd: SshdFixture;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  const links: Link[] = [];
  beforeAll(async () => {
    sshd = await startSshd();
    echo = await echoServer();
    await sshd.writeClientConfig(
      [sshd.hostBlock('hop1'), sshd.hostBlock('hop2', ['ProxyJump hop1']), sshd.hostBlock('target', ['ProxyJump hop1,hop2'])].join('\n'),
    );
  });
  afterEach(async () => {
    for (const l of links.splice(0)) await l.close();
  });
  afterAll(async () => {
    await echo?.close();
    await sshd?.stop();
  });
  const transport = (): ReturnType<typeof createSshTransport> => createSshTransport({ sshConfigPath: sshd.sshConfigPath, log: quietLog, env: {} });
  const connect = async (alias: string): Promise<Link> => {
    const link = await transport().connect(alias, new AbortController().signal);
    links.push(link);
    return link;
  };

  it('connects and carries 1 MiB to a loopback echo server intact', async () => {
    const link = await connect('fixture');
    expect(link.key).toBe('ssh:fixture');
    const stream = await link.openStream({ host: '127.0.0.1', port: echo.port });
    const data = crypto.randomBytes(1024 * 1024);
    expect(sha(await roundTrip(stream, data))).toBe(sha(data));
    stream.end();
  });

  it('opening a stream to a closed port rejects with 1011 and leaves the link usable', async () => {
    const link = await connect('fixture');
    const closed = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    await expect(link.openStream({ host: '127.0.0.1', port: closed })).rejects.toMatchObject({ code: ErrorCode.ConnectionFailed });
    expect(await link.probe(5000)).toBeGreaterThan(0);
  });

  it('routes connections of two remote listeners on one connection to the right handler', async () => {
    const link = await connect('fixture');
    const seen: string[] = [];
    const mk = (tag: string) => (stream: Duplex) => {
      seen.push(tag);
      stream.end(tag);
    };
    const a = await link.listenRemote!({ host: '127.0.0.1', port: 0 }, mk('A'));
    const b = await link.listenRemote!({ host: '127.0.0.1', port: 0 }, mk('B'));
    expect(a.port).not.toBe(b.port);
    const read = (port: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        let out = '';
        s.on('data', (d) => (out += d.toString()));
        s.on('end', () => resolve(out));
        s.on('error', reject);
      });
    expect(await read(b.port)).toBe('B');
    expect(await read(a.port)).toBe('A');
    expect(seen).toEqual(['B', 'A']);
    await a.close();
    // After close the server stops listening on that port.
    await expect(read(a.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await b.close();
  });

  it('probe measures a real round trip', async () => {
    const link = await connect('fixture');
    const rtts = [await link.probe(5000), await link.probe(5000), await link.probe(5000)];
    for (const r of rtts) {
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(5000);
    }
  });

  it('fires onClose once when the sshd process serving the session dies, and probes then fail', async () => {
    const link = await connect('fixture');
    const fired: Array<Error | undefined> = [];
    const closed = new Promise<void>((r) => link.onClose((e) => (fired.push(e), r())));
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    await closed;
    expect(link.closed).toBe(true);
    await expect(link.probe(1000)).rejects.toBeInstanceOf(WarrenError);
    await link.close();
    expect(fired).toHaveLength(1);
  });

  it('close() is orderly: onClose fires without an error', async () => {
    const link = await connect('fixture');
    const fired = new Promise<Error | undefined>((r) => link.onClose(r));
    await link.close();
    expect(await fired).toBeUndefined();
    await expect(link.openStream({ host: '127.0.0.1', port: echo.port })).rejects.toMatchObject({ code: ErrorCode.NotConnected });
  });

  it('goes through a two-hop ProxyJump chain (hop1 → hop2 → target) and carries data', async () => {
    const cfg = await SshConfigResolver.load(sshd.sshConfigPath);
    expect(jumpChain(cfg, cfg.resolve('target')).map((h) => h.alias)).toEqual(['hop1', 'hop2']);
    const before = (sshd.logs().match(/Accepted publickey/g) ?? []).length;
    const link = await connect('target');
    // Three SSH sessions reached the server: hop1, hop2 through hop1, target through hop2.
    expect((sshd.logs().match(/Accepted publickey/g) ?? []).length - before).toBe(3);
    const stream = await link.openStream({ host: '127.0.0.1', port: echo.port });
    const data = crypto.randomBytes(64 * 1024);
    expect(sha(await roundTrip(stream, data))).toBe(sha(data));
    stream.end();
    expect(await link.probe(5000)).toBeGreaterThan(0);
  });

  it('refused port → 1011 naming host:port; unknown alias → 1001; abort → AbortError', async () => {
    await sshd.stopListener();
    try {
      const err = await transport().connect('fixture', new AbortController().signal).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.ConnectionFailed });
      expect((err as Error).message).toContain(`127.0.0.1:${sshd.port}`);
      expect((err as Error).message).toMatch(/refused/);
    } finally {
      await sshd.startListener();
    }
    await expect(transport().connect('nope', new AbortController().signal)).rejects.toMatchObject({ code: ErrorCode.HostNotFound });
    const ac = new AbortController();
    const pending = transport().connect('fixture', ac.signal);
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
