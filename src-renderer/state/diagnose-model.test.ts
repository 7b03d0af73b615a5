import { describe, expect, it } from 'vitest';
import { diagnoseRunParamsSchema, type DiagnoseEvent, type DiagnoseRunResult } from '../../src-shared/api/diagnose-contract.js';
import type { DiagnosticItemName, DiagnosticResult } from '../../src-shared/api/diagnostics.js';
import { diagnoseReducer, idleRun, likelihoodTone, orderedResults, resultTone, runningText, stageLabel, validateDiagnose } from './diagnose-model.js';

const ID = 'i-0123456789abcdef0';
const result = (item: DiagnosticItemName, over: Partial<DiagnosticResult> = {}): DiagnosticResult => ({
  item, status: 'pass', severity: 'INFO', message: `${item} ok`, details: {}, duration_ms: 1, ...over,
});
const event = (item: DiagnosticItemName, stage_number?: number, over: Partial<DiagnosticResult> = {}): DiagnoseEvent => ({
  run_id: 'r1', instance_id: ID, item, result: result(item, over),
  ...(stage_number ? { stage: (['ec2', 'ssm', 'iam', 'network'] as const)[stage_number - 1], stage_number, total_stages: 4 } : {}),
});

describe('diagnoseReducer', () => {
  it('collects this run\'s items once each while running, then keeps the report', () => {
    let run = diagnoseReducer(idleRun(ID), { type: 'start', instanceId: ID, mode: 'preventive' });
    expect(runningText(run)).toBe('Stage 1/4: ec2 — checking instance_state…');
    run = diagnoseReducer(run, { type: 'event', event: event('instance_state', 1) });
    run = diagnoseReducer(run, { type: 'event', event: event('instance_state', 1) });
    run = diagnoseReducer(run, { type: 'event', event: { ...event('ssm_agent', 2), instance_id: 'i-0fffffffffffffff0' } });
    expect(run.progress.map((p) => p.item)).toEqual(['instance_state']);
    expect(runningText(run)).toBe('Stage 2/4: ssm — checking ssm_agent…');
    run = diagnoseReducer(run, { type: 'event', event: event('ssm_agent', 2) });
    run = diagnoseReducer(run, { type: 'event', event: event('iam_permissions', 3) });
    run = diagnoseReducer(run, { type: 'event', event: event('vpc_endpoints', 4) });
    expect(runningText(run)).toBe('Stage 4/4: network — checking security_groups…');
    const report = { run_id: 'r1', instance_id: ID, region: 'eu-west-1', results: [], likelihood_percent: 100, started_at: 'a', finished_at: 'b', mode: 'preventive' } as DiagnoseRunResult;
    run = diagnoseReducer(run, { type: 'finished', report });
    expect(run).toMatchObject({ phase: 'done', report });
    // Late events of a finished run change nothing.
    expect(diagnoseReducer(run, { type: 'event', event: event('security_groups', 4) })).toBe(run);
    expect(diagnoseReducer(run, { type: 'failed', error: 'x' })).toMatchObject({ phase: 'failed', error: 'x' });
  });

  it('full mode counts items', () => {
    let run = diagnoseReducer(idleRun(ID), { type: 'start', instanceId: ID, mode: 'full' });
    run = diagnoseReducer(run, { type: 'event', event: event('instance_state') });
    expect(runningText(run)).toBe('Item 2/7: checking…');
    expect(stageLabel(event('instance_state'))).toBeUndefined();
    expect(stageLabel(event('ssm_agent', 2))).toBe('2/4 ssm');
  });
});

describe('tones and order', () => {
  it('colours by status, then severity', () => {
    expect(resultTone({ status: 'pass', severity: 'CRITICAL' })).toBe('ok');
    expect(resultTone({ status: 'skip', severity: 'INFO' })).toBe('muted');
    expect(resultTone({ status: 'fail', severity: 'CRITICAL' })).toBe('bad');
    expect(resultTone({ status: 'fail', severity: 'ERROR' })).toBe('bad');
    expect(resultTone({ status: 'warn', severity: 'WARNING' })).toBe('warn');
    expect(likelihoodTone(100)).toBe('ok');
    expect(likelihoodTone(50)).toBe('warn');
    expect(likelihoodTone(0)).toBe('bad');
  });
  it('puts problems first, worst first, and keeps the daemon\'s order otherwise', () => {
    const rs = [
      result('instance_state'),
      result('ssm_agent', { status: 'warn', severity: 'WARNING' }),
      result('iam_permissions', { status: 'fail', severity: 'CRITICAL' }),
      result('vpc_endpoints'),
    ];
    expect(orderedResults(rs).map((r) => r.item)).toEqual(['iam_permissions', 'ssm_agent', 'instance_state', 'vpc_endpoints']);
  });
});

describe('validateDiagnose', () => {
  it('preventive aborts on CRITICAL; ports optional; the daemon schema accepts it', () => {
    const r = validateDiagnose(ID, { region: 'eu-west-1' }, { mode: 'preventive', local_port: '15432', remote_port: '' });
    expect(r).toEqual({ ok: true, params: { instance_id: ID, mode: 'preventive', abort_on_critical: true, local_port: 15432, region: 'eu-west-1' } });
    expect(r.ok && diagnoseRunParamsSchema.safeParse(r.params).success).toBe(true);
    expect(validateDiagnose(ID, {}, { mode: 'full', local_port: '', remote_port: '22' })).toEqual({ ok: true, params: { instance_id: ID, mode: 'full', remote_port: 22 } });
  });
  it('rejects bad ports', () => {
    const r = validateDiagnose(ID, {}, { mode: 'full', local_port: '0', remote_port: 'x' });
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['local_port', 'remote_port']);
  });
});
