// Session history: one row per run of a rule, opened when the session starts and closed when it
// ends. Rows left open by a crash are closed as "interrupted" at the next start.
import type Database from 'better-sqlite3';
import { z } from 'zod';

export const historyEndStatusSchema = z.enum(['stopped', 'error', 'interrupted']);
export type HistoryEndStatus = z.infer<typeof historyEndStatusSchema>;

const finishSchema = z.object({
  status: historyEndStatusSchema,
  bytes_sent: z.number().int().min(0),
  bytes_received: z.number().int().min(0),
  /** Long reasons (a stack, a banner) are cut to 4 KB rather than refused. */
  reason: z.string().transform((r) => r.slice(0, 4096)).optional(),
});
export type HistoryFinish = z.input<typeof finishSchema>;

export interface HistoryEntry {
  id: number;
  rule_name: string;
  started_at: string;
  finished_at?: string;
  /** 'running' while open. */
  status: HistoryEndStatus | 'running';
  bytes_sent: number;
  bytes_received: number;
  reason?: string;
}

interface HistoryRow {
  id: number;
  rule_name: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  bytes_sent: number;
  bytes_received: number;
  reason: string | null;
}

export interface HistoryRepo {
  start(ruleName: string): number;
  /** false when the id is unknown or already finished. */
  finish(id: number, end: HistoryFinish): boolean;
  /** Newest first. */
  list(ruleName?: string, limit?: number): HistoryEntry[];
  /** Close rows a crash left open; returns how many. */
  closeInterrupted(reason: string): number;
  /** Keep the newest `maxRows` rows; returns how many were deleted. */
  prune(maxRows: number): number;
}

function toEntry(row: HistoryRow): HistoryEntry {
  const entry: HistoryEntry = {
    id: row.id,
    rule_name: row.rule_name,
    started_at: row.started_at,
    status: row.status as HistoryEntry['status'],
    bytes_sent: row.bytes_sent,
    bytes_received: row.bytes_received,
  };
  if (row.finished_at !== null) entry.finished_at = row.finished_at;
  if (row.reason !== null) entry.reason = row.reason;
  return entry;
}

export function createHistoryRepo(db: Database.Database, now: () => Date): HistoryRepo {
  const cols = 'id, rule_name, started_at, finished_at, status, bytes_sent, bytes_received, reason';
  const sql = {
    start: db.prepare<[string, string]>("INSERT INTO session_history (rule_name, started_at, status) VALUES (?, ?, 'running')"),
    finish: db.prepare<[string, string, number, number, string | null, number]>(
      "UPDATE session_history SET finished_at = ?, status = ?, bytes_sent = ?, bytes_received = ?, reason = ? WHERE id = ? AND status = 'running'",
    ),
    listAll: db.prepare<[number], HistoryRow>(`SELECT ${cols} FROM session_history ORDER BY id DESC LIMIT ?`),
    listRule: db.prepare<[string, number], HistoryRow>(`SELECT ${cols} FROM session_history WHERE rule_name = ? ORDER BY id DESC LIMIT ?`),
    closeOpen: db.prepare<[string, string]>(
      "UPDATE session_history SET finished_at = ?, status = 'interrupted', reason = ? WHERE status = 'running'",
    ),
    prune: db.prepare<[number]>(
      'DELETE FROM session_history WHERE id <= (SELECT id FROM session_history ORDER BY id DESC LIMIT 1 OFFSET ?)',
    ),
  };

  return {
    start(ruleName) {
      return Number(sql.start.run(ruleName, now().toISOString()).lastInsertRowid);
    },
    finish(id, end) {
      const e = finishSchema.parse(end);
      return sql.finish.run(now().toISOString(), e.status, e.bytes_sent, e.bytes_received, e.reason ?? null, id).changes > 0;
    },
    list(ruleName, limit = 100) {
      const n = Math.max(0, Math.min(Math.floor(limit), 10_000));
      const rows = ruleName === undefined ? sql.listAll.all(n) : sql.listRule.all(ruleName, n);
      return rows.map(toEntry);
    },
    closeInterrupted(reason) {
      return sql.closeOpen.run(now().toISOString(), reason).changes;
    },
    prune(maxRows) {
      return sql.prune.run(Math.max(0, Math.floor(maxRows))).changes;
    },
  };
}
