// Join a local socket and a tunnel stream both ways with TCP's semantics, as OpenSSH's channels do
// for `ssh -L` (channels.c / nchan.c: each direction drains, then carries its EOF; the channel
// closes only when both directions are done):
// - a half-close travels to the other side after every byte before it, and the other direction
//   keeps flowing until it ends too;
// - the connection completes only when both directions have ended;
// - an error or an abort on either side resets the other (a TCP RST locally, the transport's
//   reset toward the far side), so a program never sees a clean end with bytes missing;
// - backpressure through pipe(): a slow reader stalls only its own connection.
// Both streams must be half-open (net sockets with allowHalfOpen: true; tunnel streams keep the
// contract in ../link.ts).
import net from 'node:net';
import type { Duplex } from 'node:stream';

export interface ByteCounter {
  /** local → remote (what the user's program sent through the tunnel) */
  addSent(n: number): void;
  /** remote → local */
  addReceived(n: number): void;
}

export type SpliceOutcome =
  | { kind: 'complete' }
  /** `side` is where the failure came from; the other side was reset. */
  | { kind: 'reset'; side: 'local' | 'remote'; error: Error };

/** An error whose code says "reset", for streams that are aborted rather than ended. */
export function resetError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/** Bytes already handed to the kernel get this long to reach the program before the RST. */
const RESET_GRACE_MS = 25;
const resetting = new WeakSet<net.Socket>();

/**
 * Abort a stream: a TCP socket sends RST (so its program reads ECONNRESET, not a clean end); any
 * other stream is destroyed with an error, which its transport turns into its own reset.
 */
export function resetStream(stream: Duplex, err: Error): void {
  if (stream.destroyed) return;
  if (stream instanceof net.Socket) return resetSocket(stream, err);
  stream.destroy(err);
}

// A Node (libuv) program that reads its last bytes and an RST in one wakeup sees a clean end, not
// ECONNRESET (uv__stream_io takes POLLHUP after a partial read as EOF and never reads the error).
// So the RST follows a short pause after the last bytes left for the kernel: a program that keeps
// reading then sees the error. Nothing more is read from the socket meanwhile.
function resetSocket(socket: net.Socket, err: Error): void {
  if (resetting.has(socket)) return;
  resetting.add(socket);
  socket.unpipe();
  socket.pause();
  const reset = (): void => {
    if (socket.destroyed) return;
    try {
      // Throws for handles that are not TCP (a TLS socket's, a pipe's): those are destroyed below.
      socket.resetAndDestroy();
    } catch {
      socket.destroy(err);
    }
  };
  // Not unref'd: a daemon shutting down sends its RSTs before it exits.
  if (!socket.writableNeedDrain) return void setTimeout(reset, RESET_GRACE_MS);
  // A program that stopped reading would hold the drain forever: it gets its RST anyway.
  const fallback = setTimeout(reset, 1000);
  socket.once('drain', () => {
    clearTimeout(fallback);
    setTimeout(reset, RESET_GRACE_MS);
  });
}

/** A direction is done once its source ended and its sink took every byte and the half-close. */
function directionDone(source: Duplex, sink: Duplex): boolean {
  return source.readableEnded && sink.writableFinished;
}

/** Resolves when the connection completes or is reset. Never rejects. */
export function spliceTcp(local: Duplex, remote: Duplex, counter?: ByteCounter): Promise<SpliceOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const complete = (): void => {
      if (settled || !directionDone(local, remote) || !directionDone(remote, local)) return;
      settled = true;
      local.destroy();
      remote.destroy();
      resolve({ kind: 'complete' });
    };
    const fail = (side: 'local' | 'remote', error: Error): void => {
      if (settled) return;
      settled = true;
      const [failed, other] = side === 'local' ? [local, remote] : [remote, local];
      resetStream(other, error);
      if (!failed.destroyed) failed.destroy();
      resolve({ kind: 'reset', side, error });
    };
    // A stream that closes before its own two directions ended was aborted, even without an error
    // (a transport closed under it): a reset, never a clean end. One that closed after ending both
    // (a socket destroys itself then) just waits for the other side to finish.
    const onClose = (side: 'local' | 'remote', stream: Duplex) => (): void => {
      if (stream.readableEnded && stream.writableFinished) return complete();
      fail(side, resetError(`the ${side} side closed before both directions ended`));
    };
    if (counter) {
      local.on('data', (chunk: Buffer) => counter.addSent(chunk.length));
      remote.on('data', (chunk: Buffer) => counter.addReceived(chunk.length));
    }
    // pipe() ends the sink after the source's last byte: that is the half-close travelling across.
    local.pipe(remote);
    remote.pipe(local);
    local.on('error', (e: Error) => fail('local', e));
    remote.on('error', (e: Error) => fail('remote', e));
    local.once('finish', complete);
    remote.once('finish', complete);
    local.once('end', complete);
    remote.once('end', complete);
    local.once('close', onClose('local', local));
    remote.once('close', onClose('remote', remote));
    // Either may have died while the other was being set up ('close' already behind it).
    if (local.destroyed) onClose('local', local)();
    else if (remote.destroyed) onClose('remote', remote)();
  });
}
