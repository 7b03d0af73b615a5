// Start at login. Linux: an XDG autostart entry (Electron's login items do nothing there).
// macOS and Windows: app.setLoginItemSettings. Either way the app starts with --hidden, i.e. in
// the tray without opening its window.
import { app } from 'electron';
import { isAutostartEnabled, setAutostart, xdgAutostartDir, type AutostartEntry } from './xdg-autostart.js';

export const HIDDEN_FLAG = '--hidden';

/** The command that starts this very app again. */
function launchEntry(): AutostartEntry {
  // An AppImage runs from a temporary mount; only $APPIMAGE (the file itself) survives a reboot.
  const appImage = process.env['APPIMAGE'];
  if (appImage) return { command: appImage, args: [HIDDEN_FLAG] };
  // In development process.execPath is the Electron binary, which needs the app folder as argument.
  if (!app.isPackaged) return { command: process.execPath, args: [app.getAppPath(), HIDDEN_FLAG] };
  // The deb/AppImage install their icon under the executable's name (electron-builder.yml: warren-app).
  return { command: process.execPath, args: [HIDDEN_FLAG], icon: 'warren-app' };
}

export function autostartSupported(): boolean {
  return process.platform === 'linux' || process.platform === 'darwin' || process.platform === 'win32';
}

export async function getStartAtLogin(): Promise<boolean> {
  if (process.platform === 'linux') return isAutostartEnabled(xdgAutostartDir());
  return app.getLoginItemSettings({ args: [HIDDEN_FLAG] }).openAtLogin;
}

export async function setStartAtLogin(enabled: boolean): Promise<void> {
  if (process.platform === 'linux') {
    await setAutostart(xdgAutostartDir(), enabled, launchEntry());
    return;
  }
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
}

/** Was this launch the login item? Then stay in the tray. */
export function launchedHidden(argv: readonly string[] = process.argv): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  if (process.platform === 'darwin') {
    // macOS does not pass our args to login items; it tells us instead.
    const settings = app.getLoginItemSettings();
    return settings.wasOpenedAtLogin === true;
  }
  return false;
}
