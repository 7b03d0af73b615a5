// Bad input on the socket: correct JSON-RPC errors, and the daemon keeps serving everyone else.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startDaemon, type DaemonHandle } from './helpers/daemon.js';

/** A raw line client: write text, read the next N JSON lines. */
async function raw(socketPath: string) {
  const s = net.connect(socketPath);
  await new Promise<void>((r, j) => {
    s.once('connect', r);
    s.once('error', j);
  });
  let buf = '';
  const lines: unknown[] = [];
  const waiters: Array<() => void> = [];
  s.on('data', (c: Buffer) => {
    buf += c.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  return {
    socket: s,
    send: (text: string | Buffer) => s.write(text),
    async next(): Promise<{ id: unknown; error?: { code: number; message: string }; result?: unknown }> {
      while (lines.length === 0) await new Promise<void>((r) => waiters.push(r));
      return lines.shift() as never;
    },
    close: () => s.destroy(),
  };
}

describe('socket door under bad input', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let daemon: DaemonHandle;

  beforeAll(async () => {
    sshd = await startSshd();
    home = await makeTempDir('warren-bad-');
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
  });
  afterAll(async () => {
    await daemon?.stop();
    await sshd?.stop();
    await home?.remove();
  });

  it('answers each kind of bad input with the right JSON-RPC error and keeps serving', async () => {
    const c = await raw(daemon.paths.socket);
    c.send('{not json\n');
    expect(await c.next()).toMatchObject({ id: null, error: { code: -32700 } });
    c.send('{"jsonrpc":"2.0","id":1,"method":"no.such"}\n');
    expect(await c.next()).toMatchObject({ id: 1, error: { code: -32601 } });
    c.send('{"jsonrpc":"2.0","id":2,"method":"forward.add","params":{"host":"fixture","type":"local","local_port":"eighty"}}\n');
    const wrong = await c.next();
    expect(wrong).toMatchObject({ id: 2, error: { code: -32602 } });
    expect(wrong.error?.message).toMatch(/local_port/);
    c.send('{"jsonrpc":"1.0","id":3,"method":"daemon.status"}\n');
    expect(await c.next()).toMatchObject({ id: 3, error: { code: -32600 } });
    c.send('[]\n');
    expect(await c.next()).toMatchObject({ error: { code: -32600 } });
    // A notification (no id) of an unknown method gets no answer; the next call still does.
    c.send('{"jsonrpc":"2.0","method":"no.such"}\n{"jsonrpc":"2.0","id":4,"method":"daemon.status"}\n');
    expect(await c.next()).toMatchObject({ id: 4, result: { pid: daemon.proc.pid } });

    // A 10 MB line: refused with a clear error, memory bounded, the same connection still usable.
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    c.send(big);
    const tooBig = await c.next();
    expect(tooBig).toMatchObject({ id: null, error: { code: -32600 } });
    expect(tooBig.error?.message).toMatch(/too large/);
    c.send('\n{"jsonrpc":"2.0","id":5,"method":"daemon.status"}\n');
    expect(await c.next()).toMatchObject({ id: 5, result: { pid: daemon.proc.pid } });
    c.close();
  });

  it('a client that disconnects mid-message does not disturb others', async () => {
    const a = await raw(daemon.paths.socket);
    a.send('{"jsonrpc":"2.0","id":1,"method":"daemon.st');
    a.close();
    const b = await raw(daemon.paths.socket);
    b.send('{"jsonrpc":"2.0","id":7,"method":"forward.list","params":{}}\n');
    expect(await b.next()).toMatchObject({ id: 7, result: { forwards: [] } });
    b.close();
    // and the typed client of the harness is still fine
    expect((await daemon.client.call('daemon.status')).pid).toBe(daemon.proc.pid);
  });

  it('the socket is private (0600)', async () => {
    const fs = await import('node:fs');
    expect(fs.statSync(daemon.paths.socket).mode & 0o777).toBe(0o600);
    expect(fs.statSync(daemon.paths.pid).mode & 0o777).toBe(0o600);
  });
});
