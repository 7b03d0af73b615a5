// The two loopback operations the plugin transport needs: a port for the plugin to listen on,
// and a bounded TCP connect to it.
import net from 'node:net';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';

export const LOOPBACK = '127.0.0.1';

/**
 * A port that was free a moment ago: listen on 127.0.0.1:0, read the port, close. The plugin
 * binds it moments later; a tiny race with another program remains, and a lost race shows up as
 * the plugin failing to listen (its stderr is in the error) and the engine retrying.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('the kernel gave no port'))));
    });
  });
}

/**
 * Connects to 127.0.0.1:port; rejects with a ConnectionFailed WarrenError on error or after
 * timeoutMs. Half-open (allowHalfOpen), as every local socket Warren carries: the peer's EOF does
 * not end our side behind the caller's back.
 */
export function connectLoopback(port: number, timeoutMs: number, what: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: LOOPBACK, port, allowHalfOpen: true });
    const fail = (why: string): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(new WarrenError(ErrorCode.ConnectionFailed, `${what}: cannot connect to ${LOOPBACK}:${port} (${why})`));
    };
    const onError = (e: Error): void => fail(e.message);
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    sock.once('error', onError);
    sock.once('connect', () => {
      clearTimeout(timer);
      // From here the caller owns the socket and its errors.
      sock.off('error', onError);
      resolve(sock);
    });
  });
}
