// The benchmark's target, run as its own process (see echo-target.ts): a loopback TCP echo server.
// It lives apart from the benchmark because at the idle-connection step both ends hold 10,000
// sockets, and one process holding 20,000 would pass `ulimit -n`.
import net from 'node:net';

const server = net.createServer((s) => {
  s.setNoDelay(true);
  s.on('error', () => undefined);
  s.pipe(s);
});
server.maxConnections = 30_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
// The parent holds our stdin open; when it goes (even by SIGKILL) so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
