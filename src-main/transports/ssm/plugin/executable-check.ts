// Before Warren runs a session-manager-plugin (even `--version`): the file, after symlinks, must be
// owned by root or by the user Warren runs as, and neither it nor its folder writable by anyone
// else. Otherwise whoever can write it gets their code run as the user, with the user's AWS
// credentials in its environment. Refused with InvalidParams: a setting to fix, not a retry.
import fs from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import { pluginLaunchError } from './plugin-errors.js';

/** Group- or other-writable. */
const WRITABLE_BY_OTHERS = 0o022;
const STICKY = 0o1000;

function unsafe(path: string, why: string, fix: string): WarrenError {
  return new WarrenError(
    ErrorCode.InvalidParams,
    `session-manager-plugin at "${path}" was not run: ${why}, so someone else could replace what Warren runs as you. Fix: ${fix}, or set ssm.session_manager_plugin_path to a copy you own that only you can write`,
    { path },
  );
}

const mode = (m: number): string => (m & 0o7777).toString(8).padStart(4, '0');

export async function assertSafeExecutable(path: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no uid/mode bits to check; ACLs are the installer's business.
  let real: string;
  try {
    real = await fs.realpath(path);
  } catch (e) {
    // Missing or unreadable: the same clear "not found / cannot be run" error a spawn would give.
    throw pluginLaunchError(path, e as NodeJS.ErrnoException);
  }
  const file = await fs.stat(real);
  const shown = real === path ? path : `${path} (→ ${real})`;
  if (file.uid !== 0 && file.uid !== uid)
    throw unsafe(shown, `it is owned by uid ${file.uid}, neither you (uid ${uid}) nor root`, `reinstall the plugin, or \`chown ${uid === 0 ? 'root' : uid} "${real}"\``);
  if (file.mode & WRITABLE_BY_OTHERS)
    throw unsafe(shown, `it is writable by group or others (mode ${mode(file.mode)})`, `\`chmod go-w "${real}"\``);
  // A folder others may write lets them swap the file, unless it is sticky (like /tmp) and the file is ours.
  const dir = dirname(real);
  const folder = await fs.stat(dir);
  if (folder.uid !== 0 && folder.uid !== uid)
    throw unsafe(shown, `its folder ${dir} is owned by uid ${folder.uid}, neither you (uid ${uid}) nor root`, `move the plugin to a folder you or root own`);
  if (folder.mode & WRITABLE_BY_OTHERS && !(folder.mode & STICKY))
    throw unsafe(shown, `its folder ${dir} is writable by group or others (mode ${mode(folder.mode)})`, `\`chmod go-w "${dir}"\` or move the plugin`);
}
