// A forward's local TCP listener. Start resolves on 'listening' and rejects on 'error' (Tabby's
// habit); a port someone else holds becomes error 1006 with a message that says what to do.
import net from 'node:net';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';

export const LOOPBACK = '127.0.0.1';

export async function listenLocal(port: number, onConnection: (socket: net.Socket) => void, host = LOOPBACK): Promise<net.Server> {
  // Half-open (allowHalfOpen): a client's half-close must travel through the tunnel while the reply
  // still flows back, as with ssh -L; Node would otherwise end our side at once.
  const server = net.createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new WarrenError(
              ErrorCode.PortConflict,
              `local port ${port} on ${host} is already in use by another program: stop that program or choose another local_port`,
              { port, host },
            )
          : err.code === 'EACCES'
            ? new WarrenError(ErrorCode.PortConflict, `not allowed to listen on ${host}:${port} (ports below 1024 need privileges): choose a port above 1023`, {
                port,
                host,
              })
            : new WarrenError(ErrorCode.InternalError, `could not listen on ${host}:${port}: ${err.message}`),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
  // Later errors (rare: e.g. EMFILE on accept) must not crash the daemon.
  server.on('error', () => undefined);
  return server;
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
