// Open many connections through a path and keep them open doing nothing, to see what holding them
// costs the tunnel's processes. Each is proven tunneled (one byte echoed) before it counts.
import net from 'node:net';

export interface IdleHold {
  /** Connections open and echoed, still open now. */
  alive(): number;
  /** Why opening stopped before `count`, if it did. */
  readonly stoppedBy: string | undefined;
  close(): void;
}

function openEchoed(port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const fail = (why: string): void => {
      clearTimeout(timer);
      s.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no echo within ${timeoutMs} ms`), timeoutMs);
    s.once('error', (e) => fail(e.message));
    s.once('close', () => fail('closed before the echo'));
    s.once('connect', () => s.write('x'));
    s.once('data', () => {
      clearTimeout(timer);
      s.removeAllListeners('close');
      s.removeAllListeners('error');
      s.on('error', () => undefined); // a reset while held shows as alive() dropping
      s.pause();
      resolve(s);
    });
  });
}

/** Open `count` connections in batches of `batch` (all of a batch at once); stop at the first failing batch. */
export async function holdIdle(port: number, count: number, batch: number, timeoutMs = 15_000): Promise<IdleHold> {
  const sockets: net.Socket[] = [];
  let failure: string | undefined;
  for (let opened = 0; opened < count && failure === undefined; opened += batch) {
    const n = Math.min(batch, count - opened);
    const results = await Promise.allSettled(Array.from({ length: n }, () => openEchoed(port, timeoutMs)));
    for (const r of results) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else failure ??= (r.reason as Error).message;
    }
  }
  const stoppedBy = failure === undefined ? undefined : `${failure} (${sockets.length} of ${count} opened)`;
  return {
    alive: () => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length,
    stoppedBy,
    close: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
