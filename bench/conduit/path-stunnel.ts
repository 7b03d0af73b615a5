// Path 3, the TLS anchor: two stunnel processes with TLS 1.3 between them, like Conduit's client
// and router. stunnel makes one TLS connection (and one thread) per tunneled connection, where
// Conduit carries many over one.
import { execFile, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../e2e/fixtures/ports.js';
import { makeTempDir } from '../../e2e/fixtures/tmp.js';
import { spawnTracked, stopChild, trackDir } from './cleanup.js';
import { waitListening } from './listening.js';
import { outputOf } from './output.js';
import { findBinary, lastLine, type TunnelPath } from './tunnel-path.js';

const execFileP = promisify(execFile);

/** Settings both processes share: stay in the foreground, no pid file, log errors only to stderr. */
function config(service: string[]): string {
  return [
    'foreground = yes',
    'pid =',
    'syslog = no',
    // Warnings and errors only: at the idle step 10,000 connections would otherwise log 20,000
    // lines each side; "too many clients" (its own limit, from ulimit -n) is a warning.
    'debug = 4',
    // Both ends of the benchmark set TCP_NODELAY; give stunnel the same, or Nagle would be measured.
    'socket = l:TCP_NODELAY=1',
    'socket = r:TCP_NODELAY=1',
    '',
    '[bench]',
    'sslVersionMin = TLSv1.3',
    ...service,
    '',
  ].join('\n');
}

export async function startStunnelPath(targetPort: number): Promise<TunnelPath> {
  const stunnel = findBinary('stunnel4', 'stunnel');
  if (!stunnel) throw new Error('stunnel is not installed (apt-get install stunnel4)');
  const openssl = findBinary('openssl');
  if (!openssl) throw new Error('openssl is not installed (needed for the throwaway certificate)');

  const dir = await makeTempDir('warren-bench-stunnel-');
  trackDir(dir.path);
  const cert = path.join(dir.path, 'cert.pem');
  const key = path.join(dir.path, 'key.pem');
  await execFileP(openssl, ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '2', '-subj', '/CN=warren-bench', '-keyout', key, '-out', cert]);

  const serverPort = await freePort();
  const clientPort = await freePort();
  const serverConf = path.join(dir.path, 'server.conf');
  const clientConf = path.join(dir.path, 'client.conf');
  await fs.writeFile(serverConf, config([`accept = 127.0.0.1:${serverPort}`, `connect = 127.0.0.1:${targetPort}`, `cert = ${cert}`, `key = ${key}`]));
  // The client pins the server's certificate, as Conduit's client pins the router's key.
  await fs.writeFile(
    clientConf,
    config(['client = yes', `accept = 127.0.0.1:${clientPort}`, `connect = 127.0.0.1:${serverPort}`, `CAfile = ${cert}`, 'verifyPeer = yes']),
  );

  const io: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] };
  const server = spawnTracked(stunnel, [serverConf], io);
  const client = spawnTracked(stunnel, [clientConf], io);
  const stop = async (): Promise<void> => {
    await Promise.all([stopChild(client), stopChild(server)]);
    await dir.remove();
  };
  try {
    await waitListening(server, serverPort, 'stunnel (server)');
    await waitListening(client, clientPort, 'stunnel (client)');
  } catch (e) {
    await stop();
    throw e;
  }
  const lastLog = (): string =>
    [lastLine('stunnel client', outputOf(client)()), lastLine('stunnel server', outputOf(server)())].filter(Boolean).join('; ');
  return { port: clientPort, pids: { server: server.pid, client: client.pid }, lastLog, stop };
}
