// Counts the files in the directory the EFS autoscaler watches (design: efs-mount-target-autoscaling,
// Property 1: the count equals the real number of files). "Files" are what `find DIR -type f`
// counts: regular files only (no directories, symlinks, sockets, fifos, devices), symlinks never
// followed; recursive: false (the default) counts only DIR's direct entries, like
// `find DIR -maxdepth 1 -type f`. DIR itself may be a symlink to a directory (followed).
//
// Two walkers: the count_files N-API addon (src-main/native/count-files.c) when it is built, else
// JavaScript in a worker thread (the Lambda bundle, which has no native addon). Both read each
// directory once using d_type and lstat only entries whose type the file system does not report.
// On 1M files (`npm run bench -- efs`, ext4, 2 vCPUs): native ≈ 0.25× find's time flat, ≈ 0.6×
// nested (goal ≤ 1.0×); JavaScript ≈ 0.45× flat but ≈ 1.1× nested, which is why the addon exists.
import { startJsWalk } from './file-counter-js.js';
import { nativeCounterAvailable, startNativeWalk } from './file-counter-native.js';
import type { RawWalk } from './file-counter-types.js';

export { nativeCounterAvailable } from './file-counter-native.js';

export interface FileCountProgress {
  files: number;
  dirs: number;
  elapsedMs: number;
}

export interface FileCountOptions {
  /** Count the whole tree (true) or only DIR's direct entries (false, the default). */
  recursive?: boolean;
  /** Aborting rejects the count with an AbortError at once; the walker stops within an entry. */
  signal?: AbortSignal;
  /** Called at most every 250 ms while counting (not after the result). */
  onProgress?: (p: FileCountProgress) => void;
  /** Force a walker (tests, the benchmark). Default: native when built, else js. 'native' throws when absent. */
  method?: 'native' | 'js';
  /** lstat every entry as if the file system gave no d_type (tests that path anywhere). */
  lstatAll?: boolean;
}

export interface FileCountResult {
  /** Regular files found. */
  files: number;
  /** Directories found below DIR (DIR itself not included), like `find DIR -mindepth 1 [-maxdepth 1] -type d`. */
  dirs: number;
  elapsedMs: number;
  method: 'native' | 'js';
  /**
   * Subdirectories that could not be opened or read (permissions, vanished, paths longer than
   * PATH_MAX), as DIR/…/name. Files in them are not counted. Empty when recursive is false.
   */
  unreadable: string[];
}

/** DIR itself could not be read: the count would be meaningless, so none is given. */
export class FileCountError extends Error {
  override readonly name = 'FileCountError';
  constructor(
    message: string,
    /** The errno name (ENOENT, EACCES, ENOTDIR, EIO…). */
    readonly code: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Node's own AbortError shape (name AbortError, code ABORT_ERR), with the signal's reason as cause. */
class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  constructor(reason: unknown) {
    super('The file count was aborted', { cause: reason });
  }
}

/** A message that names the path and what to check. */
export function rootErrorMessage(dir: string, code: string): string {
  const head = `Cannot count files in ${dir}`;
  switch (code) {
    case 'ENOENT':
      return `${head}: it does not exist (ENOENT). Is the EFS file system mounted there (\`mount | grep ${dir}\`; for Lambda, the function's FileSystemConfigs LocalMountPath), and is TARGET_DIRECTORY right?`;
    case 'EACCES':
    case 'EPERM': {
      const uid = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
      return `${head}: permission denied (${code}). This process${uid} needs read and execute permission on it: check the directory's owner and mode, or the EFS access point's POSIX user.`;
    }
    case 'ENOTDIR':
      return `${head}: it is not a directory (ENOTDIR). Point TARGET_DIRECTORY at the directory to watch.`;
    case 'EIO':
    case 'ESTALE':
    case 'ETIMEDOUT':
    case 'EHOSTDOWN':
    case 'EHOSTUNREACH':
      return `${head}: the file system did not answer (${code}). Is the EFS mount still up, and does the mount target's security group allow NFS (TCP 2049) from here?`;
    default:
      return `${head} (${code}). Is the file system mounted, and may this process read the directory?`;
  }
}

const PROGRESS_EVERY_MS = 250;

export async function countFiles(dir: string, options: FileCountOptions = {}): Promise<FileCountResult> {
  const { recursive = false, signal, onProgress, lstatAll = false } = options;
  if (typeof dir !== 'string' || dir === '' || dir.includes('\0')) {
    throw new TypeError(`countFiles: dir must be a non-empty path without NUL bytes, got ${JSON.stringify(dir)}`);
  }
  if (signal?.aborted) throw new AbortError(signal.reason);
  const method = options.method ?? (nativeCounterAvailable() ? 'native' : 'js');
  const started = performance.now();
  const walkOpts = { dir, recursive, lstatAll };
  let walk: RawWalk | undefined;
  if (method === 'native') {
    walk = startNativeWalk(walkOpts);
    if (walk === undefined) throw new Error('countFiles: the count_files native addon is not built (binding.gyp; `npm ci` builds it)');
  } else {
    walk = startJsWalk(walkOpts);
  }
  const w = walk;

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (signal === undefined) return;
      onAbort = () => {
        w.cancel();
        reject(new AbortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    if (onProgress) {
      timer = setInterval(() => {
        const p = w.progress();
        onProgress({ files: p.files, dirs: p.dirs, elapsedMs: performance.now() - started });
      }, PROGRESS_EVERY_MS);
    }
    const r = await Promise.race([w.result, aborted]);
    if (!r.ok) {
      const message = r.code === 'EWORKER' ? `countFiles: ${r.message ?? 'the counting worker failed'}` : rootErrorMessage(dir, r.code);
      throw new FileCountError(message, r.code, dir);
    }
    if (r.cancelled) throw new AbortError(signal?.reason); // the walker stopped before the abort event ran
    return { files: r.files, dirs: r.dirs, elapsedMs: performance.now() - started, method, unreadable: r.unreadable };
  } finally {
    if (timer !== undefined) clearInterval(timer);
    if (signal !== undefined && onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
