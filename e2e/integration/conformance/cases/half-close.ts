// Half-close in both directions. From the client: it sends, shuts down its write side, and reads
// the whole echo (nc -N, HTTP/1.0 clients). From the server: it speaks, half-closes, and still
// receives what the client sends after that. Where a FIN ends both directions (SSM), the client
// must see the end promptly and the server must still get every byte sent before the FIN.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connectTo, describeOutcome, readAll, writeAll } from '../client.js';
import { sha256 } from '../servers.js';
import { deadlineFor, describeServer, expectThat, KiB, MiB, pokeIfNeeded, reachesServer, repeatBySize, serverConn, within, type ConformanceCase } from './types.js';

export const halfCloseFromClient: ConformanceCase = {
  id: 'half-close-client',
  name: 'half-close from the client: the echo after it arrives whole',
  sizes: [0, 1, 64 * KiB, 4 * MiB],
  repeat: repeatBySize,
  async run(ctx, size) {
    // Where a FIN ends both directions, the far end closes the target as soon as the FIN is through
    // (the agent's handleDataTransfer), so an echo's write-back would break its own reading: there
    // the bytes before the FIN are checked at a sink, which only reads.
    const kind = ctx.path.semantics === 'tcp' ? 'echo' : 'sink';
    const server = ctx.servers.byKind[kind];
    const from = server.nextSeq();
    const deadline = deadlineFor(size * 2);
    const payload = randomBytes(size);
    const s = await connectTo(ctx.endpoint(kind));
    try {
      const reading = readAll(s, deadline);
      await writeAll(s, payload, deadline);
      s.end();
      const out = await reading;
      if (reachesServer(ctx, size)) {
        const conn = await serverConn(server, from, deadline);
        await within(conn.closed, deadline);
        expectThat(conn.received === size && conn.receivedHash === sha256(payload), `the server to receive all ${size} bytes intact`, describeServer(conn));
      }
      if (ctx.path.semantics === 'tcp') {
        expectThat(out.how === 'end' && out.bytes === size && out.hash === sha256(payload), `the ${size}-byte echo intact, then a clean end`, describeOutcome(out));
      } else {
        expectThat(out.how !== 'timeout', 'the end of the stream (a FIN ends both directions) within the deadline', describeOutcome(out));
      }
    } finally {
      s.destroy();
    }
  },
};

export const halfCloseFromServer: ConformanceCase = {
  id: 'half-close-server',
  name: 'half-close from the server: the client still sends after it',
  sizes: [0, 1, 64 * KiB, 4 * MiB],
  repeat: repeatBySize,
  async run(ctx, size) {
    const server = ctx.servers.byKind.speakFirst;
    const fromServer = randomBytes(size);
    const fromClient = randomBytes(size);
    ctx.servers.script.speakFirst = { payload: fromServer, close: 'half' };
    const from = server.nextSeq();
    const deadline = deadlineFor(size * 2);
    const s = await connectTo(ctx.endpoint('speakFirst'));
    try {
      pokeIfNeeded(ctx, s);
      const first = await readAll(s, deadline);
      expectThat(first.how === 'end' && first.bytes === size && first.hash === sha256(fromServer), `the server's ${size} bytes intact, then a clean end`, describeOutcome(first));
      const closed = once(s, 'close').catch(() => undefined);
      s.on('error', () => undefined); // a fin-ends-both path may refuse the late bytes: allowed there
      await writeAll(s, fromClient, deadline);
      s.end();
      const conn = await serverConn(server, from, deadline);
      if (ctx.path.semantics === 'tcp') {
        await within(conn.closed, deadline);
        expectThat(conn.received === size && conn.receivedHash === sha256(fromClient) && conn.sawEnd, `the server to receive the client's ${size} bytes after its half-close, then a clean end`, describeServer(conn));
      } else {
        expectThat(await within(closed, deadline), 'the client connection to close within the deadline (no hang)', 'still open');
      }
    } finally {
      s.destroy();
    }
  },
};
