// Basic mode's stream against a recording carrier: our end() is DisconnectToPort after every byte
// and ends the read side too; the data channel dying is a reset, never a clean end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlagValue } from '../protocol/payloads.js';
import { BasicPortStream, type BasicCarrier } from './basic-stream.js';

type Sent = { output: Buffer } | { flag: FlagValue };

function carrier(): BasicCarrier & { sent: Sent[]; closed: boolean; ready: boolean[] } {
  const c = {
    sent: [] as Sent[],
    closed: false,
    ready: [] as boolean[],
    writeOutput(bytes: Buffer) {
      c.sent.push({ output: Buffer.from(bytes) });
    },
    sendFlag(flag: FlagValue) {
      c.sent.push({ flag });
    },
    whenWritable(cb: () => void) {
      queueMicrotask(cb);
    },
    setReady(r: boolean) {
      c.ready.push(r);
    },
  };
  return c;
}

describe('BasicPortStream', () => {
  it('end(): every byte, then DisconnectToPort; the read side ends too and later Output is dropped (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { maxLength: 8 }), async (chunks) => {
        const c = carrier();
        let done = 0;
        const s = new BasicPortStream(c, () => done++);
        const got: Buffer[] = [];
        s.on('data', (b: Buffer) => got.push(b));
        const closed = new Promise((r) => s.once('close', r));
        for (const ch of chunks) s.write(Buffer.from(ch));
        s.end();
        await closed;
        s.onOutput(Buffer.from('late'));
        const outputs = c.sent.flatMap((x) => ('output' in x ? [x.output] : []));
        expect(Buffer.concat(outputs).equals(Buffer.concat(chunks.map((x) => Buffer.from(x))))).toBe(true);
        expect(c.sent.at(-1)).toEqual({ flag: FlagValue.DisconnectToPort });
        expect(c.sent.filter((x) => 'flag' in x)).toHaveLength(1);
        expect(got).toEqual([]);
        expect(done).toBe(1);
      }),
      { numRuns: 30 },
    );
  });

  it('the data channel dying: destroy with ECONNRESET, never a clean end, even with bytes unread', async () => {
    const c = carrier();
    const s = new BasicPortStream(c, () => undefined);
    s.onOutput(Buffer.from('unread'));
    const events: string[] = [];
    s.on('end', () => events.push('end'));
    const err = new Promise<NodeJS.ErrnoException>((r) => s.once('error', r));
    c.closed = true;
    s.onChannelClosed(new Error('websocket gone beyond resume'));
    const e = await err;
    expect(e.code).toBe('ECONNRESET');
    expect(e.message).toBe('websocket gone beyond resume');
    expect(events).toEqual([]);
    expect(c.sent).toEqual([]); // nothing can be sent on a closed channel
  });

  it("destroy(err) by the engine tells the agent (DisconnectToPort) so it closes the target connection", () => {
    const c = carrier();
    const s = new BasicPortStream(c, () => undefined);
    s.on('error', () => undefined);
    s.write('abc');
    s.destroy(new Error('local reset'));
    expect(c.sent.at(-1)).toEqual({ flag: FlagValue.DisconnectToPort });
  });

  it('writes on a closed channel fail with ECONNRESET', async () => {
    const c = carrier();
    c.closed = true;
    const s = new BasicPortStream(c, () => undefined);
    const err = new Promise<NodeJS.ErrnoException>((r) => s.once('error', r));
    s.write('x');
    expect((await err).code).toBe('ECONNRESET');
  });
});
