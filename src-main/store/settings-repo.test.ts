import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src-shared/api/errors.js';
import { defaultSettings, resolveSettings } from '../../src-shared/domain/settings.js';
import { openStore } from './store.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
const warnings: string[] = [];
afterEach(() => {
  t?.dispose();
  warnings.length = 0;
});

describe('settings repository', () => {
  it('starts empty, puts, merges updates, and survives reopening', () => {
    t = openTempStore();
    expect(t.store.settings.get()).toEqual({});
    t.store.settings.put({ reconnect: { max_retries: 3 } });
    expect(t.store.settings.update({ reconnect: { enabled: false }, log: { level: 'warn' } })).toEqual({
      reconnect: { max_retries: 3, enabled: false },
      log: { level: 'warn' },
    });
    t.store.close();
    const again = openStore(t.file);
    try {
      expect(again.settings.get()).toEqual({ reconnect: { max_retries: 3, enabled: false }, log: { level: 'warn' } });
    } finally {
      again.close();
    }
  });

  it('refuses to store an invalid patch', () => {
    t = openTempStore();
    expect(() => t.store.settings.put({ reconnect: { max_retries: -1 } })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidParams }));
    expect(t.store.settings.get()).toEqual({});
  });

  it('falls back to defaults with a warning when stored values are damaged', () => {
    t = openTempStore({ log: { warn: (_o, msg) => warnings.push(msg) } });
    t.store.settings.put({ ssh_config_path: '/etc/ssh/alt' });
    const raw = new Database(t.file);
    raw.prepare('UPDATE settings SET json = ?').run(JSON.stringify({ ssh_config_path: '/etc/ssh/alt', log: { level: 'shouty' }, zzz: 1 }));
    raw.close();
    const stored = t.store.settings.get();
    expect(stored).toEqual({ ssh_config_path: '/etc/ssh/alt' });
    expect(warnings).toHaveLength(2);
    const resolved = resolveSettings({ defaults: defaultSettings('/w'), stored });
    expect(resolved.settings.log.level).toBe('info');

    const raw2 = new Database(t.file);
    raw2.prepare('UPDATE settings SET json = ?').run('{oops');
    raw2.close();
    expect(t.store.settings.get()).toEqual({});
    expect(warnings.at(-1)).toMatch(/not JSON/);
  });
});
