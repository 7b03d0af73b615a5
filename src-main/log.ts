// The daemon log: one JSON object per line in $WARREN_HOME/warren.log (0600), optionally the same
// lines on stderr. Secrets are redacted by path before a line is written. Other modules depend on
// the small `Log` interface, not on pino.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFn {
  (msg: string): void;
  (obj: Record<string, unknown>, msg?: string): void;
}

export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger whose lines all carry `bindings` (e.g. { part: 'ssh' }). Follows setLevel. */
  child(bindings: Record<string, unknown>): Log;
}

export interface WarrenLogger extends Log {
  readonly file: string;
  readonly level: LogLevel;
  /** Takes effect at once for this logger and every child made from it. */
  setLevel(level: LogLevel): void;
  /** Flush what is buffered and close the file. Later calls to the logger are dropped. */
  close(): Promise<void>;
}

export interface CreateLogOptions {
  file: string;
  level?: LogLevel;
  /** Also write each line to stderr (a daemon run in a terminal). */
  stderr?: boolean;
  /** At start, a log bigger than this becomes <file>.1 (default 10 MB; 0 turns rotation off). */
  rotateBytes?: number;
  /** Extra redaction paths, in pino's syntax ("a.b", "*.b"). */
  redact?: string[];
}

/**
 * Field paths whose values never reach the log. Wildcards cover one level each, so the common
 * shapes ({ passphrase }, { params: { passphrase } }, { req: { params: { passphrase } } }) are caught.
 */
export const REDACT_PATHS: readonly string[] = [
  'passphrase',
  '*.passphrase',
  '*.*.passphrase',
  'params.passphrase',
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'params.token',
  'secret',
  '*.secret',
  'private_key',
  '*.private_key',
  'privateKey',
  '*.privateKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

const LEVEL_VALUE: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };
export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;

/** Shared by a logger and all its children, so setLevel and close reach every one of them. */
interface Gate {
  min: number;
  closed: boolean;
}

function wrap(p: pino.Logger, gate: Gate): Log {
  const at =
    (level: LogLevel): LogFn =>
    (a: string | Record<string, unknown>, msg?: string) => {
      if (gate.closed || LEVEL_VALUE[level] < gate.min) return;
      if (typeof a === 'string') p[level](a);
      else p[level](a, msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(p.child(bindings), gate),
  };
}

/** Rotate a log that grew too big, then make sure the file exists with mode 0600. */
function prepareLogFile(file: string, rotateBytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    if (rotateBytes > 0 && fs.statSync(file).size > rotateBytes) fs.renameSync(file, `${file}.1`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Never through a symlink planted at the log's name (ELOOP), and only a regular file.
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0), 0o600);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`the log ${file} is not a regular file; remove it`);
    fs.fchmodSync(fd, 0o600); // an older file may have been created with looser bits
  } finally {
    fs.closeSync(fd);
  }
}

export function createLog(options: CreateLogOptions): WarrenLogger {
  const file = path.resolve(options.file);
  prepareLogFile(file, options.rotateBytes ?? DEFAULT_ROTATE_BYTES);
  const gate: Gate = { min: LEVEL_VALUE[options.level ?? 'info'], closed: false };
  let level: LogLevel = options.level ?? 'info';

  // Async writes keep logging off the hot path; close() flushes them.
  const fileDest = pino.destination({ dest: file, sync: false, mkdir: false, append: true, mode: 0o600 });
  const streams: pino.StreamEntry[] = [{ level: 'debug', stream: fileDest }];
  if (options.stderr) streams.push({ level: 'debug', stream: pino.destination({ dest: 2, sync: true }) });
  // pino filters at 'debug'; the gate decides, because pino children copy their level at birth
  // and would not follow a later setLevel.
  const root = pino(
    {
      level: 'debug',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.multistream(streams),
  );
  const log = wrap(root, gate);
  let closing: Promise<void> | undefined;

  return {
    ...log,
    file,
    get level() {
      return level;
    },
    setLevel(next) {
      level = next;
      gate.min = LEVEL_VALUE[next];
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        gate.closed = true;
        // Never hang a shutdown on the log: give the flush 2 s.
        const timer = setTimeout(resolve, 2000);
        timer.unref();
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        fileDest.once('close', done);
        fileDest.once('error', done);
        fileDest.end();
      });
      return closing;
    },
  };
}

/** A Log that drops everything (tests, or before the real log exists). */
export const silentLog: Log = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLog,
};
