// A loopback TCP echo server: what the forwards under test carry traffic to.
import net from 'node:net';

export interface EchoServer {
  port: number;
  connections: number;
  /** Bytes that reached the server from all clients (health checks connect but send nothing). */
  bytesReceived: number;
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, bytesReceived: 0 };
  const server = net.createServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.on('data', (c: Buffer) => {
      state.bytesReceived += c.length;
    });
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get connections() {
      return state.connections;
    },
    get bytesReceived() {
      return state.bytesReceived;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
