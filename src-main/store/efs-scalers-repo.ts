// EFS scalers (efs.configure): one row per scaler in efs_scalers (migration 4) with its settings as
// JSON and whether its schedule is on, so the daemon restores the schedule when it starts.
import type Database from 'better-sqlite3';
import { efsScalerConfigSchema, type EfsScalerConfig } from '../../src-shared/api/efs-contract.js';

export interface EfsScalerRow {
  name: string;
  config: EfsScalerConfig;
  schedule_enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface EfsScalersRepo {
  get(name: string): EfsScalerRow | undefined;
  /** By name. */
  list(): EfsScalerRow[];
  /** Insert or replace the settings (validated); the schedule flag of an existing scaler stays. */
  save(config: EfsScalerConfig): EfsScalerRow;
  /** undefined when there is no such scaler. */
  setSchedule(name: string, enabled: boolean): EfsScalerRow | undefined;
  /** false when there was no such scaler. */
  delete(name: string): boolean;
}

interface Row {
  name: string;
  config_json: string;
  schedule_enabled: number;
  created_at: string;
  updated_at: string;
}

function toScaler(row: Row): EfsScalerRow {
  return {
    name: row.name,
    config: efsScalerConfigSchema.parse(JSON.parse(row.config_json)),
    schedule_enabled: row.schedule_enabled !== 0,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function createEfsScalersRepo(db: Database.Database, now: () => Date): EfsScalersRepo {
  const cols = 'name, config_json, schedule_enabled, created_at, updated_at';
  const sql = {
    get: db.prepare<[string], Row>(`SELECT ${cols} FROM efs_scalers WHERE name = ?`),
    list: db.prepare<[], Row>(`SELECT ${cols} FROM efs_scalers ORDER BY name`),
    upsert: db.prepare<[string, string, string, string]>(
      `INSERT INTO efs_scalers (name, config_json, schedule_enabled, created_at, updated_at) VALUES (?, ?, 0, ?, ?)
       ON CONFLICT (name) DO UPDATE SET config_json = excluded.config_json, updated_at = excluded.updated_at`,
    ),
    schedule: db.prepare<[number, string, string]>('UPDATE efs_scalers SET schedule_enabled = ?, updated_at = ? WHERE name = ?'),
    delete: db.prepare<[string]>('DELETE FROM efs_scalers WHERE name = ?'),
  };
  const get = (name: string): EfsScalerRow | undefined => {
    const row = sql.get.get(name);
    return row ? toScaler(row) : undefined;
  };
  return {
    get,
    list: () => sql.list.all().map(toScaler),
    save(config) {
      const valid = efsScalerConfigSchema.parse(config);
      const at = now().toISOString();
      sql.upsert.run(valid.name, JSON.stringify(valid), at, at);
      return get(valid.name)!;
    },
    setSchedule(name, enabled) {
      const changed = sql.schedule.run(enabled ? 1 : 0, now().toISOString(), name).changes;
      return changed > 0 ? get(name) : undefined;
    },
    delete: (name) => sql.delete.run(name).changes > 0,
  };
}
