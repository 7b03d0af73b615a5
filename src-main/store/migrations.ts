// Schema migrations, recorded in `PRAGMA user_version`: migration i brings the schema from version i
// to i + 1. Append only — never edit a migration that has shipped.
import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

export const migrations: readonly Migration[] = [
  // 1: rules, settings, session history, metric samples, the active set.
  (db) => {
    db.exec(`
      CREATE TABLE rules (
        id          INTEGER PRIMARY KEY AUTOINCREMENT, -- insertion order, never reused
        name        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        rule_json   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE settings (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        json        TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      -- History outlives its rule (no foreign key): it is a record of what happened.
      CREATE TABLE session_history (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_name       TEXT NOT NULL,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        status          TEXT NOT NULL,
        bytes_sent      INTEGER NOT NULL DEFAULT 0,
        bytes_received  INTEGER NOT NULL DEFAULT 0,
        reason          TEXT
      );
      CREATE INDEX session_history_rule ON session_history (rule_name, id);
      CREATE TABLE metric_samples (
        id                  INTEGER PRIMARY KEY,
        ts                  INTEGER NOT NULL, -- ms since the epoch
        rule_name           TEXT NOT NULL,
        bytes_sent          INTEGER NOT NULL,
        bytes_received      INTEGER NOT NULL,
        active_connections  INTEGER NOT NULL,
        rtt_ms              REAL
      );
      CREATE INDEX metric_samples_rule_ts ON metric_samples (rule_name, ts);
      CREATE INDEX metric_samples_ts ON metric_samples (ts);
      -- Rules running right now; a rename follows the rule, a delete drops it.
      CREATE TABLE active_rules (
        name   TEXT PRIMARY KEY REFERENCES rules (name) ON UPDATE CASCADE ON DELETE CASCADE,
        since  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 2: connection diagnostic runs (diagnose.run), each with its whole report; bounded by count.
  (db) => {
    db.exec(`
      CREATE TABLE diagnostic_runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          TEXT NOT NULL UNIQUE,
        instance_id     TEXT NOT NULL,
        mode            TEXT NOT NULL,
        likelihood      INTEGER NOT NULL,
        worst_severity  TEXT,
        started_at      TEXT NOT NULL,
        report_json     TEXT NOT NULL
      );
      CREATE INDEX diagnostic_runs_instance ON diagnostic_runs (instance_id, id);
    `);
  },
];

export const SCHEMA_VERSION = migrations.length;

/**
 * Bring the database to SCHEMA_VERSION. Each migration and its version bump commit together, so a
 * crash mid-way leaves the previous version intact. A database from a newer Warren is refused.
 */
export function migrate(db: Database.Database, file: string): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION)
    throw new NewerSchemaError(file, from, SCHEMA_VERSION);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = migrations[v] as Migration;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return { from, to: SCHEMA_VERSION };
}

export class NewerSchemaError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `${file} was written by a newer Warren (schema ${found}, this version knows up to ${supported}). ` +
        'Fix: update Warren, or point WARREN_HOME at another folder.',
    );
    this.name = 'NewerSchemaError';
  }
}
