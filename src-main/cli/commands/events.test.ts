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
  it('prints metrics', () => {
    expect(describeEvent('event.metrics', { sessions: [] }, false, at)).toContain('metrics  no sessions');
  });
});
