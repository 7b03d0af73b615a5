// The local side of a UDP tunnel against a fake link whose datagram channels echo: one session per
// peer, replies to the right peer, idle sessions expire, a taken port is error 1006.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src-shared/api/index.js';
import type { Link } from '../link.js';
import { listenUdp, type DatagramChannel, type DatagramLink, type UdpForwarder } from './udp-forwarder.js';

function echoChannel(opened: { count: number; closed: number }): DatagramChannel {
  const listeners: Array<(m: Buffer) => void> = [];
  const closers: Array<() => void> = [];
  let closed = false;
  opened.count++;
  return {
    lastActivityAt: Date.now(),
    send: (m) => {
      if (closed) return false;
      setImmediate(() => listeners.forEach((l) => l(Buffer.from(`echo:${m.toString()}`))));
      return true;
    },
    onMessage: (l) => void listeners.push(l),
    onClose: (l) => void closers.push(l),
    close: () => {
      if (closed) return;
      closed = true;
      opened.closed++;
      closers.forEach((c) => c());
    },
  };
}

async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

function reply(s: dgram.Socket): Promise<string> {
  return new Promise((resolve) => s.once('message', (m) => resolve(m.toString())));
}

describe('UDP forwarder', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => cleanup.splice(0).forEach((c) => c()));

  it('gives each peer its own session, answers the right peer, and expires idle sessions', async () => {
    const opened = { count: 0, closed: 0 };
    const link = { openDatagram: async () => echoChannel(opened) } as unknown as Link & DatagramLink;
    const counted = { sent: 0, received: 0 };
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    probe.close();
    const fwd: UdpForwarder = await listenUdp(
      { host: '127.0.0.1', port },
      {
        target: () => ({ host: '127.0.0.1', port: 53 }),
        counter: { addSent: (n) => (counted.sent += n), addReceived: (n) => (counted.received += n) },
        linkForClient: async () => link,
        noteError: () => undefined,
      },
      300,
    );
    cleanup.push(() => fwd.close());
    const a = await socket();
    const b = await socket();
    cleanup.push(() => a.close(), () => b.close());
    const ra = reply(a);
    a.send('from a', port, '127.0.0.1');
    const rb = reply(b);
    b.send('from b', port, '127.0.0.1');
    expect(await ra).toBe('echo:from a');
    expect(await rb).toBe('echo:from b');
    expect(opened.count).toBe(2);
    expect(fwd.sessions).toBe(2);
    expect(counted.sent).toBe(12);
    const deadline = Date.now() + 3000;
    while (fwd.sessions > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fwd.sessions).toBe(0);
    expect(opened.closed).toBe(2);
  });

  it('reports a taken port as a port conflict', async () => {
    const taken = await socket();
    cleanup.push(() => taken.close());
    const err = await listenUdp(
      { host: '127.0.0.1', port: taken.address().port },
      { target: () => ({ host: 'x', port: 1 }), counter: { addSent: () => undefined, addReceived: () => undefined }, linkForClient: async () => undefined, noteError: () => undefined },
    ).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).toBe(ErrorCode.PortConflict);
  });
});
