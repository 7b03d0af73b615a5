import { afterEach, describe, expect, it } from 'vitest';
import type { FixRunResult } from '../../src-shared/api/fix-contract.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';
import { openStore } from './store.js';

let t: TempStore;
afterEach(() => t?.dispose());

function run(runId: string, instance: string, over: Partial<FixRunResult> = {}): FixRunResult {
  return {
    run_id: runId,
    instance_id: instance,
    mode: 'apply',
    outcome: 'fixed',
    started_at: '2026-02-01T00:00:00.000Z',
    finished_at: '2026-02-01T00:00:05.000Z',
    plan: [{ id: 'start_instance', item: 'instance_state', title: 'Start the instance', safe: true, automatic: true, steps: [`aws ec2 start-instances --instance-ids ${instance}`] }],
    applied: [{ id: 'start_instance', message: 'stopped → pending', duration_ms: 120 }],
    skipped: [],
    failed: [],
    likelihood_before: 10,
    likelihood_after: 100,
    report_after: {
      instance_id: instance,
      region: 'eu-west-1',
      results: [{ item: 'instance_state', status: 'pass', severity: 'INFO', message: 'running', details: {}, duration_ms: 3 }],
      likelihood_percent: 100,
      started_at: '2026-02-01T00:00:04.000Z',
      finished_at: '2026-02-01T00:00:05.000Z',
      mode: 'full',
    },
    ...over,
  };
}

describe('fix runs repository', () => {
  it('stores the whole run and lists summaries newest first, by instance', () => {
    t = openTempStore();
    const f = t.store.fixRuns;
    const dry = run('r2', 'i-0000000000000000b', { mode: 'dry-run', outcome: 'planned', applied: [], skipped: [{ id: 'start_instance', reason: 'dry run' }], likelihood_after: 10 });
    f.add(run('r1', 'i-0000000000000000a'));
    f.add(dry);
    expect(f.list()).toEqual([
      { run_id: 'r2', instance_id: 'i-0000000000000000b', mode: 'dry-run', outcome: 'planned', likelihood_before: 10, likelihood_after: 10, started_at: dry.started_at, finished_at: dry.finished_at, planned: 1, applied: 0 },
      { run_id: 'r1', instance_id: 'i-0000000000000000a', mode: 'apply', outcome: 'fixed', likelihood_before: 10, likelihood_after: 100, started_at: dry.started_at, finished_at: dry.finished_at, planned: 1, applied: 1 },
    ]);
    expect(f.list({ instanceId: 'i-0000000000000000a' }).map((r) => r.run_id)).toEqual(['r1']);
    expect(f.list({ limit: 1 }).map((r) => r.run_id)).toEqual(['r2']);
    expect(f.get('r2')).toEqual(dry);
    expect(f.get('nope')).toBeUndefined();
    expect(() => f.add(run('r1', 'i-0000000000000000a'))).toThrow(); // run ids are unique
    expect(() => f.add({ ...run('bad', 'i-0000000000000000a'), likelihood_after: 101 })).toThrow();
    expect(() => f.add({ ...run('bad', 'i-0000000000000000a'), mode: 'maybe' as FixRunResult['mode'] })).toThrow();
    expect(f.count()).toBe(2);
  });

  it('keeps only the newest runs beyond the cap', () => {
    t = openTempStore({ maxFixRuns: 3 });
    for (let i = 1; i <= 5; i++) t.store.fixRuns.add(run(`r${i}`, 'i-0000000000000000a'));
    expect(t.store.fixRuns.count()).toBe(3);
    expect(t.store.fixRuns.list().map((r) => r.run_id)).toEqual(['r5', 'r4', 'r3']);
    expect(t.store.fixRuns.get('r1')).toBeUndefined();
  });

  it('survives closing and reopening the database (the daemon restarting)', () => {
    t = openTempStore();
    const stored = run('r1', 'i-0000000000000000a');
    t.store.fixRuns.add(stored);
    t.store.close(); // idempotent, so dispose() closing again is fine
    const again = openStore(t.file);
    try {
      expect(again.fixRuns.get('r1')).toEqual(stored);
      expect(again.fixRuns.list().map((r) => r.run_id)).toEqual(['r1']);
    } finally {
      again.close();
    }
  });
});
