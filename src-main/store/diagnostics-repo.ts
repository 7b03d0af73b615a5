// Diagnostic runs (diagnose.run): one row per run with its whole report as JSON, plus the columns
// history lists by. Retention is by count: every insert drops all but the newest `maxRuns`.
import type Database from 'better-sqlite3';
import { diagnosticReportSchema, type DiagnosticReport, type DiagnosticResult, type Severity } from '../../src-shared/api/diagnostics.js';
import type { DiagnoseRunSummary } from '../../src-shared/api/diagnose-contract.js';

export const DEFAULT_MAX_DIAGNOSTIC_RUNS = 1000;

export interface StoredDiagnosticRun extends DiagnosticReport {
  run_id: string;
}

export interface DiagnosticsRepo {
  /** Store a run; older runs beyond the cap are deleted. */
  add(runId: string, report: DiagnosticReport): void;
  /** Newest first; limit 1–1000 (default 50). */
  list(opts?: { instanceId?: string; limit?: number }): DiagnoseRunSummary[];
  get(runId: string): StoredDiagnosticRun | undefined;
  count(): number;
}

const SEVERITY_ORDER: readonly Severity[] = ['CRITICAL', 'ERROR', 'WARNING', 'INFO'];

/** The worst severity of the results that did not pass (skips count as nothing). */
export function worstSeverity(results: readonly Pick<DiagnosticResult, 'status' | 'severity'>[]): Severity | undefined {
  const found = new Set(results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.severity));
  return SEVERITY_ORDER.find((s) => found.has(s));
}

interface SummaryRow {
  run_id: string;
  instance_id: string;
  mode: string;
  likelihood: number;
  worst_severity: string | null;
  started_at: string;
}

function toSummary(row: SummaryRow): DiagnoseRunSummary {
  const s: DiagnoseRunSummary = {
    run_id: row.run_id,
    instance_id: row.instance_id,
    mode: row.mode as DiagnoseRunSummary['mode'],
    likelihood_percent: row.likelihood,
    started_at: row.started_at,
  };
  if (row.worst_severity !== null) s.worst_severity = row.worst_severity as Severity;
  return s;
}

export function createDiagnosticsRepo(db: Database.Database, maxRuns: number = DEFAULT_MAX_DIAGNOSTIC_RUNS): DiagnosticsRepo {
  const cols = 'run_id, instance_id, mode, likelihood, worst_severity, started_at';
  const sql = {
    insert: db.prepare<[string, string, string, number, string | null, string, string]>(
      'INSERT INTO diagnostic_runs (run_id, instance_id, mode, likelihood, worst_severity, started_at, report_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    prune: db.prepare<[number]>('DELETE FROM diagnostic_runs WHERE id <= (SELECT id FROM diagnostic_runs ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    listAll: db.prepare<[number], SummaryRow>(`SELECT ${cols} FROM diagnostic_runs ORDER BY id DESC LIMIT ?`),
    listInstance: db.prepare<[string, number], SummaryRow>(`SELECT ${cols} FROM diagnostic_runs WHERE instance_id = ? ORDER BY id DESC LIMIT ?`),
    get: db.prepare<[string], { report_json: string }>('SELECT report_json FROM diagnostic_runs WHERE run_id = ?'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM diagnostic_runs'),
  };
  const keep = Math.max(1, Math.floor(maxRuns));
  const add = db.transaction((runId: string, report: DiagnosticReport) => {
    sql.insert.run(
      runId,
      report.instance_id,
      report.mode,
      report.likelihood_percent,
      // aws-config runs keep their checks in aws_config (see asDiagnosticReport).
      worstSeverity([...report.results, ...(report.aws_config?.checks ?? [])]) ?? null,
      report.started_at,
      JSON.stringify(report),
    );
    sql.prune.run(keep);
  });

  return {
    add(runId, report) {
      add(runId, diagnosticReportSchema.parse(report));
    },
    list(opts = {}) {
      const n = Math.max(1, Math.min(Math.floor(opts.limit ?? 50), 1000));
      const rows = opts.instanceId === undefined ? sql.listAll.all(n) : sql.listInstance.all(opts.instanceId, n);
      return rows.map(toSummary);
    },
    get(runId) {
      const row = sql.get.get(runId);
      if (!row) return undefined;
      return { ...diagnosticReportSchema.parse(JSON.parse(row.report_json)), run_id: runId };
    },
    count() {
      return sql.count.get()?.n ?? 0;
    },
  };
}
