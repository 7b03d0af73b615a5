import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosticReport, DiagnosticResult } from '../../src-shared/api/diagnostics.js';
import { worstSeverity } from './diagnostics-repo.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
afterEach(() => t?.dispose());

const pass = (item: DiagnosticResult['item']): DiagnosticResult => ({ item, status: 'pass', severity: 'INFO', message: 'ok', details: {}, duration_ms: 1 });

function report(instance: string, over: Partial<DiagnosticReport> = {}): DiagnosticReport {
  return {
    instance_id: instance,
    region: 'eu-west-1',
    results: [pass('instance_state'), pass('ssm_agent')],
    likelihood_percent: 100,
    started_at: '2026-02-01T00:00:00.000Z',
    finished_at: '2026-02-01T00:00:01.000Z',
    mode: 'full',
    ...over,
  };
}

describe('diagnostic runs repository', () => {
  it('stores the whole report and lists summaries newest first, by instance', () => {
    t = openTempStore();
    const d = t.store.diagnostics;
    const stopped = report('i-0000000000000000b', {
      mode: 'precheck',
      likelihood_percent: 10,
      results: [{ ...pass('instance_state'), status: 'fail', severity: 'CRITICAL', recommendation: { summary: 'start it', commands: ['aws ec2 start-instances'] } }, { ...pass('ssm_agent'), status: 'warn', severity: 'WARNING' }],
    });
    d.add('r1', report('i-0000000000000000a'));
    d.add('r2', stopped);
    expect(d.list()).toEqual([
      { run_id: 'r2', instance_id: 'i-0000000000000000b', mode: 'precheck', likelihood_percent: 10, started_at: stopped.started_at, worst_severity: 'CRITICAL' },
      { run_id: 'r1', instance_id: 'i-0000000000000000a', mode: 'full', likelihood_percent: 100, started_at: stopped.started_at },
    ]);
    expect(d.list({ instanceId: 'i-0000000000000000a' }).map((r) => r.run_id)).toEqual(['r1']);
    expect(d.list({ limit: 1 }).map((r) => r.run_id)).toEqual(['r2']);
    expect(d.get('r2')).toEqual({ ...stopped, run_id: 'r2' });
    expect(d.get('nope')).toBeUndefined();
    expect(() => d.add('r1', report('i-0000000000000000a'))).toThrow(); // run ids are unique
    expect(() => d.add('bad', { ...report('x'), likelihood_percent: 101 })).toThrow();
    expect(d.count()).toBe(2);
  });

  it('keeps only the newest runs beyond the cap', () => {
    t = openTempStore({ maxDiagnosticRuns: 3 });
    for (let i = 1; i <= 5; i++) t.store.diagnostics.add(`r${i}`, report('i-0000000000000000a'));
    expect(t.store.diagnostics.count()).toBe(3);
    expect(t.store.diagnostics.list().map((r) => r.run_id)).toEqual(['r5', 'r4', 'r3']);
  });

  it('worst severity ignores passes and skips', () => {
    expect(worstSeverity([{ status: 'pass', severity: 'CRITICAL' }, { status: 'skip', severity: 'ERROR' }])).toBeUndefined();
    expect(worstSeverity([{ status: 'warn', severity: 'WARNING' }, { status: 'fail', severity: 'ERROR' }])).toBe('ERROR');
  });
});
