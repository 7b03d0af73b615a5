// Which file in resources/ the tray shows for a state. Electron-free, so the test can check that
// every file it names was generated (resources/make-icons.mjs).
import path from 'node:path';
import type { TrayIconState } from '../../src-shared/domain/tray-menu.js';

/**
 * The tray image for a state. macOS gets black "Template" images that the menu bar recolours for
 * light/dark mode (Electron picks the @2x file beside it on Retina); elsewhere coloured PNGs.
 */
export function trayIconPath(resources: string, state: TrayIconState, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') {
    const name = state === 'idle' ? 'trayTemplate.png' : state === 'active' ? 'trayActiveTemplate.png' : 'trayWarningTemplate.png';
    return path.join(resources, name);
  }
  // Windows' notification area is 16 px at 100 %, 32 px at 200 %; GNOME/KDE scale the 32 px one down.
  const size = platform === 'win32' ? '' : '@2x';
  return path.join(resources, `tray-${state}${size}.png`);
}
