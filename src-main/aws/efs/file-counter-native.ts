// Loader for the count_files N-API addon (src-main/native/count-files.c, built with the repo's other
// addon by `npm ci` through binding.gyp). Absent (not built, Windows, the esbuild Lambda bundle,
// where there is no import.meta.url or no build/ folder): loadNativeCounter() returns undefined and
// file-counter.ts counts in JavaScript instead.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawWalk, RawWalkOptions, RawWalkResult } from './file-counter-types.js';

/** What the addon hands back once the walk ends (see the comment at the top of count-files.c). */
interface AddonResult {
  files: number;
  dirs: number;
  /** 0, or the errno that made the root itself unopenable or unreadable. */
  errno: number;
  cancelled: boolean;
  unreadable: string[];
}

/** An External: opaque to JS, keeps the C job alive until it is collected. */
type AddonHandle = { readonly __countFilesHandle: unique symbol };

interface Addon {
  start(dir: string, recursive: boolean, lstatAll: boolean, done: (r: AddonResult) => void): AddonHandle;
  progress(handle: AddonHandle): [number, number];
  cancel(handle: AddonHandle): void;
}

let addon: Addon | null | undefined;

/** Finds build/Release/count_files.node above this file (src-main/aws/efs or dist/src-main/aws/efs). */
function loadAddon(): Addon | null {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
      const candidate = path.join(dir, 'build', 'Release', 'count_files.node');
      if (fs.existsSync(candidate)) {
        const m = createRequire(import.meta.url)(candidate) as Partial<Addon>;
        return typeof m.start === 'function' && typeof m.progress === 'function' && typeof m.cancel === 'function' ? (m as Addon) : null;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // No import.meta.url (a CommonJS bundle), or a build for another ABI: count in JavaScript.
  }
  return null;
}

function getAddon(): Addon | null {
  if (addon === undefined) addon = loadAddon();
  return addon;
}

/** Whether the native counter loaded. */
export function nativeCounterAvailable(): boolean {
  return getAddon() !== null;
}

const errnoNames = new Map<number, string>(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

/** Starts a walk in the addon; undefined when it is not available. */
export function startNativeWalk(opts: RawWalkOptions): RawWalk | undefined {
  const a = getAddon();
  if (a === null) return undefined;
  let handle: AddonHandle | undefined;
  const result = new Promise<RawWalkResult>((resolve) => {
    handle = a.start(opts.dir, opts.recursive, opts.lstatAll, (r) => {
      if (r.errno !== 0 && !r.cancelled) {
        resolve({ ok: false, code: errnoNames.get(r.errno) ?? `errno ${r.errno}` });
      } else {
        resolve({ ok: true, files: r.files, dirs: r.dirs, unreadable: r.unreadable, cancelled: r.cancelled });
      }
    });
  });
  const h = handle as AddonHandle; // start() runs the executor synchronously, so it is set
  return {
    result,
    progress: () => {
      const [files, dirs] = a.progress(h);
      return { files, dirs };
    },
    cancel: () => a.cancel(h),
  };
}
