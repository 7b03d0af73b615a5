// Path 5: Warren's Conduit, set up as a user would: `warren conduit init` makes the client's key,
// the router authorises it in router.toml, `warren conduit router` serves, and the client daemon
// (`warren daemon run`) gets the tunnel from `warren conduit start`.
import fs from 'node:fs/promises';
import path from 'node:path';
import { freePort, waitFor, canConnect } from '../../e2e/fixtures/ports.js';
import { makeTempDir } from '../../e2e/fixtures/tmp.js';
import { probeSocket } from '../../src-main/api/doors/socket-door.js';
import { warrenPaths } from '../../src-main/paths.js';
import { setupTimes } from '../measure.js';
import { stopChild, trackDir } from './cleanup.js';
import { outputOf, readUntil } from './output.js';
import { lastLine, type TunnelPath } from './tunnel-path.js';
import { assertBuilt, runWarren, spawnWarren } from './warren-cli.js';
import { withTimeout } from './time.js';

/** The client's public key line, from `conduit init --json` (or its text output, if JSON is absent). */
async function clientPublicKey(home: string): Promise<string> {
  const out = await runWarren(home, ['conduit', 'init', '--json']);
  try {
    const parsed = JSON.parse(out) as { public_key?: unknown };
    if (typeof parsed.public_key === 'string') return parsed.public_key.trim();
  } catch {
    // not JSON: look for the key line below
  }
  const line = /^.*conduit-ed25519 [A-Za-z0-9+/=]+.*$/m.exec(out);
  if (!line) throw new Error(`\`warren conduit init\` printed no conduit-ed25519 key line: ${out.slice(0, 200)}`);
  return line[0].slice(line[0].indexOf('conduit-ed25519')).trim();
}

function routerToml(port: number, apiPort: number, publicKey: string): string {
  // JSON string escapes are valid TOML basic-string escapes.
  return [
    '[router]',
    `bind = "127.0.0.1:${port}"`,
    '[api]',
    `bind = "127.0.0.1:${apiPort}"`,
    '[[authorized_clients]]',
    'name = "bench"',
    `public_key = ${JSON.stringify(publicKey)}`,
    'allow = ["127.0.0.1:*"]',
    '',
  ].join('\n');
}

export async function startWarrenPath(targetPort: number): Promise<TunnelPath> {
  assertBuilt();
  const routerHome = await makeTempDir('warren-bench-router-');
  const clientHome = await makeTempDir('warren-bench-client-');
  trackDir(routerHome.path);
  trackDir(clientHome.path);
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stoppers.reverse()) await s();
    await routerHome.remove();
    await clientHome.remove();
  };
  try {
    const publicKey = await clientPublicKey(clientHome.path);

    const routerPort = await freePort();
    const configPath = path.join(routerHome.path, 'router.toml');
    await fs.writeFile(configPath, routerToml(routerPort, await freePort(), publicKey), { mode: 0o600 });
    const router = spawnWarren(routerHome.path, ['conduit', 'router', '--config', configPath]);
    stoppers.push(() => stopChild(router));
    const fingerprint = (await readUntil(router, /SHA256:[A-Za-z0-9+/]+=*/, 'the router’s listening line (SHA256:…)', 20_000))[0];

    const daemon = spawnWarren(clientHome.path, ['daemon', 'run']);
    stoppers.push(() => stopChild(daemon, 10_000));
    const paths = warrenPaths(clientHome.path);
    await waitFor(
      async () => {
        if (daemon.exitCode !== null) throw new Error(`warren daemon run exited (${daemon.exitCode})`);
        return (await fs.readFile(paths.pid, 'utf8').catch(() => '')).trim() === String(daemon.pid) && (await probeSocket(paths.socket));
      },
      'the client daemon’s socket',
      30_000,
    );

    const bindPort = await freePort();
    await runWarren(clientHome.path, [
      'conduit',
      'start',
      '--router',
      `127.0.0.1:${routerPort}`,
      '--source',
      `127.0.0.1:${targetPort}`,
      '--bind',
      `127.0.0.1:${bindPort}`,
      '--name',
      'bench',
      '--router-key',
      fingerprint,
    ]);
    await waitFor(() => canConnect(bindPort), `the conduit bind port 127.0.0.1:${bindPort}`, 20_000, 50);
    // Accepting is not enough: one byte must come back from the target through the router.
    await withTimeout(setupTimes(bindPort, 1), 10_000, 'a first echo through the conduit');

    const lastLog = (): string => [lastLine('router', outputOf(router)()), lastLine('daemon', outputOf(daemon)())].filter(Boolean).join('; ');
    return { port: bindPort, pids: { server: router.pid, client: daemon.pid }, lastLog, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
