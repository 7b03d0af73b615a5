// The one Warren window and the rules every web page in the app lives under: sandboxed, isolated,
// no Node, strict CSP, no navigation, no popups, no permissions, external links through an allowlist.
// Closing the window only hides it (the tray keeps the app); quitting destroys it.
import { BrowserWindow, app, screen, session, shell, type Session, type WebContents } from 'electron';
import Store from 'electron-store';
import { restorableBounds, type WindowBounds } from './window-bounds.js';
import { contentSecurityPolicy, isAllowedExternalUrl } from './window-policy.js';

export interface WindowLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface MainWindowOptions {
  preloadPath: string;
  rendererIndex: string;
  devServerUrl?: string | undefined;
  iconPath?: string | undefined;
  log: WindowLog;
}

/** Session-wide guards: the CSP header and a flat "no" to every permission a page may ask for. */
export function hardenSession(ses: Session, devServerUrl: string | undefined): void {
  const csp = contentSecurityPolicy(devServerUrl);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // Drop any CSP the server sent (the dev server sends none) so ours is the only one.
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Open an https link in the user's browser if its host is allowlisted; refuse (and log) anything else. */
export function openExternalSafely(url: string, log: WindowLog): void {
  if (!isAllowedExternalUrl(url)) {
    log.warn({ url }, 'refused to open a link that is not on the allowlist');
    return;
  }
  shell.openExternal(url).catch((e: unknown) => log.warn({ url, err: String(e) }, 'could not open link in the browser'));
}

/**
 * Applied to every webContents the app ever creates (windows, and webviews should one appear): no
 * navigation away from the page, no new windows, no <webview> attachment.
 */
export function guardAllWebContents(log: WindowLog): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault();
      // A plain <a href="https://…"> click lands here; open it outside if it is allowed.
      openExternalSafely(url, log);
    });
    contents.on('will-redirect', (event, url) => {
      event.preventDefault();
      log.warn({ url }, 'blocked a redirect in the Warren window');
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url, log);
      return { action: 'deny' };
    });
  });
}

/** UI-only state, in electron-store (userData, i.e. $WARREN_HOME/electron/ui-state.json). */
type UiState = { window?: unknown };

export class MainWindow {
  private window: BrowserWindow | undefined;
  private quitting = false;
  // UI preferences are disposable: a corrupt file is reset rather than stopping the window.
  private readonly uiState = new Store<UiState>({ name: 'ui-state', clearInvalidConfig: true });

  constructor(private readonly options: MainWindowOptions) {}

  /** Create the window if needed, show and focus it. */
  show(): void {
    if (this.quitting) return;
    const win = this.window ?? this.create(true);
    if (win.isMinimized()) win.restore();
    win.show();
    // A menu-bar app (LSUIElement) is never "active" by itself; without this the window opens behind others.
    if (process.platform === 'darwin') app.focus({ steal: true });
    win.focus();
  }

  /** Create the window without showing it (start at login → tray only until opened). */
  ensureCreated(showWhenReady: boolean): void {
    if (!this.window && !this.quitting) this.create(showWhenReady);
  }

  isOurWebContents(contents: WebContents): boolean {
    return this.window !== undefined && !this.window.isDestroyed() && this.window.webContents.id === contents.id;
  }

  /** From now on closing really closes; then destroy the window. */
  dispose(): void {
    this.quitting = true;
    const win = this.window;
    this.window = undefined;
    if (win && !win.isDestroyed()) {
      this.saveBounds(win);
      win.destroy();
    }
  }

  private saveBounds(win: BrowserWindow): void {
    try {
      const b = win.getNormalBounds();
      const bounds: WindowBounds = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
      this.uiState.set('window', bounds);
    } catch (e) {
      this.options.log.warn({ err: String(e) }, 'could not save the window position (it opens at its default place next time)');
    }
  }

  private savedBounds(): WindowBounds | undefined {
    try {
      return restorableBounds(this.uiState.get('window'), screen.getAllDisplays().map((d) => d.workArea));
    } catch {
      return undefined;
    }
  }

  private create(showWhenReady: boolean): BrowserWindow {
    const { options } = this;
    const saved = this.savedBounds();
    const win = new BrowserWindow({
      width: saved?.width ?? 1100,
      height: saved?.height ?? 720,
      ...(saved ? { x: saved.x, y: saved.y } : {}),
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Warren',
      ...(options.iconPath ? { icon: options.iconPath } : {}),
      webPreferences: {
        preload: options.preloadPath,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    this.window = win;
    // maximize() would also show a hidden window (start at login stays in the tray), so wait for show.
    if (saved?.maximized) win.once('show', () => win.maximize());
    if (showWhenReady) win.once('ready-to-show', () => win.show());
    // A tray app: the close button hides the window; Quit (tray, menu, OS) really closes it.
    win.on('close', (event) => {
      this.saveBounds(win);
      if (this.quitting) return;
      event.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.window === win) this.window = undefined;
    });
    const load = options.devServerUrl ? win.loadURL(options.devServerUrl) : win.loadFile(options.rendererIndex);
    load.catch((e: unknown) =>
      options.log.warn(
        { err: String(e), target: options.devServerUrl ?? options.rendererIndex },
        'the window could not load the renderer; build it with `npm run build:renderer` or set WARREN_DEV_SERVER_URL',
      ),
    );
    return win;
  }
}

export function defaultSession(): Session {
  return session.defaultSession;
}
