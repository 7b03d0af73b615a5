// Fix runs (fix.run): one row per run in fix_runs (migration 3) with its whole result as JSON, plus
// the columns history lists by. Retention is by count, like diagnostic runs: every insert drops all
// but the newest `maxRuns`.
import type Database from 'better-sqlite3';
import { fixRunResultSchema, type FixRunResult, type FixRunSummary } from '../../src-shared/api/fix-contract.js';

export const DEFAULT_MAX_FIX_RUNS = 1000;

export interface FixRunsRepo {
  /** Store a finished run (validated); older runs beyond the cap are deleted. Run ids are unique. */
  add(run: FixRunResult): void;
  /** Newest first; limit 1–1000 (default 50). */
  list(opts?: { instanceId?: string; limit?: number }): FixRunSummary[];
  get(runId: string): FixRunResult | undefined;
  count(): number;
}

interface SummaryRow {
  run_id: string;
  instance_id: string;
  mode: string;
  outcome: string;
  // Nullable in the schema; this repository, the only writer, always sets them.
  likelihood_before: number;
  likelihood_after: number;
  started_at: string;
  finished_at: string;
  planned: number;
  applied: number;
}

function toSummary(row: SummaryRow): FixRunSummary {
  return {
    run_id: row.run_id,
    instance_id: row.instance_id,
    mode: row.mode as FixRunSummary['mode'],
    outcome: row.outcome as FixRunSummary['outcome'],
    likelihood_before: row.likelihood_before,
    likelihood_after: row.likelihood_after,
    started_at: row.started_at,
    finished_at: row.finished_at,
    planned: row.planned,
    applied: row.applied,
  };
}

export function createFixRunsRepo(db: Database.Database, maxRuns: number = DEFAULT_MAX_FIX_RUNS): FixRunsRepo {
  // The counts come out of the stored JSON (SQLite's JSON1), so the table needs no extra columns.
  const cols =
    "run_id, instance_id, mode, outcome, likelihood_before, likelihood_after, started_at, finished_at, json_array_length(report_json, '$.plan') AS planned, json_array_length(report_json, '$.applied') AS applied";
  const sql = {
    insert: db.prepare<[string, string, string, string, number, number, string, string, string]>(
      'INSERT INTO fix_runs (run_id, instance_id, mode, outcome, likelihood_before, likelihood_after, started_at, finished_at, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    prune: db.prepare<[number]>('DELETE FROM fix_runs WHERE id <= (SELECT id FROM fix_runs ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    listAll: db.prepare<[number], SummaryRow>(`SELECT ${cols} FROM fix_runs ORDER BY id DESC LIMIT ?`),
    listInstance: db.prepare<[string, number], SummaryRow>(`SELECT ${cols} FROM fix_runs WHERE instance_id = ? ORDER BY id DESC LIMIT ?`),
    get: db.prepare<[string], { report_json: string }>('SELECT report_json FROM fix_runs WHERE run_id = ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM fix_runs'),
  };
  const keep = Math.max(1, Math.floor(maxRuns));
  const add = db.transaction((run: FixRunResult) => {
    sql.insert.run(run.run_id, run.instance_id, run.mode, run.outcome, run.likelihood_before, run.likelihood_after, run.started_at, run.finished_at, JSON.stringify(run));
    sql.prune.run(keep);
  });

  return {
    add(run) {
      add(fixRunResultSchema.parse(run));
    },
    list(opts = {}) {
      const n = Math.max(1, Math.min(Math.floor(opts.limit ?? 50), 1000));
      const rows = opts.instanceId === undefined ? sql.listAll.all(n) : sql.listInstance.all(opts.instanceId, n);
      return rows.map(toSummary);
    },
    get(runId) {
      const row = sql.get.get(runId);
      return row ? fixRunResultSchema.parse(JSON.parse(row.report_json)) : undefined;
    },
    count() {
      return sql.count.get()?.n ?? 0;
    },
  };
}
