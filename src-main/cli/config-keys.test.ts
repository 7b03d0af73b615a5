import { describe, expect, it } from 'vitest';
import { defaultSsmSettings } from '../../src-shared/domain/settings.js';
import type { ConfigInfo } from '../../src-shared/api/index.js';
import { CliError } from './cli-error.js';
import { buildConfigUpdate, getConfigValue, readableKeys, writableKeys } from './config-keys.js';

const info: ConfigInfo = {
  ssh_config_path: '~/.ssh/config',
  reconnect: { enabled: true, max_retries: 10, initial_delay: '1s', max_delay: '60s' },
  session: { auto_restore: true, max_sessions_per_instance: 3 },
  log: { level: 'info' },
  ssm: defaultSsmSettings(),
};

describe('config keys', () => {
  it('come from the contract', () => {
    expect(readableKeys).toEqual([
      'ssh_config_path',
      'reconnect.enabled',
      'reconnect.max_retries',
      'reconnect.initial_delay',
      'reconnect.max_delay',
      'session.auto_restore',
      'session.max_sessions_per_instance',
      'log.level',
      'ssm.reconnect_initial_delay',
      'ssm.reconnect_max_delay',
      'ssm.reconnect_max_retries',
      'ssm.aggressive_mode',
      'ssm.aggressive_attempts',
      'ssm.aggressive_interval',
      'ssm.max_session_duration',
      'ssm.renew_before',
      'ssm.inactive_after',
      'ssm.use_session_manager_plugin',
      'ssm.session_manager_plugin_path',
    ]);
    expect(writableKeys).toEqual(readableKeys);
  });

  it('get reads leaves and sections', () => {
    expect(getConfigValue(info, 'reconnect.max_retries')).toBe(10);
    expect(getConfigValue(info, 'log')).toEqual({ level: 'info' });
    const err = (() => {
      try {
        getConfigValue(info, 'reconnect.nope');
      } catch (e) {
        return e;
      }
    })() as CliError;
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(2);
    expect(err.hint).toContain('reconnect.max_retries');
  });

  it('set types the value by key and builds a partial update', () => {
    expect(buildConfigUpdate('reconnect.max_retries', '5')).toEqual({ reconnect: { max_retries: 5 } });
    expect(buildConfigUpdate('reconnect.enabled', 'off')).toEqual({ reconnect: { enabled: false } });
    expect(buildConfigUpdate('session.auto_restore', 'yes')).toEqual({ session: { auto_restore: true } });
    expect(buildConfigUpdate('reconnect.initial_delay', '500ms')).toEqual({ reconnect: { initial_delay: '500ms' } });
    expect(buildConfigUpdate('log.level', 'debug')).toEqual({ log: { level: 'debug' } });
    expect(buildConfigUpdate('ssh_config_path', '/etc/ssh/config')).toEqual({ ssh_config_path: '/etc/ssh/config' });
  });

  it('set refuses unknown keys and ill-typed values with exit code 2', () => {
    for (const [k, v] of [
      ['reconnect.max_retries', 'many'],
      ['reconnect.max_retries', '-1'],
      ['reconnect.max_retries', '1.5'],
      ['reconnect.enabled', 'maybe'],
      ['reconnect.initial_delay', 'soon'],
      ['log.level', 'loud'],
      ['reconnect', '1'],
      ['colour', 'blue'],
    ] as const) {
      expect(() => buildConfigUpdate(k, v), `${k}=${v}`).toThrow(CliError);
    }
  });
});
