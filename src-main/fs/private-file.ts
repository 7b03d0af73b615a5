// Writing small secret or trust files so that readers never see half a file and nobody else can
// read them: a 0600 temp file beside the target, then rename (or link, to refuse clobbering).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export interface WritePrivateFileOptions {
  /** false: fail with EEXIST if the target exists, atomically (no check-then-write race). */
  overwrite?: boolean;
  mode?: number;
}

export function writePrivateFile(file: string, data: string | Buffer, opts: WritePrivateFileOptions = {}): void {
  const mode = opts.mode ?? PRIVATE_FILE_MODE;
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    // The mode given to open is masked by the umask; set it exactly.
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (opts.overwrite === false) fs.linkSync(tmp, file);
    else fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
