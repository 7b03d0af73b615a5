// Start-at-login on Linux: an XDG autostart entry ($XDG_CONFIG_HOME/autostart/warren.desktop).
// Electron's setLoginItemSettings does nothing on Linux, so we write the file ourselves (as Mullvad
// does). Electron-free: it takes paths, so it is tested in a temporary directory.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const AUTOSTART_FILE_NAME = 'warren.desktop';

/** $XDG_CONFIG_HOME/autostart (default ~/.config/autostart). */
export function xdgAutostartDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const configHome = env['XDG_CONFIG_HOME'];
  // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = configHome && path.isAbsolute(configHome) ? configHome : path.join(home, '.config');
  return path.join(base, 'autostart');
}

// Characters that force an Exec argument into double quotes (Desktop Entry spec, "The Exec key").
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * Quote one Exec argument. Inside double quotes `"`, `` ` ``, `$` and `\` are backslash-escaped;
 * `%` is doubled because field codes start with it. The value is then escaped once more as a
 * desktop-file string, where `\` itself is written `\\`.
 */
export function quoteExecArg(arg: string): string {
  let quoted = RESERVED.test(arg) || arg === '' ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
  quoted = quoted.replace(/%/g, '%%');
  return quoted.replace(/\\/g, '\\\\');
}

export interface AutostartEntry {
  /** The program to run: the AppImage file, the installed binary, or the Electron binary in dev. */
  command: string;
  args: readonly string[];
  name?: string;
  comment?: string;
  icon?: string;
}

function singleLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export function renderAutostartEntry(entry: AutostartEntry): string {
  const exec = [entry.command, ...entry.args].map(quoteExecArg).join(' ');
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${singleLine(entry.name ?? 'Warren')}`,
    `Comment=${singleLine(entry.comment ?? 'Keeps your SSH tunnels alive')}`,
    `Exec=${singleLine(exec)}`,
    ...(entry.icon ? [`Icon=${singleLine(entry.icon)}`] : []),
    'Terminal=false',
    'Categories=Network;',
    'X-GNOME-Autostart-enabled=true',
    'X-GNOME-Autostart-Delay=2',
    '',
  ];
  return lines.join('\n');
}

/** Enabled iff our file exists and is not switched off (Hidden=true or GNOME's enabled=false). */
export async function isAutostartEnabled(dir: string): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, AUTOSTART_FILE_NAME), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (/^Hidden\s*=\s*true\s*$/im.test(text)) return false;
  if (/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/im.test(text)) return false;
  return true;
}

export async function setAutostart(dir: string, enabled: boolean, entry: AutostartEntry): Promise<void> {
  const file = path.join(dir, AUTOSTART_FILE_NAME);
  if (!enabled) {
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(dir, { recursive: true });
  // Write then rename, so a crash never leaves a half-written entry that the session manager runs.
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, renderAutostartEntry(entry), { mode: 0o644 });
  await fs.rename(tmp, file);
}
