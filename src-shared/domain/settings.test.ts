import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configInfoSchema } from '../api/models.js';
import { ErrorCode, WarrenError } from '../api/errors.js';
import {
  applyConfigUpdate,
  defaultSettings,
  envNameOf,
  mergeSettingsPatch,
  reconnectDelaysMs,
  ssmMaxSessionMs,
  ssmReconnectMs,
  resolveSettings,
  sanitizeSettingsPatch,
  settingsFromEnv,
} from './settings.js';

const home = '/home/ann/.config/warren';

describe('defaultSettings', () => {
  it('has MolePort defaults (no log.file: the log is always $WARREN_HOME/warren.log)', () => {
    const d = defaultSettings(home);
    expect(configInfoSchema.parse(d)).toEqual(d);
    expect(d).toEqual({
      ssh_config_path: '~/.ssh/config',
      reconnect: { enabled: true, max_retries: 10, initial_delay: '1s', max_delay: '60s' },
      session: { auto_restore: true, max_sessions_per_instance: 3 },
      log: { level: 'info' },
      ssm: {
        reconnect_initial_delay: '1s',
        reconnect_max_delay: '16s',
        reconnect_max_retries: 5,
        aggressive_mode: false,
        aggressive_attempts: 10,
        aggressive_interval: '500ms',
        max_session_duration: 'auto',
        renew_before: '2m',
        inactive_after: '30s',
        use_session_manager_plugin: false,
        session_manager_plugin_path: 'session-manager-plugin',
      },
    });
    expect(reconnectDelaysMs(d)).toEqual({ initialMs: 1000, maxMs: 60_000 });
  });
});

describe('applyConfigUpdate', () => {
  const d = defaultSettings(home);

  it('changes only the fields given', () => {
    const next = applyConfigUpdate(d, { reconnect: { max_retries: 0 }, log: { level: 'debug' } });
    expect(next).toEqual({ ...d, reconnect: { ...d.reconnect, max_retries: 0 }, log: { ...d.log, level: 'debug' } });
    expect(d.reconnect.max_retries).toBe(10); // the input is not mutated
    expect(applyConfigUpdate(d, {})).toEqual(d);
  });

  it('rejects initial_delay longer than max_delay with a clear message', () => {
    const run = (): unknown => applyConfigUpdate(d, { reconnect: { initial_delay: '2m' } });
    expect(run).toThrow(WarrenError);
    expect(run).toThrow('reconnect.initial_delay (2m) must not be longer than reconnect.max_delay (60s)');
    try {
      run();
    } catch (e) {
      expect((e as WarrenError).code).toBe(ErrorCode.InvalidParams);
    }
    // Both at once is fine when consistent.
    expect(applyConfigUpdate(d, { reconnect: { initial_delay: '2m', max_delay: '5m' } }).reconnect).toMatchObject({ initial_delay: '2m', max_delay: '5m' });
  });

  it('rejects malformed updates (unknown keys, bad durations)', () => {
    expect(() => applyConfigUpdate(d, { reconnect: { max_delay: 'soon' } })).toThrow(/max_delay/);
    expect(() => applyConfigUpdate(d, { bogus: 1 } as never)).toThrow(WarrenError);
  });

  it('property: any valid update either yields valid settings or says why', () => {
    const dur = fc.nat({ max: 7_200_000 }).map((ms) => `${ms}ms`);
    const update = fc.record(
      {
        reconnect: fc.record({ max_retries: fc.nat({ max: 100 }), initial_delay: dur, max_delay: dur, enabled: fc.boolean() }, { requiredKeys: [] }),
        log: fc.record({ level: fc.constantFrom('debug', 'info', 'warn', 'error' as const) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(update, (u) => {
        try {
          const next = applyConfigUpdate(d, u);
          expect(configInfoSchema.safeParse(next).success).toBe(true);
          const { initialMs, maxMs } = reconnectDelaysMs(next);
          expect(initialMs).toBeLessThanOrEqual(maxMs);
        } catch (e) {
          expect((e as Error).message).toMatch(/initial_delay .* must not be longer/);
        }
      }),
    );
  });
});

describe('sanitizeSettingsPatch (stored settings)', () => {
  it('keeps valid leaves and drops invalid or unknown ones with warnings', () => {
    const { patch, warnings } = sanitizeSettingsPatch({
      ssh_config_path: '/etc/ssh/cfg',
      reconnect: { max_retries: -3, max_delay: '2m' },
      log: { level: 'loud' },
      theme: 'dark',
    });
    expect(patch).toEqual({ ssh_config_path: '/etc/ssh/cfg', reconnect: { max_delay: '2m' } });
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/theme/);
    expect(warnings.join('\n')).toMatch(/reconnect.max_retries=-3/);
    expect(warnings.join('\n')).toMatch(/log.level="loud"/);
  });

  it('ignores a log.file stored by an older Warren, and unknown leaves, with a warning (a start never fails on them)', () => {
    const { patch, warnings } = sanitizeSettingsPatch({ log: { level: 'warn', file: '/home/ann/.bashrc' }, reconnect: { colour: 'red' } });
    expect(patch).toEqual({ log: { level: 'warn' } });
    expect([...warnings].sort()).toEqual(['stored setting log.file ignored: Warren always logs to $WARREN_HOME/warren.log', 'unknown stored setting "reconnect.colour" ignored'].sort());
    const r = resolveSettings({ defaults: defaultSettings(home), stored: { log: { level: 'warn', file: '/x' } } as never });
    expect(r.settings.log).toEqual({ level: 'warn' });
  });

  it('config.update refuses log.file', () => {
    expect(() => applyConfigUpdate(defaultSettings(home), { log: { file: '/home/ann/.bashrc' } } as never)).toThrow(/file/);
  });

  it('treats non-objects as empty', () => {
    expect(sanitizeSettingsPatch(undefined)).toEqual({ patch: {}, warnings: [] });
    expect(sanitizeSettingsPatch([1]).patch).toEqual({});
    expect(sanitizeSettingsPatch('x').warnings).toHaveLength(1);
  });
});

describe('mergeSettingsPatch', () => {
  it('later fields win, sections merge', () => {
    expect(mergeSettingsPatch({ reconnect: { max_retries: 3, enabled: false } }, { reconnect: { max_retries: 5 }, log: { level: 'warn' } })).toEqual({
      reconnect: { max_retries: 5, enabled: false },
      log: { level: 'warn' },
    });
    expect(mergeSettingsPatch({}, {})).toEqual({});
  });
});

describe('settingsFromEnv', () => {
  it('names variables WARREN_<SECTION>_<KEY>', () => {
    expect(envNameOf('reconnect.max_retries')).toBe('WARREN_RECONNECT_MAX_RETRIES');
    expect(envNameOf('ssh_config_path')).toBe('WARREN_SSH_CONFIG_PATH');
    expect(envNameOf('log.level')).toBe('WARREN_LOG_LEVEL');
  });

  it('parses booleans, numbers, durations and levels; reports bad values', () => {
    const { patch, warnings } = settingsFromEnv({
      WARREN_RECONNECT_ENABLED: 'no',
      WARREN_RECONNECT_MAX_RETRIES: '0',
      WARREN_RECONNECT_INITIAL_DELAY: '90s',
      WARREN_LOG_LEVEL: 'DEBUG',
      WARREN_SSH_CONFIG_PATH: '/x/config',
      WARREN_SESSION_AUTO_RESTORE: 'maybe',
      WARREN_RECONNECT_MAX_DELAY: '-1',
      PATH: '/usr/bin',
    });
    expect(patch).toEqual({
      ssh_config_path: '/x/config',
      reconnect: { enabled: false, max_retries: 0, initial_delay: '1m30s' },
      log: { level: 'debug' },
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/WARREN_RECONNECT_MAX_DELAY="-1" ignored/);
    expect(warnings[1]).toMatch(/WARREN_SESSION_AUTO_RESTORE="maybe" ignored: use true or false/);
  });
});

describe('resolveSettings', () => {
  const defaults = defaultSettings(home);

  it('flag > env > stored > default, with sources', () => {
    const r = resolveSettings({
      defaults,
      stored: { reconnect: { max_retries: 3, max_delay: '2m' }, log: { level: 'warn' } },
      env: { WARREN_RECONNECT_MAX_RETRIES: '7', WARREN_LOG_LEVEL: 'error' },
      flags: { log: { level: 'debug' } },
    });
    expect(r.settings.reconnect).toEqual({ enabled: true, max_retries: 7, initial_delay: '1s', max_delay: '2m' });
    expect(r.settings.log).toEqual({ level: 'debug' });
    expect(r.sources['reconnect.max_retries']).toBe('env');
    expect(r.sources['reconnect.max_delay']).toBe('stored');
    expect(r.sources['log.level']).toBe('flag');
    expect(r.sources['session.auto_restore']).toBe('default');
    expect(r.warnings).toEqual([]);
  });

  it('never throws on an inconsistent mix: caps initial_delay and warns', () => {
    const r = resolveSettings({ defaults, stored: { reconnect: { initial_delay: '30s' } }, env: { WARREN_RECONNECT_MAX_DELAY: '10s' } });
    expect(r.settings.reconnect.initial_delay).toBe('10s');
    expect(r.warnings.join()).toMatch(/initial_delay \(30s\) must not be longer/);
  });

  it('property: the result always validates, whatever the layers hold', () => {
    const junk = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const layer = fc.record({ reconnect: fc.record({ max_retries: junk, initial_delay: junk, max_delay: junk }), log: fc.record({ level: junk }) });
    const env = fc.dictionary(fc.constantFrom('WARREN_LOG_LEVEL', 'WARREN_RECONNECT_MAX_DELAY', 'WARREN_RECONNECT_ENABLED'), fc.string());
    fc.assert(
      fc.property(layer, env, (stored, e) => {
        const r = resolveSettings({ defaults, stored: stored as never, env: e });
        expect(configInfoSchema.safeParse(r.settings).success).toBe(true);
        const { initialMs, maxMs } = reconnectDelaysMs(r.settings);
        expect(initialMs).toBeLessThanOrEqual(maxMs);
      }),
    );
  });
});

describe('ssm settings', () => {
  it("default to EC2 Connect's policy: 1-2-4-8-16 s, 5 attempts, no aggressive burst", () => {
    const d = defaultSettings(home);
    expect(ssmReconnectMs(d)).toEqual({ initialMs: 1000, maxMs: 16_000, maxRetries: 5 });
    expect(ssmMaxSessionMs(d)).toBe('auto');
  });

  it('aggressive mode adds the quick burst', () => {
    const d = defaultSettings(home);
    const s = { ...d, ssm: { ...d.ssm, aggressive_mode: true, aggressive_attempts: 4, aggressive_interval: '250ms' } };
    expect(ssmReconnectMs(s).aggressive).toEqual({ attempts: 4, intervalMs: 250 });
  });

  it('come from WARREN_SSM_* variables, with auto/none or a duration for the session length', () => {
    const r = resolveSettings({
      defaults: defaultSettings(home),
      env: { WARREN_SSM_MAX_SESSION_DURATION: '90m', WARREN_SSM_AGGRESSIVE_MODE: 'yes', WARREN_SSM_RECONNECT_MAX_RETRIES: '7' },
    });
    expect(r.settings.ssm.max_session_duration).toBe('1h30m');
    expect(ssmMaxSessionMs(r.settings)).toBe(90 * 60_000);
    expect(r.settings.ssm.aggressive_mode).toBe(true);
    expect(r.settings.ssm.reconnect_max_retries).toBe(7);
    expect(r.sources['ssm.max_session_duration']).toBe('env');
    const none = resolveSettings({ defaults: defaultSettings(home), env: { WARREN_SSM_MAX_SESSION_DURATION: 'none', WARREN_SSM_INACTIVE_AFTER: 'soon' } });
    expect(none.settings.ssm.max_session_duration).toBe('none');
    expect(none.settings.ssm.inactive_after).toBe('30s');
    expect(none.warnings.join('\n')).toContain('WARREN_SSM_INACTIVE_AFTER');
  });

  it('an ssm first delay longer than its maximum is capped, not fatal', () => {
    const r = resolveSettings({ defaults: defaultSettings(home), env: { WARREN_SSM_RECONNECT_INITIAL_DELAY: '30s', WARREN_RECONNECT_INITIAL_DELAY: '5m' } });
    expect(r.settings.ssm.reconnect_initial_delay).toBe('16s');
    expect(r.settings.reconnect.initial_delay).toBe('60s');
    expect(r.warnings.length).toBe(2);
  });
});
