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
  // 3: auto-fix runs (fix.run), each with its plan, steps and likelihood before/after; and one row
  // per link a session rode (connect, resume, replacement) with its connection time and latency.
  (db) => {
    db.exec(`
      CREATE TABLE fix_runs (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id             TEXT NOT NULL UNIQUE,
        instance_id        TEXT NOT NULL,
        mode               TEXT NOT NULL,     -- apply | dry-run
        outcome            TEXT NOT NULL,     -- e.g. fixed | partial | failed | planned
        likelihood_before  INTEGER,
        likelihood_after   INTEGER,
        started_at         TEXT NOT NULL,
        finished_at        TEXT,
        report_json        TEXT NOT NULL
      );
      CREATE INDEX fix_runs_instance ON fix_runs (instance_id, id);
      -- History outlives its rule (no foreign key), like session_history.
      CREATE TABLE link_connections (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_name     TEXT NOT NULL,
        kind          TEXT NOT NULL,          -- ssh | ssm | conduit
        target        TEXT NOT NULL,          -- host alias, instance id or router
        remote_id     TEXT,                   -- the SSM session id, when there is one
        reason        TEXT NOT NULL,          -- connect | reconnect | replace
        connected_at  INTEGER NOT NULL,       -- ms since the epoch
        connect_ms    REAL NOT NULL,          -- from asking for the link to traffic being able to flow
        rtt_samples   INTEGER NOT NULL DEFAULT 0,
        rtt_avg_ms    REAL,
        rtt_min_ms    REAL,
        rtt_max_ms    REAL,
        closed_at     INTEGER,
        close_reason  TEXT
      );
      CREATE INDEX link_connections_rule ON link_connections (rule_name, id);
      CREATE INDEX link_connections_target ON link_connections (target, id);
    `);
  },
  // 4: the EFS mount target autoscaler: each scaler's settings and whether its schedule is on (so
  // the schedule survives restarts), every run with its whole record (bounded by count), and every
  // file count for the chart (bounded by age and count).
  (db) => {
    db.exec(`
      CREATE TABLE efs_scalers (
        name              TEXT PRIMARY KEY,
        config_json       TEXT NOT NULL,
        schedule_enabled  INTEGER NOT NULL DEFAULT 0,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Runs outlive their scaler (no foreign key), like session_history.
      CREATE TABLE efs_runs (
        id                   INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id               TEXT NOT NULL UNIQUE,
        name                 TEXT NOT NULL,
        trigger              TEXT NOT NULL,   -- manual | schedule
        dry_run              INTEGER NOT NULL,
        outcome              TEXT NOT NULL,   -- below_threshold | scaled | no_subnet | failed | dry_run
        failed_step          TEXT,
        file_count           INTEGER,         -- null when counting failed
        threshold            INTEGER NOT NULL,
        new_mount_target_id  TEXT,
        started_at           TEXT NOT NULL,   -- the record's timestamp
        duration_ms          REAL NOT NULL,
        record_json          TEXT NOT NULL
      );
      CREATE INDEX efs_runs_name ON efs_runs (name, id);
      CREATE TABLE efs_counts (
        id          INTEGER PRIMARY KEY,
        ts          INTEGER NOT NULL,         -- ms since the epoch
        name        TEXT NOT NULL,
        file_count  INTEGER NOT NULL,
        threshold   INTEGER NOT NULL
      );
      CREATE INDEX efs_counts_name_ts ON efs_counts (name, ts);
      CREATE INDEX efs_counts_ts ON efs_counts (ts);
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
