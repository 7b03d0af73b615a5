// SshChannelStream against an in-process ssh2 server that plays the far side of a direct-tcpip
// channel exactly as told: EOF then CLOSE (a clean end), CLOSE without EOF (an abort), the
// connection dropped (link death). ssh2's own Channel shows all three as a clean end.
import net from 'node:net';
import { once } from 'node:events';
import { Client, Server, utils, type ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../e2e/fixtures/ports.js';
import { SshChannelStream } from './channel-stream.js';

interface World {
  stream: SshChannelStream;
  far: ServerChannel;
  /** The server's transport socket (drop it to kill the link). */
  serverSocket: net.Socket;
}

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function world(): Promise<World> {
  let resolveStream: (s: SshChannelStream) => void = () => undefined;
  const pending = { promise: new Promise<SshChannelStream>((r) => (resolveStream = r)), resolve: (s: SshChannelStream) => resolveStream(s) };
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  let serverSocket: net.Socket | undefined;
  const farChannel = new Promise<ServerChannel>((resolve) => {
    const server = new Server({ hostKeys: [hostKey] }, (conn) => {
      conn.on('error', () => undefined);
      // The server's transport socket (ssh2 keeps it in _sock): dropping it kills the link.
      serverSocket = (conn as unknown as { _sock: net.Socket })._sock;
      conn.on('authentication', (ctx) => ctx.accept());
      conn.on('tcpip', (accept) => resolve(accept()));
    });
    server.listen(0, '127.0.0.1', () => {
      const client = new Client();
      client.on('error', () => undefined);
      client.on('ready', () => {
        client.forwardOut('127.0.0.1', 1, '127.0.0.1', 2, (err, channel) => {
          if (err) throw err;
          pending.resolve(new SshChannelStream(channel, 'test target'));
        });
      });
      client.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, username: 'u', password: 'p' });
      cleanup.push(() => {
        client.destroy();
        server.close();
      });
    });
  });
  const [stream, far] = await Promise.all([pending.promise, farChannel]);
  far.on('error', () => undefined);
  return { stream, far, serverSocket: serverSocket as net.Socket };
}

/** How the stream's read side ended: a clean end, or an error (with its code). */
function outcome(stream: SshChannelStream): Promise<{ how: 'end' | 'error'; data: string; code?: string }> {
  return new Promise((resolve) => {
    let data = '';
    stream.on('data', (c: Buffer) => (data += c.toString()));
    stream.once('end', () => resolve({ how: 'end', data }));
    stream.once('error', (e: NodeJS.ErrnoException) => resolve({ how: 'error', data, code: e.code }));
  });
}

describe('SshChannelStream', () => {
  it('EOF from the far side is a clean end, and the stream still writes after it (half-close)', async () => {
    const { stream, far } = await world();
    const got = outcome(stream);
    // An ssh2 server channel's end() sends EOF and CLOSE at once; eof() alone is the half-close.
    far.write('reply');
    far.eof();
    expect(await got).toEqual({ how: 'end', data: 'reply' });
    const received = new Promise<string>((r) => {
      let s = '';
      far.on('data', (c: Buffer) => (s += c.toString()));
      far.once('end', () => r(s));
    });
    stream.end('after the half-close');
    expect(await received).toBe('after the half-close');
  });

  it('CLOSE after the far side\'s EOF (it closed in full): what came is a clean end, a later write fails', async () => {
    const { stream, far } = await world();
    const got = outcome(stream);
    far.end('reply');
    far.close();
    expect(await got).toEqual({ how: 'end', data: 'reply' });
    await waitFor(() => (stream as unknown as { farClosed: boolean }).farClosed, 'the CLOSE');
    const failed = new Promise<string | undefined>((r) => stream.write('too late', (e) => r((e as NodeJS.ErrnoException | null | undefined)?.code)));
    expect(await failed).toBe('ECONNRESET');
  });

  it('CHANNEL_CLOSE without an EOF before it is a reset (ECONNRESET), never a clean end', async () => {
    const { stream, far } = await world();
    const got = outcome(stream);
    far.write('partial');
    await once(stream, 'readable');
    far.close();
    expect(await got).toMatchObject({ how: 'error', code: 'ECONNRESET' });
  });

  it('the SSH connection dying under the stream is a reset, never a clean end', async () => {
    const { stream, far, serverSocket } = await world();
    const got = outcome(stream);
    far.write('partial');
    await once(stream, 'readable');
    serverSocket.destroy();
    expect(await got).toMatchObject({ how: 'error', code: 'ECONNRESET' });
  });

  it('destroy(err) closes the channel at the far side', async () => {
    const { stream, far } = await world();
    stream.on('error', () => undefined);
    const closed = once(far, 'close');
    far.resume(); // ssh2 emits a channel's 'close' after its 'end' has been read
    stream.destroy(new Error('local client reset'));
    await closed;
  });

  it('a reader that stops reading stops the far side by the SSH window, then gets every byte', async () => {
    const { stream, far } = await world();
    const total = 16 * 1024 * 1024;
    far.end(Buffer.alloc(total, 7)); // queued in ssh2 at the far side; sent as the window allows
    const window = (far as unknown as { outgoing: { window: number } }).outgoing;
    // Nobody reads: the far side runs out of window once our buffer is full (ssh2's window is 2 MiB).
    await waitFor(() => window.window === 0 && stream.readableLength > 0, 'the far side out of window');
    expect(stream.readableLength).toBeLessThanOrEqual(1024 * 1024 + 2 * 1024 * 1024);
    let got = 0;
    stream.on('data', (c: Buffer) => (got += c.length));
    await once(stream, 'end');
    expect(got).toBe(total);
  });
});
