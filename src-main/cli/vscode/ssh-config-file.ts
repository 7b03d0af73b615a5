// Reading and writing the user's ssh config for `warren vscode`. Writes are atomic (a temp file in
// the same directory, then rename) so ssh never sees half a file, and keep the file's mode; a new
// file is 0600 in a 0700 directory, as ssh expects of ~/.ssh.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export function defaultSshConfigPath(): string {
  return path.join(os.homedir(), '.ssh', 'config');
}

/** The file's text, or '' when it does not exist yet. */
export async function readSshConfig(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
  const text = bytes.toString('utf8');
  // Decoding invalid UTF-8 would replace bytes, and writing it back would change the user's lines.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Error(`${file} is not valid UTF-8; Warren will not edit it`);
  return text;
}

async function currentMode(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeSshConfigAtomic(file: string, text: string): Promise<void> {
  // A symlinked config (dotfile managers) is written through, not replaced by a plain file.
  const target = await fs.realpath(file).catch(() => file);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const mode = (await currentMode(target)) ?? 0o600;
  const tmp = path.join(dir, `.${path.basename(target)}.warren-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await fs.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.chmod(mode); // the umask may have narrowed the open() mode
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
