// Electron's main process: one instance per $WARREN_HOME, the engine (same as `warren daemon run`,
// with its Unix socket so the CLI talks to this app), the IPC door, the window, the tray, OS
// signals (sleep/resume, network changes) and one orderly prepareToQuit.
import { app, dialog, net, powerMonitor, session } from 'electron';
import path from 'node:path';
import { startWarren, type WarrenApp } from '../app.js';
import { warrenHome } from '../paths.js';
import { autostartSupported, getStartAtLogin, launchedHidden, setStartAtLogin } from './autostart.js';
import { openIpcDoor, type IpcDoor } from './ipc-door.js';
import { OnlineWatcher } from './network-watch.js';
import { runQuitSteps, type QuitStep } from './quit-steps.js';
import { appLocations } from './resource-paths.js';
import { trayIconPath } from './tray-icons.js';
import { createShellLog } from './shell-log.js';
import { WarrenTray } from './tray.js';
import { MainWindow, guardAllWebContents, hardenSession } from './window.js';
import { parseDevServerUrl } from './window-policy.js';

const log = createShellLog();
const home = warrenHome();
// Electron's own data (single-instance lock, caches, electron-store) lives under $WARREN_HOME, so
// "one app per home" holds: a test with its own WARREN_HOME is not blocked by the user's Warren,
// and two apps can never share one engine database.
app.setPath('userData', path.join(home, 'electron'));

interface Running {
  warren?: WarrenApp;
  door?: IpcDoor;
  window?: MainWindow;
  tray?: WarrenTray;
  network?: OnlineWatcher;
  removePowerListeners?: () => void;
}
const running: Running = {};
let starting: Promise<void> | undefined;
let quitting: Promise<void> | undefined;

/** Dispose everything in order, each step capped and isolated, then save sessions and exit. */
function prepareToQuit(reason: string): Promise<void> {
  quitting ??= (async () => {
    log.info({ reason }, 'quitting');
    const steps: QuitStep[] = [
      {
        name: 'os-watchers',
        timeoutMs: 1_000,
        run: () => {
          running.removePowerListeners?.();
          running.network?.dispose();
        },
      },
      { name: 'tray', timeoutMs: 2_000, run: () => running.tray?.dispose() },
      { name: 'ipc-door', timeoutMs: 1_000, run: () => running.door?.dispose() },
      { name: 'window', timeoutMs: 2_000, run: () => running.window?.dispose() },
      {
        // Saves which sessions are active (restored next start), stops them, closes socket and DB.
        name: 'engine',
        timeoutMs: 15_000,
        run: async () => {
          await starting?.catch(() => undefined);
          await running.warren?.shutdown(reason);
        },
      },
    ];
    const outcomes = await runQuitSteps(steps);
    for (const o of outcomes) if (o.outcome !== 'ok') log.warn({ ...o }, 'a quit step did not finish cleanly');
    app.exit(0);
  })();
  return quitting;
}

function watchOs(warren: WarrenApp): void {
  // Address changes are the engine's own business (core/system-watch.ts); Electron adds sleep/wake
  // from powerMonitor and connectivity from net.isOnline(), which has no event, hence the poll.
  const network = new OnlineWatcher({
    isOnline: () => net.isOnline(),
    onOnline: () => {
      log.info({}, 'back online; retrying reconnecting sessions now');
      warren.systemEvent('network-change');
    },
  });
  const onResume = (): void => {
    warren.systemEvent('resume');
    // After sleep connectivity usually changed; do not wait for the next poll.
    network.check();
  };
  const onSuspend = (): void => warren.systemEvent('suspend');
  // Linux/macOS. The docs pass an event whose preventDefault() asks the OS to wait while sessions
  // are saved; the type definitions omit it, hence the optional parameter.
  const onShutdown = (event?: { preventDefault?: () => void }): void => {
    event?.preventDefault?.();
    void prepareToQuit('system shutdown');
  };
  powerMonitor.on('resume', onResume);
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('shutdown', onShutdown);
  running.network = network;
  running.removePowerListeners = () => {
    powerMonitor.off('resume', onResume);
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('shutdown', onShutdown);
  };
}

async function start(): Promise<void> {
  const dev = parseDevServerUrl(process.env['WARREN_DEV_SERVER_URL']);
  if (dev.problem) log.warn({}, `${dev.problem}; loading the built renderer instead`);
  const locations = appLocations();
  guardAllWebContents(log);
  await app.whenReady();
  hardenSession(session.defaultSession, dev.url);

  let warren: WarrenApp;
  try {
    warren = await startWarren({ home, socket: true, host: 'electron' });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error({ err: message, home }, 'the engine did not start');
    dialog.showErrorBox(
      'Warren could not start',
      `${message}\n\nIf \`warren daemon\` is already running with the same WARREN_HOME (${home}), stop it with \`warren daemon stop\` and start Warren again.`,
    );
    app.exit(1);
    return;
  }
  running.warren = warren;
  // Quit asked for while the engine was starting: prepareToQuit shuts it down; build no UI.
  if (quitting) return;
  // `warren daemon stop` over the socket (or any other engine stop) ends the app too.
  void warren.closed.then(() => prepareToQuit('engine closed'));

  const window = new MainWindow({ preloadPath: locations.preload, rendererIndex: locations.rendererIndex, devServerUrl: dev.url, iconPath: locations.appIcon, log });
  running.window = window;
  // The door opens before the window loads, so the page's first call finds it.
  running.door = openIpcDoor({
    dispatcher: warren.dispatcher,
    trusted: { rendererDir: locations.rendererDir, devServerUrl: dev.url },
    isOurWebContents: (contents) => window.isOurWebContents(contents),
    log,
  });
  window.ensureCreated(!launchedHidden());

  const tray = new WarrenTray({
    dispatcher: warren.dispatcher,
    iconPath: (state) => trayIconPath(locations.resources, state),
    startAtLogin: { supported: autostartSupported(), get: getStartAtLogin, set: setStartAtLogin },
    onOpen: () => window.show(),
    onQuit: () => app.quit(),
    log,
  });
  running.tray = tray;
  tray.start().catch((e: unknown) => log.warn({ err: String(e) }, 'tray did not finish starting'));

  watchOs(warren);
  log.info({ home, socket: warren.paths.socket }, 'Warren is running');
}

if (!app.requestSingleInstanceLock()) {
  // Another Warren owns this home; it was told (second-instance) and shows its window.
  app.exit(0);
} else {
  app.on('second-instance', () => running.window?.show());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => running.window?.show());
  app.on('before-quit', (event) => {
    // First quit request: hold it until everything is saved; prepareToQuit ends with app.exit().
    event.preventDefault();
    void prepareToQuit('quit');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void prepareToQuit(`signal ${signal}`));
  starting = start();
  starting.catch((e: unknown) => {
    log.error({ err: e instanceof Error ? e.message : String(e) }, 'Warren failed while starting');
    void prepareToQuit('start failed');
  });
}
