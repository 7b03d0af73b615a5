import { describe, expect, it } from 'vitest';
import { describeEvent } from './events.js';

describe('describeEvent', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  it('prints diagnose progress (not as metrics)', () => {
    const line = describeEvent(
      'event.diagnose',
      {
        run_id: 'r1',
        instance_id: 'i-0123456789abcdef0',
        item: 'instance_state',
        stage: 'ec2',
        stage_number: 1,
        total_stages: 4,
        result: { item: 'instance_state', status: 'fail', severity: 'CRITICAL', message: 'stopped', details: {}, duration_ms: 12 },
      },
      false,
      at,
    );
    expect(line).toContain('diagnose i-0123456789abcdef0 stage 1/4 (ec2): instance_state: fail CRITICAL (12 ms)');
  });
  it('prints fix progress', () => {
    const line = describeEvent('event.fix', { run_id: 'f1', instance_id: 'i-0123456789abcdef0', action: 'start_instance', status: 'applied', message: 'started' }, false, at);
    expect(line).toContain('fix      i-0123456789abcdef0');
    expect(line).not.toContain('undefined');
  });
  it('prints credential prompts with how to answer them (not as metrics)', () => {
    const line = describeEvent(
      'event.prompt',
      { id: 'p1', kind: 'mfa', profile: 'admin', mfa_serial: 'arn:aws:iam::123456789012:mfa/ann', expires_at: '2026-11-23T10:05:00Z', message: 'MFA code', status: 'open' },
      false,
      at,
    );
    expect(line).toContain('prompt   p1 open profile admin: MFA code for arn:aws:iam::123456789012:mfa/ann');
    expect(line).toContain('warren aws answer p1');
  });
  it('prints metrics', () => {
    expect(describeEvent('event.metrics', { sessions: [] }, false, at)).toContain('metrics  no sessions');
  });
});
