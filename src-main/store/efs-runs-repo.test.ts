import { afterEach, describe, expect, it } from 'vitest';
import type { EfsRun } from '../../src-shared/api/efs-contract.js';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';
import { openStore } from './store.js';

let t: TempStore;
afterEach(() => t?.dispose());

const MT = { mount_target_id: 'fsmt-0c0ffee0', ip_address: '10.0.3.100', availability_zone: 'eu-west-1c', subnet_id: 'subnet-0c0ffee0' };

function run(runId: string, name: string, over: Partial<EfsRun> = {}): EfsRun {
  return {
    timestamp: '2026-03-01T00:00:00.000Z',
    file_count: 150,
    threshold: 100,
    threshold_exceeded: true,
    new_mount_target_created: true,
    new_mount_target_id: MT.mount_target_id,
    deployment_triggered: true,
    run_id: runId,
    dry_run: false,
    outcome: 'scaled',
    duration_ms: 1234,
    mount_targets_after: [MT],
    name,
    trigger: 'schedule',
    file_system_id: 'fs-0123456789abcdef0',
    plan: { action: 'create', availability_zone: 'eu-west-1c', subnet_id: MT.subnet_id },
    actions: ['CreateMountTarget → fsmt-0c0ffee0'],
    ...over,
  };
}

describe('EFS runs repository', () => {
  it('stores whole runs, lists them newest first by scaler, gives the last and refuses invalid ones', () => {
    t = openTempStore();
    const r = t.store.efsRuns;
    const failed = run('r2', 'media', { outcome: 'failed', failed_step: 'count', error: 'EACCES', file_count: null, threshold_exceeded: false, new_mount_target_created: false, new_mount_target_id: undefined, deployment_triggered: false, mount_targets_after: undefined, plan: undefined, actions: [] });
    r.add(run('r1', 'media'));
    r.add(failed);
    r.add(run('r3', 'logs', { trigger: 'manual' }));
    expect(r.list().map((x) => x.run_id)).toEqual(['r3', 'r2', 'r1']);
    expect(r.list({ name: 'media' }).map((x) => x.run_id)).toEqual(['r2', 'r1']);
    expect(r.list({ limit: 1 }).map((x) => x.run_id)).toEqual(['r3']);
    expect(r.last('media')).toEqual(JSON.parse(JSON.stringify(failed)));
    expect(r.last('none')).toBeUndefined();
    expect(r.get('r1')).toEqual(run('r1', 'media'));
    expect(() => r.add(run('r1', 'media'))).toThrow(); // ids are unique
    expect(() => r.add(run('bad', 'media', { deployment_triggered: false }))).toThrow(/scaled/); // the record contradicts itself
    expect(r.count()).toBe(3);
  });

  it('keeps only the newest runs beyond the cap, and survives a restart', () => {
    t = openTempStore({ maxEfsRuns: 2 });
    for (let i = 1; i <= 4; i++) t.store.efsRuns.add(run(`r${i}`, 'media'));
    expect(t.store.efsRuns.list().map((x) => x.run_id)).toEqual(['r4', 'r3']);
    t.store.close();
    const again = openStore(t.file);
    try {
      expect(again.efsRuns.get('r4')?.outcome).toBe('scaled');
    } finally {
      again.close();
    }
  });
});
