// Resets. SSH has no RST: OpenSSH turns a target's RST into channel EOF, then CLOSE once the other
// direction fails, so the far program may first read a clean end and only then fail on a write.
// So the rule checked is the one the reference keeps: the side that keeps writing sees an error
// within 2 s of the reset, never only a clean end and never a hang. Where a FIN ends both
// directions (SSM) an end is allowed too, but still within 2 s.
import { connectTo, readAll, writeUntilError, type ReadOutcome, type WriteOutcome } from '../client.js';
import { CaseFailure, deadlineFor, describeServer, expectThat, KiB, MiB, pokeIfNeeded, serverConn, within, type ConformanceCase } from './types.js';
import { waitFor } from '../../../fixtures/ports.js';

const PROMPT_MS = 2000;
/** The writer stops here if no error ever comes (a tunnel that swallows bytes). */
const WRITE_CAP = 256 * MiB;

export const resetByServer: ConformanceCase = {
  id: 'reset-by-server',
  name: 'server resets while the client sends: the client sees an error within 2 s',
  sizes: [1, 64 * KiB, MiB],
  repeat: (size) => (size <= 64 * KiB ? 4 : 2),
  async run(ctx, size) {
    const server = ctx.servers.byKind.resetAfter;
    ctx.servers.script.resetAfter = size;
    const from = server.nextSeq();
    const deadline = deadlineFor(size);
    const s = await connectTo(ctx.endpoint('resetAfter'));
    try {
      const reading = readAll(s, deadline + PROMPT_MS);
      const writing = writeUntilError(s, WRITE_CAP, deadline + PROMPT_MS);
      const conn = await serverConn(server, from, deadline);
      try {
        await waitFor(() => conn.resetAt !== undefined, 'the server reset', deadline, 10);
      } catch {
        throw new CaseFailure(`expected the server to get ${size} bytes and reset; ${describeServer(conn)}`);
      }
      const resetAt = conn.resetAt as number;
      // Settle on the first outcome that decides the case (an end alone does not on a tcp path:
      // the writer must fail next), bounded a little past the 2 s allowed.
      let read: ReadOutcome | undefined;
      let write: WriteOutcome | undefined;
      void reading.then((r) => (read = r));
      void writing.then((w) => (write = w));
      const readError = (): boolean => read?.how === 'error';
      const writeError = (): boolean => write !== undefined && write.code !== 'none';
      const decided = (): boolean => readError() || writeError() || (ctx.path.semantics === 'fin-ends-both' && read?.how === 'end');
      await waitFor(decided, 'the client to see the reset', Math.max(0, resetAt + PROMPT_MS + 300 - Date.now()), 10).catch(() => undefined);
      const errorAt = Math.min(readError() ? (read as ReadOutcome).at : Infinity, writeError() ? (write as WriteOutcome).at : Infinity);
      const endAt = read?.how === 'end' ? read.at : Infinity;
      const got = `read: ${read ? `${read.how}${read.code ? ` ${read.code}` : ''} at +${read.at - resetAt} ms` : 'nothing yet'}; write: ${write ? `${write.code} at +${write.at - resetAt} ms after ${write.sent} bytes` : 'no error yet'}`;
      if (ctx.path.semantics === 'tcp') {
        expectThat(errorAt - resetAt <= PROMPT_MS, `an error (read or write) within ${PROMPT_MS} ms of the server's reset`, got);
      } else {
        expectThat(Math.min(errorAt, endAt) - resetAt <= PROMPT_MS, `an error or an end within ${PROMPT_MS} ms of the server's reset`, got);
      }
    } finally {
      s.destroy();
    }
  },
};

export const resetByClient: ConformanceCase = {
  id: 'reset-by-client',
  name: 'client resets while the server sends: the server sees an error within 2 s',
  sizes: [1, 64 * KiB, MiB],
  repeat: (size) => (size <= 64 * KiB ? 4 : 2),
  async run(ctx, size) {
    const server = ctx.servers.byKind.firehose;
    const from = server.nextSeq();
    const deadline = deadlineFor(size);
    const s = await connectTo(ctx.endpoint('firehose'));
    try {
      let got = 0;
      const enough = new Promise<void>((resolve) => {
        s.on('data', (c: Buffer) => {
          got += c.length;
          if (got >= size) resolve();
        });
      });
      s.on('error', () => undefined);
      s.resume();
      pokeIfNeeded(ctx, s);
      expectThat(await within(enough, deadline), `${size} bytes from the server before the client resets`, `${got} bytes`);
      const conn = await serverConn(server, from, deadline);
      const resetAt = Date.now();
      s.resetAndDestroy();
      // tcp: an error (an end first is fine, the server keeps writing); fin-ends-both: either.
      const failedAt = (): number | undefined => (ctx.path.semantics === 'tcp' ? conn.errorAt : conn.endedOrFailedAt);
      await waitFor(() => failedAt() !== undefined, 'the server to fail', PROMPT_MS + 500, 10).catch(() => undefined);
      const at = failedAt();
      const when = conn.endedOrFailedAt !== undefined ? ` (first end/error at +${conn.endedOrFailedAt - resetAt} ms)` : '';
      const expected = ctx.path.semantics === 'tcp' ? 'an error' : 'an error or an end';
      expectThat(at !== undefined && at - resetAt <= PROMPT_MS, `${expected} at the server within ${PROMPT_MS} ms of the client's reset`, describeServer(conn) + when);
    } finally {
      s.destroy();
    }
  },
};
