import { describe, expect, it } from 'vitest';
import { durationMs, validateReconnect } from './settings-model.js';

describe('reconnect settings', () => {
  it('parses Go-style durations', () => {
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('1h')).toBe(3_600_000);
    expect(durationMs('abc')).toBeNaN();
  });
  it('builds config.update params', () => {
    expect(validateReconnect({ enabled: false, max_retries: ' 0 ', initial_delay: '2s', max_delay: '1m' })).toEqual({
      ok: true,
      params: { reconnect: { enabled: false, max_retries: 0, initial_delay: '2s', max_delay: '1m' } },
    });
  });
  it('reports bad fields and a max below the initial delay', () => {
    const r = validateReconnect({ enabled: true, max_retries: '-1', initial_delay: 'soon', max_delay: '1s' });
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['initial_delay', 'max_retries']);
    const r2 = validateReconnect({ enabled: true, max_retries: '3', initial_delay: '10s', max_delay: '1s' });
    expect(!r2.ok && r2.errors.max_delay).toBe('must be at least the initial delay');
  });
});
