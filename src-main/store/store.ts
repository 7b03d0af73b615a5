// The one entry point to Warren's database: openStore($WARREN_HOME/warren.db) gives the
// repositories; close() when done (the daemon does it last in shutdown).
import type Database from 'better-sqlite3';
import { createActiveRepo, type ActiveRepo } from './active-repo.js';
import { openDatabase, type OpenDatabaseOptions } from './database.js';
import { createDiagnosticsRepo, type DiagnosticsRepo } from './diagnostics-repo.js';
import { createEfsCountsRepo, type EfsCountsRepo, type EfsCountsRetention } from './efs-counts-repo.js';
import { createEfsRunsRepo, type EfsRunsRepo } from './efs-runs-repo.js';
import { createEfsScalersRepo, type EfsScalersRepo } from './efs-scalers-repo.js';
import { createFixRunsRepo, type FixRunsRepo } from './fix-runs-repo.js';
import { createHistoryRepo, type HistoryRepo } from './history-repo.js';
import { createLinkHistoryRepo, type LinkHistoryRepo } from './link-history-repo.js';
import { createMetricsRepo, defaultRetention, type MetricsRepo, type RetentionPolicy } from './metrics-repo.js';
import { createRulesRepo, type RulesRepo } from './rules-repo.js';
import { createSettingsRepo, type SettingsRepo } from './settings-repo.js';
import { silentStoreLog, type StoreLog } from './store-log.js';

export interface StoreOptions extends OpenDatabaseOptions {
  log?: StoreLog;
  /** Clock for timestamps (tests). */
  now?: () => Date;
  retention?: Partial<RetentionPolicy>;
  /** Session history rows kept by maintain() (default 10000). */
  maxHistoryRows?: number;
  /** Diagnostic runs kept (default 1000; the oldest go on each insert). */
  maxDiagnosticRuns?: number;
  /** Fix runs kept (default 1000; the oldest go on each insert). */
  maxFixRuns?: number;
  /** EFS scaler runs kept (default 2000; the oldest go on each insert). */
  maxEfsRuns?: number;
  /** EFS file counts kept (default 90 days, 200000 rows). */
  efsCountsRetention?: Partial<EfsCountsRetention>;
}

export interface Store {
  readonly file: string;
  readonly rules: RulesRepo;
  readonly settings: SettingsRepo;
  readonly history: HistoryRepo;
  readonly metrics: MetricsRepo;
  readonly active: ActiveRepo;
  readonly diagnostics: DiagnosticsRepo;
  readonly fixRuns: FixRunsRepo;
  /** Connection time and latency of each link a session rode. */
  readonly links: LinkHistoryRepo;
  /** EFS mount target scalers: settings and schedule, runs, file counts. */
  readonly efsScalers: EfsScalersRepo;
  readonly efsRuns: EfsRunsRepo;
  readonly efsCounts: EfsCountsRepo;
  /** Run several repository calls as one transaction (all or nothing). */
  transaction<T>(fn: () => T): T;
  /** Retention for metrics and history; cheap enough to call every few minutes. */
  maintain(nowMs?: number): { metricsDeleted: number; historyDeleted: number };
  /** Idempotent. Checkpoints the WAL into the main file. */
  close(): void;
}

export { StoreOpenError } from './database.js';

/** Open (creating and migrating as needed). Throws StoreOpenError naming the file and the fix. */
export function openStore(file: string, options: StoreOptions = {}): Store {
  const db: Database.Database = openDatabase(file, options);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? silentStoreLog;
  const retention: RetentionPolicy = { ...defaultRetention, ...options.retention };
  const maxHistoryRows = options.maxHistoryRows ?? 10_000;
  const metrics = createMetricsRepo(db, retention);
  const history = createHistoryRepo(db, now);
  let closed = false;
  return {
    file,
    rules: createRulesRepo(db, now, log),
    settings: createSettingsRepo(db, now, log),
    history,
    metrics,
    active: createActiveRepo(db, now),
    diagnostics: createDiagnosticsRepo(db, options.maxDiagnosticRuns),
    fixRuns: createFixRunsRepo(db, options.maxFixRuns),
    links: createLinkHistoryRepo(db),
    efsScalers: createEfsScalersRepo(db, now),
    efsRuns: createEfsRunsRepo(db, options.maxEfsRuns),
    efsCounts: createEfsCountsRepo(db, now, options.efsCountsRetention),
    transaction: (fn) => db.transaction(fn)(),
    maintain(nowMs = now().getTime()) {
      return { metricsDeleted: metrics.prune(nowMs), historyDeleted: history.prune(maxHistoryRows) };
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}
