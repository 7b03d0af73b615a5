// Closing right after the last byte, in either direction: nothing written before a close is lost.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connectTo, describeOutcome, readAll } from '../client.js';
import { sha256 } from '../servers.js';
import { deadlineFor, describeServer, expectThat, KiB, MiB, pokeIfNeeded, reachesServer, repeatBySize, serverConn, within, type ConformanceCase } from './types.js';

export const writeThenClose: ConformanceCase = {
  id: 'write-then-close',
  name: 'client writes and closes at once: every byte reaches the server',
  sizes: [0, 1, 64 * KiB, 4 * MiB],
  repeat: repeatBySize,
  async run(ctx, size) {
    const server = ctx.servers.byKind.sink;
    const from = server.nextSeq();
    const deadline = deadlineFor(size);
    const payload = randomBytes(size);
    const s = await connectTo(ctx.endpoint('sink'));
    s.on('error', () => undefined); // the reply (a hash) may meet a closed socket: not this case's concern
    try {
      s.end(payload);
      expectThat(await within(once(s, 'finish'), deadline), `the client's ${size} bytes and FIN flushed locally`, 'still buffered');
      s.destroy();
      if (!reachesServer(ctx, size)) return;
      const conn = await serverConn(server, from, deadline);
      await within(conn.closed, deadline);
      expectThat(conn.received === size && conn.receivedHash === sha256(payload) && conn.sawEnd, `the server to receive all ${size} bytes intact, then a clean end`, describeServer(conn));
    } finally {
      s.destroy();
    }
  },
};

export const serverFirstThenClose: ConformanceCase = {
  id: 'server-first-close',
  name: 'server speaks first, then closes: every byte reaches the client, then a clean end',
  sizes: [0, 1, 64 * KiB, 5 * MiB],
  repeat: repeatBySize,
  async run(ctx, size) {
    const payload = randomBytes(size);
    ctx.servers.script.speakFirst = { payload, close: 'full' };
    const s = await connectTo(ctx.endpoint('speakFirst'));
    try {
      pokeIfNeeded(ctx, s);
      const out = await readAll(s, deadlineFor(size));
      expectThat(out.how === 'end' && out.bytes === size && out.hash === sha256(payload), `all ${size} bytes intact, then a clean end`, describeOutcome(out));
    } finally {
      s.destroy();
    }
  },
};
