// "Could not check" through the REAL SDK clients against the emulator: when AWS does not answer
// (credentials rejected, throttled, a 5xx, nothing listening), a check reports could_not_check with
// the reason, never a fail (so `fix` plans nothing from it) and never a pass (so the connection does
// not look likely). Findings 1, 2, 6 and 10 of issue 12.
import net from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src-main/aws/aws-clients.js';
import { LIKELY_THRESHOLD } from '../../../src-main/aws/diagnostics/likelihood.js';
import { runDiagnostics } from '../../../src-main/aws/diagnostics/run.js';
import type { CheckContext } from '../../../src-main/aws/diagnostics/types.js';
import { planFixes } from '../../../src-main/aws/fix/plan.js';
import { diagnosticReportSchema, type DiagnosticItemName, type DiagnosticReport, type DiagnosticResult } from '../../../src-shared/api/diagnostics.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import type { InstanceSpec } from '../../fixtures/aws-emulator/types.js';

const ID = 'i-0c0cc0ffee0000001';
/** No endpoints and no public IP, no instance profile: what a failing check would plan fixes for. */
const BARE: InstanceSpec = { id: ID, name: 'bare', state: 'running', vpcEndpoints: false, iamProfile: null };
const HEALTHY: InstanceSpec = { id: ID, name: 'web', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.10' };

async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function item(report: DiagnosticReport, name: DiagnosticItemName): DiagnosticResult {
  const r = report.results.find((x) => x.item === name);
  if (!r) throw new Error(`no ${name} result`);
  return r;
}

describe('could not check, against the emulator', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  const clients: AwsClients[] = [];
  /** Clients reading `env` over the emulator's: the SDK reads credentials and endpoints lazily, so it stays set until the next test. */
  const aws = (env: Record<string, string> = {}): AwsClients => {
    Object.assign(process.env, env);
    // maxAttempts 1: the SDK's retries would only slow the test; the outcome is the same.
    const c = createAwsClients({}, { maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const ctx = (a: AwsClients): CheckContext => ({ aws: a, instanceId: ID, connectTimeoutMs: 1000 });

  beforeEach(async () => {
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await emu.close();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('rejected credentials: every AWS item could not check (auth), likelihood below "likely", and the plan is empty', { timeout: 10_000 }, async () => {
    emu.addInstance(BARE);
    const report = await runDiagnostics(ctx(aws({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001' })), { mode: 'full' });
    diagnosticReportSchema.parse(report);
    for (const name of ['instance_state', 'ssm_agent', 'iam_permissions', 'vpc_endpoints', 'security_groups'] as const) {
      expect(item(report, name), name).toMatchObject({ status: 'could_not_check', reason: 'auth' });
    }
    expect(item(report, 'instance_state')).toMatchObject({ severity: 'CRITICAL', details: { error: 'AuthFailure', http_status: 401 } });
    expect(item(report, 'ssm_agent')).toMatchObject({ severity: 'CRITICAL', details: { error: 'UnrecognizedClientException' } });
    expect(report.likelihood_percent).toBeLessThan(LIKELY_THRESHOLD);
    // Finding 1: no add_egress_443 / create_vpc_endpoints / attach_instance_profile from checks that could not run.
    expect(planFixes(report)).toEqual([]);
  });

  it('item instance_state with rejected credentials is could_not_check, not a 70 % ERROR', { timeout: 10_000 }, async () => {
    emu.addInstance(HEALTHY);
    const report = await runDiagnostics(ctx(aws({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001' })), { mode: 'item', items: ['instance_state'] });
    expect(report.results[0]).toMatchObject({ status: 'could_not_check', reason: 'auth', severity: 'CRITICAL' });
    expect(report.likelihood_percent).toBeLessThan(LIKELY_THRESHOLD);
  });

  it('an endpoint that refuses connections: could not check (network), and no infrastructure change is planned', { timeout: 10_000 }, async () => {
    const dead = await deadPort();
    const report = await runDiagnostics(ctx(aws({ AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${dead}`, AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${dead}` })), { mode: 'full' });
    for (const name of ['instance_state', 'ssm_agent', 'iam_permissions', 'vpc_endpoints', 'security_groups'] as const) {
      expect(item(report, name), name).toMatchObject({ status: 'could_not_check', reason: 'network' });
    }
    // This one is a finding: this machine cannot reach the SSM endpoint.
    expect(item(report, 'network_connectivity')).toMatchObject({ status: 'fail', severity: 'ERROR' });
    expect(planFixes(report).map((a) => a.id)).toEqual([]);
  });

  it('DescribeInstances throttled: instance_state could not check (throttled); 500: api_error', { timeout: 10_000 }, async () => {
    emu.addInstance(BARE);
    emu.failAction('ec2:DescribeInstances', { code: 'RequestLimitExceeded', message: 'Request limit exceeded.' });
    const throttled = await runDiagnostics(ctx(aws()), { mode: 'full' });
    expect(item(throttled, 'instance_state')).toMatchObject({ status: 'could_not_check', reason: 'throttled', details: { error: 'RequestLimitExceeded' } });
    expect(item(throttled, 'vpc_endpoints')).toMatchObject({ status: 'could_not_check', reason: 'throttled' });
    expect(planFixes(throttled).map((a) => a.id)).not.toContain('create_vpc_endpoints');
    emu.clearFaults();
    emu.failAction('ec2:DescribeInstances');
    const broken = await runDiagnostics(ctx(aws()), { mode: 'item', items: ['instance_state'] });
    expect(broken.results[0]).toMatchObject({ status: 'could_not_check', reason: 'api_error', details: { error: 'InternalError', http_status: 500 } });
  });

  it('precheck: ssm_agent could not run on an instance with no instance profile is CRITICAL-weighted, so not likely', { timeout: 10_000 }, async () => {
    emu.addInstance({ ...BARE, vpcEndpoints: true, publicIp: '203.0.113.9' });
    emu.failAction('ssm:DescribeInstanceInformation');
    const report = await runDiagnostics(ctx(aws()), { mode: 'precheck' });
    expect(item(report, 'instance_state')).toMatchObject({ status: 'pass' });
    expect(item(report, 'ssm_agent')).toMatchObject({ status: 'could_not_check', reason: 'api_error', severity: 'CRITICAL' });
    expect(report.likelihood_percent).toBeLessThan(LIKELY_THRESHOLD);
  });

  it('iam_permissions: a StartSession probe that failed for another reason than AccessDenied is could_not_check, not "may start sessions"', { timeout: 10_000 }, async () => {
    emu.addInstance(HEALTHY);
    emu.failAction('ssm:StartSession', { code: 'ThrottlingException', message: 'Rate exceeded' });
    const throttled = await runDiagnostics(ctx(aws()), { mode: 'item', items: ['iam_permissions'] });
    expect(throttled.results[0]).toMatchObject({ status: 'could_not_check', reason: 'throttled', details: { caller_can_start_session: null } });
    expect(throttled.results[0]!.message).not.toContain('may start sessions.');
    emu.clearFaults();
    emu.failAction('ssm:StartSession');
    const broken = await runDiagnostics(ctx(aws()), { mode: 'item', items: ['iam_permissions'] });
    expect(broken.results[0]).toMatchObject({ status: 'could_not_check', reason: 'api_error' });
    // The probe's own rejection (an out-of-range port) still proves the caller is allowed.
    emu.clearFaults();
    const fine = await runDiagnostics(ctx(aws()), { mode: 'item', items: ['iam_permissions'] });
    expect(fine.results[0]).toMatchObject({ status: 'pass', details: { caller_can_start_session: true } });
  });

  it('a terminated instance says it is terminated and checks nothing else (no IAM ERROR, no endpoint guess)', { timeout: 10_000 }, async () => {
    emu.addInstance({ ...BARE, state: 'terminated' });
    const report = await runDiagnostics(ctx(aws()), { mode: 'full' });
    expect(item(report, 'instance_state')).toMatchObject({ status: 'fail', severity: 'CRITICAL', details: { state: 'terminated' } });
    expect(item(report, 'instance_state').message).toContain('is terminated');
    for (const name of ['ssm_agent', 'iam_permissions', 'vpc_endpoints', 'security_groups'] as const) {
      expect(item(report, name), name).toMatchObject({ status: 'skip', message: `Instance ${ID} is terminated; nothing to check.` });
    }
    expect(planFixes(report)).toEqual([]);
  });
});
