// Metric samples (bytes, connections, round trip per rule over time) with bounded retention:
// prune drops samples older than N days and caps the row count. Both deletes walk an index, so
// calling prune every few minutes stays cheap.
import type Database from 'better-sqlite3';
import { z } from 'zod';

export const metricSampleSchema = z.object({
  /** ms since the epoch */
  ts: z.number().int().min(0),
  rule_name: z.string().min(1),
  bytes_sent: z.number().int().min(0),
  bytes_received: z.number().int().min(0),
  active_connections: z.number().int().min(0),
  /** null or absent when no probe has answered yet. */
  rtt_ms: z.number().min(0).nullable().optional(),
});
export type MetricSample = z.infer<typeof metricSampleSchema>;

export interface RetentionPolicy {
  maxAgeDays: number;
  maxRows: number;
}

export const defaultRetention: RetentionPolicy = { maxAgeDays: 7, maxRows: 500_000 };

interface SampleRow {
  ts: number;
  rule_name: string;
  bytes_sent: number;
  bytes_received: number;
  active_connections: number;
  rtt_ms: number | null;
}

export interface MetricsRepo {
  /** Insert a batch in one transaction (one fsync). Invalid samples throw before anything is written. */
  add(samples: readonly MetricSample[]): void;
  /** Samples of one rule with from <= ts <= to, oldest first (rtt_ms absent when unknown). */
  query(ruleName: string, fromMs: number, toMs: number, limit?: number): MetricSample[];
  /** Apply the retention policy; returns how many samples were deleted. */
  prune(nowMs?: number, policy?: Partial<RetentionPolicy>): number;
  count(): number;
}

export function createMetricsRepo(db: Database.Database, retention: RetentionPolicy): MetricsRepo {
  const sql = {
    add: db.prepare<[number, string, number, number, number, number | null]>(
      'INSERT INTO metric_samples (ts, rule_name, bytes_sent, bytes_received, active_connections, rtt_ms) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    query: db.prepare<[string, number, number, number], SampleRow>(
      'SELECT ts, rule_name, bytes_sent, bytes_received, active_connections, rtt_ms FROM metric_samples WHERE rule_name = ? AND ts BETWEEN ? AND ? ORDER BY ts, id LIMIT ?',
    ),
    pruneOld: db.prepare<[number]>('DELETE FROM metric_samples WHERE ts < ?'),
    // Ids grow with insertion, so "all but the newest N" is one range delete on the primary key.
    pruneCap: db.prepare<[number]>('DELETE FROM metric_samples WHERE id <= (SELECT id FROM metric_samples ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM metric_samples'),
  };

  const insertAll = db.transaction((samples: readonly MetricSample[]) => {
    for (const s of samples) sql.add.run(s.ts, s.rule_name, s.bytes_sent, s.bytes_received, s.active_connections, s.rtt_ms ?? null);
  });

  const prune = db.transaction((nowMs: number, policy: RetentionPolicy) => {
    const cutoff = nowMs - policy.maxAgeDays * 86_400_000;
    return sql.pruneOld.run(cutoff).changes + sql.pruneCap.run(Math.max(0, Math.floor(policy.maxRows))).changes;
  });

  return {
    add(samples) {
      const valid = z.array(metricSampleSchema).parse(samples);
      if (valid.length > 0) insertAll(valid);
    },
    query(ruleName, fromMs, toMs, limit = 10_000) {
      return sql.query.all(ruleName, fromMs, toMs, Math.max(0, Math.floor(limit))).map((r) => {
        const s: MetricSample = {
          ts: r.ts,
          rule_name: r.rule_name,
          bytes_sent: r.bytes_sent,
          bytes_received: r.bytes_received,
          active_connections: r.active_connections,
        };
        if (r.rtt_ms !== null) s.rtt_ms = r.rtt_ms;
        return s;
      });
    },
    prune(nowMs = Date.now(), policy = {}) {
      return prune(nowMs, { ...retention, ...policy });
    },
    count() {
      return sql.count.get()?.n ?? 0;
    },
  };
}
