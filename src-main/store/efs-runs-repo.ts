// EFS scaler runs (efs.run and the schedule): one row per run in efs_runs (migration 4) with its
// whole record as JSON, plus the columns a listing filters and sorts by. Retention is by count,
// like fix runs: every insert drops all but the newest `maxRuns`.
import type Database from 'better-sqlite3';
import { efsRunSchema, type EfsRun } from '../../src-shared/api/efs-contract.js';

export const DEFAULT_MAX_EFS_RUNS = 2000;

export interface EfsRunsRepo {
  /** Store a finished run (validated); older runs beyond the cap are deleted. Run ids are unique. */
  add(run: EfsRun): void;
  /** Newest first; limit 1–1000 (default 50). */
  list(opts?: { name?: string; limit?: number }): EfsRun[];
  /** The newest run of a scaler. */
  last(name: string): EfsRun | undefined;
  get(runId: string): EfsRun | undefined;
  count(): number;
}

type Params = [string, string, string, number, string, string | null, number | null, number, string | null, string, number, string];

export function createEfsRunsRepo(db: Database.Database, maxRuns: number = DEFAULT_MAX_EFS_RUNS): EfsRunsRepo {
  const sql = {
    insert: db.prepare<Params>(
      `INSERT INTO efs_runs (run_id, name, trigger, dry_run, outcome, failed_step, file_count, threshold, new_mount_target_id, started_at, duration_ms, record_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    prune: db.prepare<[number]>('DELETE FROM efs_runs WHERE id <= (SELECT id FROM efs_runs ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    listAll: db.prepare<[number], { record_json: string }>('SELECT record_json FROM efs_runs ORDER BY id DESC LIMIT ?'),
    listName: db.prepare<[string, number], { record_json: string }>('SELECT record_json FROM efs_runs WHERE name = ? ORDER BY id DESC LIMIT ?'),
    get: db.prepare<[string], { record_json: string }>('SELECT record_json FROM efs_runs WHERE run_id = ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM efs_runs'),
  };
  const keep = Math.max(1, Math.floor(maxRuns));
  const add = db.transaction((r: EfsRun) => {
    sql.insert.run(
      r.run_id,
      r.name,
      r.trigger,
      r.dry_run ? 1 : 0,
      r.outcome,
      r.failed_step ?? null,
      r.file_count,
      r.threshold,
      r.new_mount_target_id ?? null,
      r.timestamp,
      r.duration_ms,
      JSON.stringify(r),
    );
    sql.prune.run(keep);
  });
  const parse = (row: { record_json: string }): EfsRun => efsRunSchema.parse(JSON.parse(row.record_json));
  const list = (opts: { name?: string; limit?: number } = {}): EfsRun[] => {
    const n = Math.max(1, Math.min(Math.floor(opts.limit ?? 50), 1000));
    return (opts.name === undefined ? sql.listAll.all(n) : sql.listName.all(opts.name, n)).map(parse);
  };
  return {
    add(run) {
      add(efsRunSchema.parse(run));
    },
    list,
    last: (name) => list({ name, limit: 1 })[0],
    get(runId) {
      const row = sql.get.get(runId);
      return row ? parse(row) : undefined;
    },
    count: () => sql.count.get()?.n ?? 0,
  };
}
