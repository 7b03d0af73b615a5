// Per-test world for browser-mode specs: a fresh $WARREN_HOME, a private sshd, a loopback echo
// server, and the real daemon (`warren daemon run --browser`) as a child process. All torn down
// after each test, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, type TestInfo } from '@playwright/test';
import { waitFor } from '../fixtures/ports.js';
import { startSshd, type SshdFixture, type SshdOptions } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startEchoServer, type EchoServer } from '../integration/helpers/echo-server.js';
import { warrenPaths } from '../../src-main/paths.js';
import { WarrenPage } from '../pages/warren-page.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BrowserDaemon {
  readonly home: string;
  /** http://127.0.0.1:PORT/#token=… as the daemon wrote it to $WARREN_HOME/browser-url. */
  readonly url: string;
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface BrowserDaemonOptions {
  extraArgs?: string[];
  /** More environment for the daemon. With `awsOnly`, no other AWS_* setting reaches it (e.g. the
   * AWS emulator's env(): never a developer's profile or keys). */
  env?: Record<string, string>;
  awsOnly?: boolean;
}

/** Start `warren daemon run --browser` and wait for the URL file it writes. */
export async function startBrowserDaemon(home: string, sshConfigPath: string, extraArgs: string[] = [], opts: Omit<BrowserDaemonOptions, 'extraArgs'> = {}): Promise<BrowserDaemon> {
  const paths = warrenPaths(home);
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_HOME: home, WARREN_SSH_CONFIG_PATH: sshConfigPath, NO_COLOR: '1' };
  delete env['SSH_AUTH_SOCK']; // the fixture's keys only, never a developer's agent
  if (opts.awsOnly) for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
  Object.assign(env, opts.env ?? {});
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src-main/cli/warren.ts'), 'daemon', 'run', '--browser', ...extraArgs], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (exited) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(t);
  };
  try {
    await waitFor(
      () => {
        if (exited) throw new Error(`daemon exited during start:\n${out}`);
        return fs.existsSync(paths.browserUrl) && fs.readFileSync(paths.browserUrl, 'utf8').trim() !== '';
      },
      'the daemon to write browser-url',
      30_000,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const mode = fs.statSync(paths.browserUrl).mode & 0o777;
  if (mode !== 0o600) {
    await stop();
    throw new Error(`browser-url must be 0600, is ${mode.toString(8)}`);
  }
  const url = fs.readFileSync(paths.browserUrl, 'utf8').trim();
  return { home, url, proc, output: () => out, stop };
}

/** The `daemon` fixture's body, for specs that prepare $WARREN_HOME first: start it, hand it to the
 * test, stop it, and attach its output and log when the test failed. */
export async function runBrowserDaemon(
  home: string,
  sshConfigPath: string,
  use: (d: BrowserDaemon) => Promise<void>,
  testInfo: TestInfo,
  opts: BrowserDaemonOptions = {},
): Promise<void> {
  const { extraArgs = [], ...rest } = opts;
  const daemon = await startBrowserDaemon(home, sshConfigPath, extraArgs, rest);
  await use(daemon);
  await daemon.stop();
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('daemon output', { body: daemon.output(), contentType: 'text/plain' });
    const log = warrenPaths(home).log;
    if (fs.existsSync(log)) await testInfo.attach('warren.log', { path: log, contentType: 'text/plain' });
  }
}

export const test = base.extend<{ sshdOptions: SshdOptions; home: TempDir; sshd: SshdFixture; echo: EchoServer; daemon: BrowserDaemon; warren: WarrenPage }>({
  /** Per-file: `test.use({ sshdOptions: { knownHosts: false } })`. */
  sshdOptions: [{}, { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  home: async ({}, use) => {
    const dir = await makeTempDir('warren-e2e-');
    await use(dir);
    await dir.remove();
  },
  sshd: async ({ sshdOptions }, use) => {
    const sshd = await startSshd(sshdOptions);
    await use(sshd);
    await sshd.stop();
  },
  // eslint-disable-next-line no-empty-pattern
  echo: async ({}, use) => {
    const echo = await startEchoServer();
    await use(echo);
    await echo.close();
  },
  daemon: async ({ home, sshd }, use, testInfo) => {
    await runBrowserDaemon(home.path, sshd.sshConfigPath, use, testInfo);
  },
  warren: async ({ page }, use) => {
    await use(new WarrenPage(page));
  },
});

export { expect } from '@playwright/test';
