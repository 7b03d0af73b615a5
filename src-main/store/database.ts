// Opens $WARREN_HOME/warren.db: private file modes, WAL, foreign keys, a busy timeout, migrations,
// and errors that name the file and say how to fix it (a corrupt, locked or newer database).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, NewerSchemaError } from './migrations.js';

export type StoreOpenErrorKind = 'corrupt' | 'locked' | 'newer' | 'permission' | 'io';

export class StoreOpenError extends Error {
  constructor(
    readonly kind: StoreOpenErrorKind,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

export interface OpenDatabaseOptions {
  /** How long a statement waits for another connection's lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

function sqliteCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
}

/** Turn what SQLite or the file system said into an error a person can act on. */
export function explainOpenError(file: string, e: unknown): StoreOpenError {
  if (e instanceof StoreOpenError) return e;
  if (e instanceof NewerSchemaError) return new StoreOpenError('newer', file, e.message, { cause: e });
  const code = sqliteCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return new StoreOpenError(
      'corrupt',
      file,
      `${file} is not a readable Warren database (${code}: ${detail}). Fix: stop Warren, move the file aside ` +
        `(mv "${file}" "${file}.broken", and its -wal/-shm files) and start again; then re-add or re-import your rules.`,
      { cause: e },
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new StoreOpenError(
      'locked',
      file,
      `${file} is locked by another process (${code}). Fix: stop the other Warren (\`warren daemon stop\`) or the ` +
        'program holding the database open, then start again.',
      { cause: e },
    );
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_CANTOPEN')
    return new StoreOpenError(
      'permission',
      file,
      `cannot open ${file} for writing (${code}: ${detail}). Fix: make the file and its folder owned and writable ` +
        'by this user, or point WARREN_HOME at a folder you own.',
      { cause: e },
    );
  return new StoreOpenError('io', file, `cannot open ${file} (${code || 'error'}: ${detail}). Fix: check the disk and the folder, then start again.`, {
    cause: e,
  });
}

/** Create the folder 0700 (when missing) and the file 0600, before SQLite touches them. */
function preparePrivateFile(file: string): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  fs.closeSync(fd);
  // An existing file may have been created with looser bits; rules name hosts and ports.
  fs.chmodSync(file, 0o600);
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  let db: Database.Database | undefined;
  try {
    preparePrivateFile(file);
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('foreign_keys = ON');
    // WAL: readers never block the writer; FULL sync so a committed start/stop survives power loss.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    migrate(db, file);
    return db;
  } catch (e) {
    db?.close();
    throw explainOpenError(file, e);
  }
}
