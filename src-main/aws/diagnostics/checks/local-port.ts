// local_port_availability: Warren listens on 127.0.0.1:<localPort> for the forward; if something
// already holds it, the tunnel cannot start. Probed by listening briefly, the only reliable test.
import net from 'node:net';
import { defineCheck } from '../define-check.js';

function tryListen(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export const checkLocalPort = defineCheck('local_port_availability', async (ctx) => {
  const port = ctx.localPort;
  if (port === undefined) return { status: 'skip', severity: 'INFO', message: 'No local port given.', details: {} };
  const error = await tryListen(port);
  if (!error) return { status: 'pass', severity: 'INFO', message: `Local port ${port} is free on 127.0.0.1.`, details: { port } };
  if (error === 'EADDRINUSE') {
    return {
      status: 'fail',
      severity: 'ERROR',
      message: `Local port ${port} is already in use on 127.0.0.1.`,
      details: { port, error },
      recommendation: {
        summary: `Choose another local port, or stop the process listening on ${port}.`,
        commands: process.platform === 'win32' ? [`netstat -ano | findstr :${port}`] : [`lsof -nP -iTCP:${port} -sTCP:LISTEN`],
      },
    };
  }
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `Cannot listen on 127.0.0.1:${port} (${error}).`,
    details: { port, error },
    recommendation: { summary: error === 'EACCES' ? 'Ports below 1024 need privileges: choose a port of 1024 or above.' : `Choose another local port.` },
  };
});
