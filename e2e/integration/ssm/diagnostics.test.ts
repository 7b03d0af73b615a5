// Connection diagnostics (EC2 Connect v3's `diagnose`) through the REAL SDK clients against the
// local AWS emulator, pointed at it only via emulator.env(): each seeded fault must come out under
// its EC2 Connect item name with the right severity and a lowered likelihood.
import net from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src-main/aws/aws-clients.js';
import { runDiagnostics } from '../../../src-main/aws/diagnostics/run.js';
import type { CheckContext } from '../../../src-main/aws/diagnostics/types.js';
import { diagnosticReportSchema, type DiagnosticItemName, type DiagnosticReport, type DiagnosticResult } from '../../../src-shared/api/diagnostics.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import type { InstanceSpec } from '../../fixtures/aws-emulator/types.js';

const ID = 'i-0d1a9c0ffee000001';
/** Every fault off: endpoints in the VPC, a public IP, default egress, profile, agent Online. */
const HEALTHY: InstanceSpec = { id: ID, name: 'web', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.10' };

async function freePort(): Promise<number> {
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

describe('connection diagnostics against the emulator', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let aws: AwsClients;
  let ctx: () => CheckContext;

  beforeEach(async () => {
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    // Only the emulator's standard settings: no developer profile or keys may leak in.
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    aws = createAwsClients({}, { maxAttempts: 1 });
    const localPort = await freePort();
    // A fresh context per run: the instance lookup is memoised per context object.
    ctx = () => ({ aws, instanceId: ID, localPort, remotePort: 22, connectTimeoutMs: 1000 });
  });
  afterEach(async () => {
    aws.destroy();
    await emu.close();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('a healthy instance passes every item with likelihood 100', { timeout: 5000 }, async () => {
    emu.addInstance(HEALTHY);
    const report = await runDiagnostics(ctx(), { mode: 'full' });
    expect(diagnosticReportSchema.parse(report)).toEqual(report);
    expect(report.results.map((r) => [r.item, r.status])).toEqual([
      ['instance_state', 'pass'],
      ['ssm_agent', 'pass'],
      ['iam_permissions', 'pass'],
      ['vpc_endpoints', 'pass'],
      ['security_groups', 'pass'],
      ['network_connectivity', 'pass'],
      ['local_port_availability', 'pass'],
    ]);
    expect(report).toMatchObject({ instance_id: ID, region: 'eu-west-1', mode: 'full', likelihood_percent: 100 });
    // network_connectivity connected to the endpoint the SDK resolved: the emulator, not AWS.
    expect(item(report, 'network_connectivity').details.endpoint).toBe(emu.url);
    // The caller probe was authorised, rejected for its out-of-range port, and opened no session.
    expect(emu.calls.filter((c) => c.action === 'StartSession').map((c) => c.error)).toEqual(['InvalidParameters']);
    expect(emu.activeSessions()).toEqual([]);
  });

  it('a stopped instance is CRITICAL with the start command, and caps the likelihood', { timeout: 5000 }, async () => {
    emu.addInstance({ ...HEALTHY, state: 'stopped' });
    const report = await runDiagnostics(ctx(), { mode: 'full' });
    const state = item(report, 'instance_state');
    expect(state).toMatchObject({ status: 'fail', severity: 'CRITICAL', details: { state: 'stopped' } });
    expect(state.recommendation?.commands).toEqual([`aws ec2 start-instances --instance-ids ${ID} --region eu-west-1`]);
    // Managed before, so SSM lists it as ConnectionLost: the agent side is an ERROR, not CRITICAL.
    expect(item(report, 'ssm_agent')).toMatchObject({ status: 'fail', severity: 'ERROR', details: { ping_status: 'ConnectionLost' } });
    expect(report.likelihood_percent).toBeLessThanOrEqual(10);
  });

  it('an unknown instance is CRITICAL and the instance-bound checks are skipped', { timeout: 5000 }, async () => {
    const report = await runDiagnostics(ctx(), { mode: 'full' });
    expect(item(report, 'instance_state')).toMatchObject({ status: 'fail', severity: 'CRITICAL', details: { found: false } });
    expect(item(report, 'ssm_agent')).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    for (const n of ['iam_permissions', 'vpc_endpoints', 'security_groups'] as const) expect(item(report, n).status).toBe('skip');
    expect(report.likelihood_percent).toBe(0);
  });

  it('no instance profile is an ERROR with the trust policy JSON and the associate command', { timeout: 5000 }, async () => {
    // Without a profile the agent never registered: ssm_agent is CRITICAL too, as on AWS.
    emu.addInstance({ ...HEALTHY, iamProfile: null });
    const report = await runDiagnostics(ctx(), { mode: 'full' });
    const iam = item(report, 'iam_permissions');
    expect(iam).toMatchObject({ status: 'fail', severity: 'ERROR', details: { instance_profile_arn: null, caller_can_start_session: true } });
    expect(JSON.parse(iam.recommendation?.policy_json ?? '')).toMatchObject({ Statement: [{ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    expect(iam.recommendation?.commands).toContain(`aws iam attach-role-policy --role-name WarrenSSMInstanceRole --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`);
    expect(iam.recommendation?.commands).toContain(`aws ec2 associate-iam-instance-profile --instance-id ${ID} --iam-instance-profile Name=WarrenSSMInstanceProfile --region eu-west-1`);
    expect(item(report, 'ssm_agent')).toMatchObject({ status: 'fail', severity: 'CRITICAL', details: { registered: false } });
    expect(report.likelihood_percent).toBeLessThanOrEqual(10);
  });

  it('the caller denied ssm:StartSession is an iam_permissions ERROR with the caller policy', { timeout: 5000 }, async () => {
    emu.addInstance(HEALTHY);
    emu.denyAction('ssm:StartSession');
    const report = await runDiagnostics(ctx(), { mode: 'item', items: ['iam_permissions'] });
    expect(report.results).toHaveLength(1);
    const iam = item(report, 'iam_permissions');
    expect(iam).toMatchObject({ status: 'fail', severity: 'ERROR', details: { caller_can_start_session: false } });
    expect(iam.recommendation?.policy_json).toContain('ssm:StartSession');
    expect(report.likelihood_percent).toBe(70);
  });

  it('no VPC endpoints: ERROR without a public IP, WARNING with one', { timeout: 5000 }, async () => {
    // An agent that never registered: an Online one would prove the instance reaches SSM (issue 12, finding 7).
    emu.addInstance({ ...HEALTHY, vpcEndpoints: false, publicIp: null, agentOnline: false, agentRegistered: false });
    // The item alone, so the likelihood weighs this ERROR only (the unregistered agent is CRITICAL).
    const report = await runDiagnostics(ctx(), { mode: 'item', items: ['vpc_endpoints'] });
    const vpc = item(report, 'vpc_endpoints');
    expect(vpc).toMatchObject({ status: 'fail', severity: 'ERROR', details: { missing_endpoints: ['ssm', 'ssmmessages', 'ec2messages'], public_ip: null } });
    expect(vpc.recommendation?.commands?.[0]).toMatch(/^aws ec2 create-vpc-endpoint --vpc-id vpc-\S+ --vpc-endpoint-type Interface --service-name com\.amazonaws\.eu-west-1\.ssm /);
    expect(report.likelihood_percent).toBe(70);

    emu.updateInstance(ID, { publicIp: '203.0.113.10' });
    const withIp = await runDiagnostics(ctx(), { mode: 'item', items: ['vpc_endpoints'] });
    expect(item(withIp, 'vpc_endpoints')).toMatchObject({ status: 'warn', severity: 'WARNING' });
    expect(withIp.likelihood_percent).toBe(90);
  });

  it('no outbound 443 in the security groups is an ERROR with the egress command', { timeout: 5000 }, async () => {
    emu.addInstance({ ...HEALTHY, securityGroups: [{ id: 'sg-0locked', name: 'locked', egress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }] }] });
    const report = await runDiagnostics(ctx(), { mode: 'item', items: ['security_groups'] });
    const sg = item(report, 'security_groups');
    expect(sg).toMatchObject({ status: 'fail', severity: 'ERROR' });
    expect(sg.recommendation?.commands).toEqual([
      'aws ec2 authorize-security-group-egress --group-id sg-0locked --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}] --region eu-west-1',
    ]);
  });

  it('a taken local port is an ERROR naming the fix; no local port is skipped', { timeout: 5000 }, async () => {
    emu.addInstance(HEALTHY);
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      const report = await runDiagnostics({ ...ctx(), localPort: taken }, { mode: 'precheck' });
      expect(report.results.map((r) => r.item)).toEqual(['instance_state', 'ssm_agent', 'local_port_availability']);
      const port = item(report, 'local_port_availability');
      expect(port).toMatchObject({ status: 'fail', severity: 'ERROR', details: { port: taken, error: 'EADDRINUSE' } });
      expect(port.recommendation?.summary).toContain(`Choose another local port`);
      expect(report.likelihood_percent).toBe(70);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
    const { localPort: _omit, ...noPort } = ctx();
    const skipped = await runDiagnostics(noPort, { mode: 'item', items: ['local_port_availability'] });
    expect(skipped.results[0]).toMatchObject({ status: 'skip', severity: 'INFO' });
    expect(skipped.likelihood_percent).toBe(100);
  });

  it('an agent that went offline on a running instance is an ERROR with the restart guidance', { timeout: 5000 }, async () => {
    emu.addInstance({ ...HEALTHY, agentOnline: false, agentRegistered: true });
    const report = await runDiagnostics(ctx(), { mode: 'precheck' });
    const agent = item(report, 'ssm_agent');
    expect(agent).toMatchObject({ status: 'fail', severity: 'ERROR', details: { registered: true, ping_status: 'ConnectionLost' } });
    expect(agent.recommendation?.commands?.[0]).toBe('sudo systemctl restart amazon-ssm-agent');
    expect(report.likelihood_percent).toBe(70);
  });

  it('an unreachable SSM endpoint is a network_connectivity ERROR', { timeout: 5000 }, async () => {
    emu.addInstance(HEALTHY);
    const dead = await freePort();
    const saved = process.env.AWS_ENDPOINT_URL_SSM;
    process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${dead}`;
    const deadAws = createAwsClients({}, { maxAttempts: 1 });
    try {
      const report = await runDiagnostics({ ...ctx(), aws: deadAws }, { mode: 'item', items: ['network_connectivity'] });
      expect(item(report, 'network_connectivity')).toMatchObject({ status: 'fail', severity: 'ERROR', details: { endpoint: `http://127.0.0.1:${dead}`, error: 'ECONNREFUSED' } });
    } finally {
      deadAws.destroy();
      process.env.AWS_ENDPOINT_URL_SSM = saved;
    }
  });

  it('preventive with abortOnCritical stops after the EC2 stage on a stopped instance', { timeout: 5000 }, async () => {
    emu.addInstance({ ...HEALTHY, state: 'stopped' });
    const seen: string[] = [];
    const report = await runDiagnostics(ctx(), { mode: 'preventive', abortOnCritical: true, onProgress: (i, r, p) => seen.push(`${p.stageNumber}/${p.totalStages} ${p.stage} ${i} ${r.severity}`) });
    expect(seen).toEqual(['1/4 ec2 instance_state CRITICAL']);
    expect(report.aborted_after_stage).toBe('ec2');
    expect(report.results.map((r) => [r.item, r.status])).toEqual([
      ['instance_state', 'fail'],
      ['ssm_agent', 'skip'],
      ['iam_permissions', 'skip'],
      ['vpc_endpoints', 'skip'],
      ['security_groups', 'skip'],
      ['network_connectivity', 'skip'],
      ['local_port_availability', 'skip'],
    ]);
    expect(emu.calls.map((c) => c.action)).toEqual(['DescribeInstances']);
    expect(report.likelihood_percent).toBeLessThanOrEqual(10);
  });

  it('preventive without abort reports progress in stage order EC2 → SSM → IAM → network', { timeout: 5000 }, async () => {
    emu.addInstance(HEALTHY);
    const seen: string[] = [];
    const report = await runDiagnostics(ctx(), { mode: 'preventive', onProgress: (i, _r, p) => seen.push(`${p.stage}:${i}`) });
    expect(seen).toEqual([
      'ec2:instance_state',
      'ssm:ssm_agent',
      'iam:iam_permissions',
      'network:vpc_endpoints',
      'network:security_groups',
      'network:network_connectivity',
      'network:local_port_availability',
    ]);
    expect(report.likelihood_percent).toBe(100);
    expect(report.aborted_after_stage).toBeUndefined();
  });
});
