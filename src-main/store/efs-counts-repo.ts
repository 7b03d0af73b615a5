// File counts of the EFS scalers over time (efs.counts, the chart): one row per successful count in
// efs_counts (migration 4). Bounded by age and by rows; both deletes walk an index, so pruning on
// every insert stays cheap (a count is made at most once per scaler per interval).
import type Database from 'better-sqlite3';
import { efsCountSampleSchema, type EfsCountSample } from '../../src-shared/api/efs-contract.js';

export interface EfsCountsRetention {
  maxAgeDays: number;
  maxRows: number;
}
export const defaultEfsCountsRetention: EfsCountsRetention = { maxAgeDays: 90, maxRows: 200_000 };

export interface EfsCountsRepo {
  /** Insert one sample (validated), then apply the retention. */
  add(sample: EfsCountSample): void;
  /** Samples with ts >= sinceMs, oldest first; with a limit, the newest `limit` of them. */
  query(opts?: { name?: string; sinceMs?: number; limit?: number }): EfsCountSample[];
  /** Apply the retention; returns how many samples were deleted. */
  prune(nowMs: number): number;
  count(): number;
}

export function createEfsCountsRepo(db: Database.Database, now: () => Date, retention: Partial<EfsCountsRetention> = {}): EfsCountsRepo {
  const policy = { ...defaultEfsCountsRetention, ...retention };
  const cols = 'ts, name, file_count, threshold';
  // The newest `limit` rows, then put back in time order.
  const newest = (where: string) => `SELECT ${cols} FROM (SELECT id, ${cols} FROM efs_counts ${where} ORDER BY ts DESC, id DESC LIMIT ?) ORDER BY ts, id`;
  const sql = {
    add: db.prepare<[number, string, number, number]>('INSERT INTO efs_counts (ts, name, file_count, threshold) VALUES (?, ?, ?, ?)'),
    all: db.prepare<[number, number], EfsCountSample>(newest('WHERE ts >= ?')),
    byName: db.prepare<[string, number, number], EfsCountSample>(newest('WHERE name = ? AND ts >= ?')),
    pruneOld: db.prepare<[number]>('DELETE FROM efs_counts WHERE ts < ?'),
    pruneCap: db.prepare<[number]>('DELETE FROM efs_counts WHERE id <= (SELECT id FROM efs_counts ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM efs_counts'),
  };
  const prune = (nowMs: number): number =>
    sql.pruneOld.run(nowMs - policy.maxAgeDays * 86_400_000).changes + sql.pruneCap.run(Math.max(1, Math.floor(policy.maxRows))).changes;
  const add = db.transaction((s: EfsCountSample) => {
    sql.add.run(s.ts, s.name, s.file_count, s.threshold);
    prune(now().getTime());
  });
  return {
    add(sample) {
      add(efsCountSampleSchema.parse(sample));
    },
    query(opts = {}) {
      const since = opts.sinceMs ?? 0;
      const limit = Math.max(1, Math.min(Math.floor(opts.limit ?? 10_000), 100_000));
      return opts.name === undefined ? sql.all.all(since, limit) : sql.byName.all(opts.name, since, limit);
    },
    prune,
    count: () => sql.count.get()?.n ?? 0,
  };
}
