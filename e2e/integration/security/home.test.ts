// Issue 14, finding 1 and scope 2's token rules, tried as another user on the same machine would:
// a loose or foreign $WARREN_HOME, a planted browser token, a planted browser-url symlink, a planted
// socket the CLI would send passphrases to; and the browser token's life (new at each start unless
// pinned, `warren daemon browser-url --rotate`). Tests run as root in CI: "another user" is uid 65534.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { startWarren } from '../../../src-main/app-start.js';
import type { WarrenApp } from '../../../src-main/app.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv } from '../helpers/daemon.js';

const root = process.getuid?.() === 0;
let tmp: TempDir;
let home: string;
const apps: WarrenApp[] = [];

beforeEach(async () => {
  tmp = await makeTempDir('warren-sec-home-');
  home = path.join(tmp.path, 'home');
});
afterEach(async () => {
  for (const a of apps.splice(0)) await a.shutdown('test over');
  await tmp.remove();
});

const noSshConfig = (): string => path.join(tmp.path, 'no-ssh-config');

async function start(browser: { pinToken?: boolean; port?: number } | false = false): Promise<WarrenApp> {
  const app = await startWarren({
    home,
    socket: true,
    browser: browser === false ? false : { port: browser.port ?? 0, rendererDir: tmp.path, ...browser },
    settings: { ssh_config_path: noSshConfig() },
    host: 'test',
  });
  apps.push(app);
  return app;
}

async function stop(app: WarrenApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.shutdown('test restart');
}

const tokenOf = (url: string | undefined): string => /#token=([A-Za-z0-9_-]+)$/.exec(url ?? '')?.[1] ?? '';
const portOf = (url: string | undefined): number => Number(/:(\d+)\//.exec(url ?? '')?.[1]);

/** Open the browser door's WebSocket as the page would: 'open', or the HTTP status it was refused with. */
function openRpc(url: string | undefined, token = tokenOf(url)): Promise<{ ws?: WebSocket; refused?: number }> {
  const port = portOf(url);
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => resolve({ refused: -1 }));
  });
}

async function startFails(): Promise<WarrenError> {
  const err = await start().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WarrenError);
  return err as WarrenError;
}

describe('a home someone else can write is refused, and nothing is written in it', () => {
  it('a pre-existing 0777 home', async () => {
    fs.mkdirSync(home);
    fs.chmodSync(home, 0o777);
    const err = await startFails();
    expect(err.code).toBe(ErrorCode.InsecurePath);
    expect(err.message).toMatch(/writable by everyone \(mode 0777\).*chmod 700/);
    expect(fs.readdirSync(home)).toEqual([]);
    expect(fs.statSync(home).mode & 0o777).toBe(0o777);
  });

  it.runIf(root)('a home owned by another user', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.chownSync(home, 65534, 65534);
    const err = await startFails();
    expect(err.code).toBe(ErrorCode.InsecurePath);
    expect(err.message).toMatch(/owned by uid 65534.*choose a home you own/);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('the CLI says so with exit code 2 (`daemon run` and `daemon start` alike)', async () => {
    fs.mkdirSync(home);
    fs.chmodSync(home, 0o777);
    for (const args of [['daemon', 'run'], ['daemon', 'start']]) {
      const r = await runWarren(cliEnv(home, noSshConfig()), args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/chmod 700/);
    }
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('a missing home is created 0700', async () => {
    await start();
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(home, 'keys')).mode & 0o777).toBe(0o700);
  });
});

describe('files planted in the home', () => {
  it('a world-readable browser-token is not reused, even when the token is pinned', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const planted = 'A'.repeat(43);
    fs.writeFileSync(path.join(home, 'browser-token'), `${planted}\n`, { mode: 0o644 });
    fs.chmodSync(path.join(home, 'browser-token'), 0o644);
    const app = await start({ pinToken: true });
    expect(tokenOf(app.browserUrl)).not.toBe(planted);
    expect((await openRpc(app.browserUrl, planted)).refused).toBe(403);
    const kept = fs.lstatSync(path.join(home, 'browser-token'));
    expect(kept.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(home, 'browser-token'), 'utf8').trim()).toBe(tokenOf(app.browserUrl));
  });

  it.runIf(root)('a 0600 browser-token owned by another user is not reused', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const planted = 'B'.repeat(43);
    fs.writeFileSync(path.join(home, 'browser-token'), `${planted}\n`, { mode: 0o600 });
    fs.chownSync(path.join(home, 'browser-token'), 65534, 65534);
    const app = await start({ pinToken: true });
    expect(tokenOf(app.browserUrl)).not.toBe(planted);
  });

  it('a browser-url (and warren.pid) symlink to a victim file neither overwrites nor chmods the victim', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const victim = path.join(tmp.path, 'victim');
    fs.writeFileSync(victim, 'precious\n');
    fs.chmodSync(victim, 0o644);
    fs.symlinkSync(victim, path.join(home, 'browser-url'));
    fs.symlinkSync(victim, path.join(home, 'warren.pid'));
    const app = await start({});
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.statSync(victim).mode & 0o777).toBe(0o644);
    const url = fs.lstatSync(path.join(home, 'browser-url'));
    expect(url.isFile()).toBe(true);
    expect(url.mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(home, 'browser-url'), 'utf8').trim()).toBe(app.browserUrl);
  });
});

describe('the CLI checks the socket before it sends anything', () => {
  /** A socket at $WARREN_HOME/warren.sock that records every connection and byte. */
  async function plantSocket(): Promise<{ got: { connections: number; bytes: number }; close(): Promise<void> }> {
    fs.mkdirSync(home, { mode: 0o700 });
    const got = { connections: 0, bytes: 0 };
    const server = net.createServer((s) => {
      got.connections++;
      s.on('data', (d) => (got.bytes += d.length));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(path.join(home, 'warren.sock'), () => r()));
    return { got, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it.runIf(root)('a socket owned by another uid: refused, exit 2, nothing sent (not even a passphrase)', async () => {
    const planted = await plantSocket();
    try {
      fs.chmodSync(path.join(home, 'warren.sock'), 0o600);
      fs.chownSync(path.join(home, 'warren.sock'), 65534, 65534);
      for (const args of [['daemon', 'status'], ['host', 'unlock', 'prod']]) {
        const r = await runWarren(cliEnv(home, noSshConfig()), args, { input: 'hunter2\n' });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/owned by uid 65534.*not your daemon/);
      }
      expect(planted.got).toEqual({ connections: 0, bytes: 0 });
    } finally {
      await planted.close();
    }
  });

  it('a socket with mode 0666: refused, exit 2, nothing sent', async () => {
    const planted = await plantSocket();
    try {
      fs.chmodSync(path.join(home, 'warren.sock'), 0o666);
      const r = await runWarren(cliEnv(home, noSshConfig()), ['daemon', 'status']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/open to group or others \(mode 0666\)/);
      expect(planted.got).toEqual({ connections: 0, bytes: 0 });
    } finally {
      await planted.close();
    }
  });
});

describe('the browser token', () => {
  it('is new at every start unless pinned; no token file is kept when not pinned', async () => {
    let app = await start({});
    const first = tokenOf(app.browserUrl);
    await stop(app);
    app = await start({});
    const second = tokenOf(app.browserUrl);
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(home, 'browser-token'))).toBe(false);
    await stop(app);

    app = await start({ pinToken: true });
    const pinned = tokenOf(app.browserUrl);
    expect(pinned).not.toBe(second);
    await stop(app);
    app = await start({ pinToken: true });
    expect(tokenOf(app.browserUrl)).toBe(pinned);
  });

  it('`warren daemon browser-url` prints the URL; --rotate disconnects open tabs, kills the old URL and prints a new one', async () => {
    const app = await start({ pinToken: true });
    const env = cliEnv(home, noSshConfig());
    const shown = await runWarren(env, ['daemon', 'browser-url']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.trim()).toBe(app.browserUrl);

    const before = app.browserUrl;
    const tab = await openRpc(before);
    expect(tab.ws).toBeDefined();
    const tabClosed = new Promise<void>((r) => tab.ws?.once('close', () => r()));

    const rotated = await runWarren(env, ['daemon', 'browser-url', '--rotate']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const after = rotated.stdout.trim();
    expect(after).toBe(app.browserUrl);
    expect(tokenOf(after)).not.toBe(tokenOf(before));
    expect(portOf(after)).toBe(portOf(before));
    await tabClosed;
    expect((await openRpc(before)).refused).toBe(403);
    const fresh = await openRpc(after);
    expect(fresh.ws).toBeDefined();
    fresh.ws?.terminate();
    // The files follow: browser-url holds the new URL; the pinned token file the new token.
    expect(fs.readFileSync(path.join(home, 'browser-url'), 'utf8').trim()).toBe(after);
    expect(fs.readFileSync(path.join(home, 'browser-token'), 'utf8').trim()).toBe(tokenOf(after));
  });

  it('`daemon browser-url` without browser mode says how to turn it on', async () => {
    await start(false);
    const r = await runWarren(cliEnv(home, noSshConfig()), ['daemon', 'browser-url', '--rotate']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/browser mode is off/);
  });
});

describe('ssh_config_path must be a file the user owns that no one else can write', () => {
  it('a group/world-writable ssh config is refused with a clear error', async () => {
    fs.writeFileSync(noSshConfig(), 'Host planted\n  HostName 127.0.0.1\n');
    fs.chmodSync(noSshConfig(), 0o666);
    const err = await startFails();
    expect(err.message).toMatch(/the ssh config .* writable by everyone \(mode 0666\).*chmod go-w/);
  });

  it.runIf(root)('an ssh config owned by another user is refused', async () => {
    fs.writeFileSync(noSshConfig(), 'Host planted\n');
    fs.chownSync(noSshConfig(), 65534, 65534);
    const err = await startFails();
    expect(err.message).toMatch(/the ssh config .* owned by uid 65534/);
  });
});
