// Where Warren keeps its files. $WARREN_HOME overrides the OS default (tests always set it).
import os from 'node:os';
import path from 'node:path';

export function defaultConfigDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming');
  return env['XDG_CONFIG_HOME'] || path.join(home, '.config');
}

export function warrenHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['WARREN_HOME'];
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return path.join(defaultConfigDir(process.platform, env), 'warren');
}

export interface WarrenPaths {
  home: string;
  db: string;
  socket: string;
  pid: string;
  log: string;
  keys: string;
  /** Written by the daemon when browser mode is on: the URL (with token) to open. 0600. */
  browserUrl: string;
}

export function warrenPaths(home: string = warrenHome()): WarrenPaths {
  return {
    home,
    db: path.join(home, 'warren.db'),
    socket: path.join(home, 'warren.sock'),
    pid: path.join(home, 'warren.pid'),
    log: path.join(home, 'warren.log'),
    keys: path.join(home, 'keys'),
    browserUrl: path.join(home, 'browser-url'),
  };
}
