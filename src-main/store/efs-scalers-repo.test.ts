import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { efsScalerConfigSchema, type EfsScalerConfig } from '../../src-shared/api/efs-contract.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';
import { migrations } from './migrations.js';
import { openStore } from './store.js';

let t: TempStore;
afterEach(() => t?.dispose());

const config = (name: string, over: Partial<EfsScalerConfig> = {}): EfsScalerConfig =>
  efsScalerConfigSchema.parse({
    name,
    file_system_id: 'fs-0123456789abcdef0',
    directory: '/mnt/efs/data',
    ssm_parameter: '/app/efs/mount-targets',
    ecs_cluster: 'prod',
    ecs_service: 'web',
    vpc_id: 'vpc-0a1b2c3d4e5f60718',
    security_group_id: 'sg-0a1b2c3d4e5f60718',
    ...over,
  });

describe('EFS scalers repository', () => {
  it('saves, replaces (keeping the schedule flag), lists by name and deletes', () => {
    let clock = Date.parse('2026-03-01T00:00:00Z');
    t = openTempStore({ now: () => new Date(clock) });
    const r = t.store.efsScalers;
    const saved = r.save(config('media'));
    expect(saved).toEqual({ name: 'media', config: config('media'), schedule_enabled: false, created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z' });
    r.save(config('logs'));
    clock += 60_000;
    expect(r.setSchedule('media', true)?.schedule_enabled).toBe(true);
    clock += 60_000;
    const updated = r.save(config('media', { threshold: 5 }));
    expect(updated).toMatchObject({ schedule_enabled: true, created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:02:00.000Z' });
    expect(updated.config.threshold).toBe(5);
    expect(r.list().map((s) => s.name)).toEqual(['logs', 'media']);
    expect(r.setSchedule('nope', true)).toBeUndefined();
    expect(() => r.save({ ...config('bad'), threshold: -1 })).toThrow();
    expect(r.delete('logs')).toBe(true);
    expect(r.delete('logs')).toBe(false);
    expect(r.get('logs')).toBeUndefined();
  });

  it('keeps settings and schedule across closing and reopening the database', () => {
    t = openTempStore();
    t.store.efsScalers.save(config('media', { recursive: true, profile: 'ops' }));
    t.store.efsScalers.setSchedule('media', true);
    t.store.close();
    const again = openStore(t.file);
    try {
      expect(again.efsScalers.get('media')).toMatchObject({ schedule_enabled: true, config: { recursive: true, profile: 'ops', interval: '5m' } });
    } finally {
      again.close();
    }
  });

  it('migration 4 brings a version 3 database up without touching what was there', () => {
    t = openTempStore();
    t.store.close();
    const file = `${t.file}.v3`;
    const raw = new Database(file);
    for (const m of migrations.slice(0, 3)) m(raw);
    raw.pragma('user_version = 3');
    raw.prepare("INSERT INTO settings (id, json, updated_at) VALUES (1, '{}', 'then')").run();
    raw.close();
    const store = openStore(file);
    try {
      store.efsScalers.save(config('media'));
      expect(store.efsScalers.list().map((s) => s.name)).toEqual(['media']);
      expect(store.efsRuns.count()).toBe(0);
      expect(store.efsCounts.count()).toBe(0);
    } finally {
      store.close();
    }
    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
      expect(after.prepare('SELECT updated_at FROM settings WHERE id = 1').get()).toEqual({ updated_at: 'then' });
    } finally {
      after.close();
    }
  });
});
