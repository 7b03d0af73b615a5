// The packaged shape of Warren, end to end: launch the real Electron app on a fresh $WARREN_HOME,
// see the window, check the renderer got `window.warren` and no Node, call the engine through the
// preload bridge and the IPC door, and quit cleanly (sessions saved, socket closed, exit code 0).
// Needs the Electron binary and a built app (`npm run build`); on Linux without a display run it
// under xvfb-run. Where the binary is absent the whole file is reported as skipped.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { ErrorCode, methods, type BridgeEnvelope, type WarrenBridge } from '../../src-shared/api/index.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `require('electron')` is the binary's path; it throws when the download never happened. */
function electronBinary(): string | undefined {
  try {
    const resolved: unknown = createRequire(import.meta.url)('electron');
    return typeof resolved === 'string' && fs.existsSync(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

const SKIP_REASON = 'Electron binary not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD=1; no network to download it)';
const binary = electronBinary();
if (!binary) {
  // The list reporter shows a skip without its reason; say it in the run's output too.
  console.log(`[electron e2e] skipped: ${SKIP_REASON}`);
  test.skip(true, SKIP_REASON);
}

type BridgeWindow = { warren?: WarrenBridge; require?: unknown; process?: unknown };

/** The window as the tests see it: the renderer page plus calls through the preload bridge. */
class WarrenWindow {
  constructor(readonly page: Page) {}

  bridgeShape(): Promise<{ warren: string; call: string; onNotification: string; require: string; process: string }> {
    return this.page.evaluate(() => {
      const w = window as unknown as BridgeWindow;
      return {
        warren: typeof w.warren,
        call: typeof w.warren?.call,
        onNotification: typeof w.warren?.onNotification,
        require: typeof w.require,
        process: typeof w.process,
      };
    });
  }

  call(method: string, params: unknown = {}): Promise<BridgeEnvelope> {
    return this.page.evaluate(
      ([m, p]) => {
        const w = window as unknown as BridgeWindow;
        if (!w.warren) throw new Error('window.warren is missing');
        return w.warren.call(m, p);
      },
      [method, params] as const,
    );
  }
}

test.describe('Warren desktop app', () => {
  let home: TempDir;
  let app: ElectronApplication | undefined;

  test.beforeEach(async () => {
    expect(fs.existsSync(path.join(repoRoot, 'dist', 'src-main', 'electron', 'main.js')), 'run `npm run build` first').toBe(true);
    home = await makeTempDir('warren-electron-');
  });

  test.afterEach(async () => {
    // If a step failed before the clean quit, do not leave the app running.
    await app?.close().catch(() => undefined);
    app = undefined;
    await home.remove();
  });

  test('opens the window, exposes only the bridge, answers daemon.status and quits cleanly', async () => {
    app = await _electron.launch({
      ...(binary ? { executablePath: binary } : {}),
      args: ['.'],
      cwd: repoRoot,
      env: { ...process.env, WARREN_HOME: home.path, WARREN_DEV_SERVER_URL: '' },
    });
    const exited = new Promise<number | null>((resolve) => app?.process().once('exit', (code) => resolve(code)));

    const win = new WarrenWindow(await app.firstWindow());
    await win.page.waitForLoadState('domcontentloaded');
    await expect(win.page).toHaveTitle(/Warren/);
    // The main page rendered and reached the engine (it shows a load error otherwise).
    await expect(win.page.getByTestId('tab-forwards')).toBeVisible();
    await expect(win.page.getByTestId('load-error')).toHaveCount(0);

    expect(await win.bridgeShape()).toEqual({ warren: 'object', call: 'function', onNotification: 'function', require: 'undefined', process: 'undefined' });

    const status = await win.call('daemon.status');
    expect('result' in status, JSON.stringify(status)).toBe(true);
    if (!('result' in status)) return;
    const parsed = methods['daemon.status'].result.parse(status.result);
    expect(parsed.warren_home).toBe(home.path);
    expect(parsed.connected_clients).toBeGreaterThanOrEqual(1);

    // Errors come back as data, with their JSON-RPC codes, not as thrown objects.
    const unknown = await win.call('no.such.method');
    expect(unknown).toMatchObject({ error: { code: ErrorCode.MethodNotFound } });
    const bad = await win.call('forward.start', { name: '' });
    expect(bad).toMatchObject({ error: { code: ErrorCode.InvalidParams } });

    // The engine serves the CLI's socket while the app runs…
    expect(fs.existsSync(path.join(home.path, 'warren.sock'))).toBe(true);

    // …and Quit runs prepareToQuit: engine shutdown, socket closed, exit code 0.
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    expect(await exited).toBe(0);
    app = undefined;
    expect(fs.existsSync(path.join(home.path, 'warren.sock'))).toBe(false);
  });
});
