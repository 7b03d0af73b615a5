// The contract between file-counter.ts and its two walkers (the count_files addon, and the
// JavaScript one in a worker thread).

export interface RawWalkOptions {
  dir: string;
  recursive: boolean;
  /** lstat every entry as if the file system reported no d_type (exercises that path in tests). */
  lstatAll: boolean;
}

export type RawWalkResult =
  | { ok: true; files: number; dirs: number; unreadable: string[]; cancelled: boolean }
  /** The root itself could not be opened or read; code is the errno name (ENOENT, EACCES…). */
  | { ok: false; code: string; message?: string };

export interface RawWalk {
  /** Settles when the walk ends (finished, failed at the root, or cancelled); never rejects. */
  result: Promise<RawWalkResult>;
  /** Counts so far (published by the walker every few thousand entries). */
  progress(): { files: number; dirs: number };
  /** Asks the walker to stop; result then settles with cancelled (or is abandoned). */
  cancel(): void;
}
