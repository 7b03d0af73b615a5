// The stored settings: a sparse object holding only what the user set (config.update, an import),
// so defaults that depend on $WARREN_HOME (the log file) or change between versions still apply.
// Reads never fail: damaged values fall back to the defaults with a warning.
import type Database from 'better-sqlite3';
import { configUpdateParamsSchema } from '../../src-shared/api/contract.js';
import { ErrorCode, WarrenError, describeIssues } from '../../src-shared/api/errors.js';
import { mergeSettingsPatch, sanitizeSettingsPatch, type SettingsPatch } from '../../src-shared/domain/settings.js';
import type { StoreLog } from './store-log.js';

export interface SettingsRepo {
  /** The stored patch (valid leaves only). */
  get(): SettingsPatch;
  /** Replace the stored patch. Throws InvalidParams when it is not a valid settings patch. */
  put(patch: SettingsPatch): void;
  /** Merge an update into the stored patch in one transaction; returns the new stored patch. */
  update(patch: SettingsPatch): SettingsPatch;
}

export function createSettingsRepo(db: Database.Database, now: () => Date, log: StoreLog): SettingsRepo {
  const sql = {
    get: db.prepare<[], { json: string }>('SELECT json FROM settings WHERE id = 1'),
    put: db.prepare<[string, string]>(
      'INSERT INTO settings (id, json, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at',
    ),
  };

  function read(): SettingsPatch {
    const row = sql.get.get();
    if (!row) return {};
    let raw: unknown;
    try {
      raw = JSON.parse(row.json);
    } catch {
      log.warn({}, 'stored settings are not JSON; using defaults (config.update rewrites them)');
      return {};
    }
    const { patch, warnings } = sanitizeSettingsPatch(raw);
    for (const w of warnings) log.warn({}, w);
    return patch;
  }

  function write(patch: SettingsPatch): void {
    const parsed = configUpdateParamsSchema.safeParse(patch);
    if (!parsed.success)
      throw new WarrenError(
        ErrorCode.InvalidParams,
        `invalid settings: ${describeIssues(parsed.error.issues, 'settings')}`,
      );
    sql.put.run(JSON.stringify(parsed.data), now().toISOString());
  }

  return {
    get: read,
    put: write,
    update: db.transaction((patch: SettingsPatch) => {
      const next = mergeSettingsPatch(read(), patch);
      write(next);
      return next;
    }),
  };
}
