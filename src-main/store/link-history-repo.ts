// Link history: one row per link a session rode (first connect, reconnect, make-before-break
// replacement) with how long it took to come up and its round-trip statistics (EC2 Connect
// property 11: connection time and latency recorded per session). Bounded by row count.
import type Database from 'better-sqlite3';
import type { LinkConnection, LinkHistorySummary } from '../../src-shared/api/ec2-contract.js';
import type { LinkClosed, LinkHistoryPort, LinkOpened } from '../core/engine-ports.js';

export const DEFAULT_MAX_LINK_ROWS = 20_000;

export interface LinkHistoryRepo extends LinkHistoryPort {
  /** Newest first; filter by rule name or target (instance id). limit 1–1000, default 50. */
  list(filter?: { rule?: string; target?: string; limit?: number }): LinkConnection[];
  summary(filter?: { rule?: string; target?: string }): LinkHistorySummary;
  /** Rows a crash left open are closed as interrupted (at the next start). */
  closeInterrupted(at: number): number;
}

interface Row {
  id: number;
  rule_name: string;
  kind: string;
  target: string;
  remote_id: string | null;
  reason: string;
  connected_at: number;
  connect_ms: number;
  rtt_samples: number;
  rtt_avg_ms: number | null;
  rtt_min_ms: number | null;
  rtt_max_ms: number | null;
  closed_at: number | null;
  close_reason: string | null;
}

function toEntry(r: Row): LinkConnection {
  const e: LinkConnection = {
    id: r.id,
    rule_name: r.rule_name,
    kind: r.kind as LinkConnection['kind'],
    target: r.target,
    reason: r.reason as LinkConnection['reason'],
    connected_at: new Date(r.connected_at).toISOString(),
    connect_ms: r.connect_ms,
    rtt_samples: r.rtt_samples,
  };
  if (r.remote_id !== null) e.remote_id = r.remote_id;
  if (r.rtt_avg_ms !== null) e.rtt_avg_ms = r.rtt_avg_ms;
  if (r.rtt_min_ms !== null) e.rtt_min_ms = r.rtt_min_ms;
  if (r.rtt_max_ms !== null) e.rtt_max_ms = r.rtt_max_ms;
  if (r.closed_at !== null) e.closed_at = new Date(r.closed_at).toISOString();
  if (r.close_reason !== null) e.close_reason = r.close_reason;
  return e;
}

/** The `WHERE` for an optional rule/target filter, with its arguments. */
function where(filter: { rule?: string | undefined; target?: string | undefined }): { sql: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  if (filter.rule !== undefined) {
    parts.push('rule_name = ?');
    args.push(filter.rule);
  }
  if (filter.target !== undefined) {
    parts.push('target = ?');
    args.push(filter.target);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

export function createLinkHistoryRepo(db: Database.Database, maxRows: number = DEFAULT_MAX_LINK_ROWS): LinkHistoryRepo {
  const insert = db.prepare<[string, string, string, string | null, string, number, number]>(
    'INSERT INTO link_connections (rule_name, kind, target, remote_id, reason, connected_at, connect_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const close = db.prepare<[number, string, number, number | null, number | null, number | null, number]>(
    'UPDATE link_connections SET closed_at = ?, close_reason = ?, rtt_samples = ?, rtt_avg_ms = ?, rtt_min_ms = ?, rtt_max_ms = ? WHERE id = ? AND closed_at IS NULL',
  );
  const prune = db.prepare<[number]>('DELETE FROM link_connections WHERE id <= (SELECT id FROM link_connections ORDER BY id DESC LIMIT 1 OFFSET ?)');
  const interrupted = db.prepare<[number]>("UPDATE link_connections SET closed_at = ?, close_reason = 'interrupted (Warren did not stop cleanly)' WHERE closed_at IS NULL");
  let inserts = 0;

  return {
    opened(row: LinkOpened): number {
      const id = Number(insert.run(row.rule_name, row.kind, row.target, row.remote_id ?? null, row.reason, row.connected_at, row.connect_ms).lastInsertRowid);
      // Pruning on every insert would cost a scan per connect; every 100th keeps the bound loose but cheap.
      if (++inserts % 100 === 0) prune.run(maxRows);
      return id;
    },
    closed(id: number, row: LinkClosed): void {
      close.run(row.closed_at, row.close_reason.slice(0, 1024), row.rtt_samples, row.rtt_avg_ms ?? null, row.rtt_min_ms ?? null, row.rtt_max_ms ?? null, id);
    },
    list(filter = {}) {
      const limit = Math.min(1000, Math.max(1, filter.limit ?? 50));
      const w = where(filter);
      return db.prepare<unknown[], Row>(`SELECT * FROM link_connections ${w.sql} ORDER BY id DESC LIMIT ?`).all(...w.args, limit).map(toEntry);
    },
    summary(filter = {}) {
      const w = where(filter);
      const agg = db
        .prepare<unknown[], { n: number; avg_connect: number | null; max_connect: number | null; samples: number | null; rtt_sum: number | null; rtt_min: number | null; rtt_max: number | null }>(
          `SELECT COUNT(*) AS n, AVG(connect_ms) AS avg_connect, MAX(connect_ms) AS max_connect, SUM(rtt_samples) AS samples,
                  SUM(rtt_avg_ms * rtt_samples) AS rtt_sum, MIN(rtt_min_ms) AS rtt_min, MAX(rtt_max_ms) AS rtt_max
             FROM link_connections ${w.sql}`,
        )
        .get(...w.args)!;
      // The median connect time: ORDER BY + OFFSET on the (small, bounded) filtered set.
      const median =
        agg.n === 0
          ? undefined
          : db.prepare<unknown[], { connect_ms: number }>(`SELECT connect_ms FROM link_connections ${w.sql} ORDER BY connect_ms LIMIT 1 OFFSET ?`).get(...w.args, Math.floor((agg.n - 1) / 2))?.connect_ms;
      const s: LinkHistorySummary = { connections: agg.n, rtt_samples: agg.samples ?? 0 };
      if (agg.avg_connect !== null) s.connect_ms_avg = Math.round(agg.avg_connect * 10) / 10;
      if (median !== undefined) s.connect_ms_p50 = median;
      if (agg.max_connect !== null) s.connect_ms_max = agg.max_connect;
      if (agg.samples && agg.rtt_sum !== null) s.rtt_ms_avg = Math.round((agg.rtt_sum / agg.samples) * 100) / 100;
      if (agg.rtt_min !== null) s.rtt_ms_min = agg.rtt_min;
      if (agg.rtt_max !== null) s.rtt_ms_max = agg.rtt_max;
      return s;
    },
    closeInterrupted(at: number): number {
      return interrupted.run(at).changes;
    },
  };
}
