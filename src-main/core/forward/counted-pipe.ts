// Join a local socket and a tunnel stream both ways, counting bytes, with backpressure (pipe) and
// with each side torn down when the other ends or fails.
import type { Duplex } from 'node:stream';

export interface ByteCounter {
  /** local → remote (what the user's program sent through the tunnel) */
  addSent(n: number): void;
  /** remote → local */
  addReceived(n: number): void;
}

/** Resolves when both sides are closed. Never rejects. */
export function countedPipe(local: Duplex, remote: Duplex, counter: ByteCounter): Promise<void> {
  return new Promise((resolve) => {
    let closed = 0;
    const done = (): void => {
      closed++;
      if (closed === 2) resolve();
    };
    local.on('data', (chunk: Buffer) => counter.addSent(chunk.length));
    remote.on('data', (chunk: Buffer) => counter.addReceived(chunk.length));
    local.pipe(remote);
    remote.pipe(local);
    const kill = (): void => {
      // Half-close is honoured by pipe() ('end' → end()); an error or close kills both at once.
      if (!local.destroyed) local.destroy();
      if (!remote.destroyed) remote.destroy();
    };
    local.once('error', kill);
    remote.once('error', kill);
    local.once('close', () => {
      kill();
      done();
    });
    remote.once('close', () => {
      kill();
      done();
    });
  });
}
