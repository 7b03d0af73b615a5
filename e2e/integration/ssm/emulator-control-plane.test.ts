// The local AWS emulator seen through the REAL SDK v3 clients from src-main/aws/aws-clients.ts,
// pointed at it only via the standard settings from emulator.env(): each service's wire protocol,
// time-driven state (start → pending → running, agent registration) and errors surfacing as the
// SDK's own typed exceptions.
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  StartInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, ResumeSessionCommand, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src-main/aws/aws-clients.js';
import { startAwsEmulator, type AwsEmulator, type SessionBackend, type SessionRequest } from '../../fixtures/aws-emulator/index.js';

const WEB = 'i-0a1b2c3d4e5f60001';
const DB = 'i-0a1b2c3d4e5f60002';
const WIN = 'i-0a1b2c3d4e5f60003';
const BARE = 'i-0a1b2c3d4e5f60004';

class RecordingBackend implements SessionBackend {
  created: SessionRequest[] = [];
  resumed: string[] = [];
  terminated: string[] = [];
  createSession(s: SessionRequest) {
    this.created.push(s);
    return { streamUrl: `ws://127.0.0.1:9/v1/data-channel/${s.sessionId}` };
  }
  resumeSession(sessionId: string) {
    this.resumed.push(sessionId);
    return { tokenValue: 'resumed-token', streamUrl: `ws://127.0.0.1:9/v1/data-channel/${sessionId}?resume=1` };
  }
  terminateSession(sessionId: string) {
    this.terminated.push(sessionId);
  }
}

/** The rejection of a promise, for asserting on the SDK's exception classes. */
async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

describe('AWS emulator control plane through the real SDK clients', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let backend: RecordingBackend;
  let aws: AwsClients;

  // A fresh emulator per test: no state leaks between scenarios, and it costs a few milliseconds.
  beforeEach(async () => {
    backend = new RecordingBackend();
    emu = await startAwsEmulator({ sessions: backend, region: 'eu-west-1' });
    // Only the emulator's standard settings: no developer profile or keys may leak in.
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    aws = createAwsClients({}, { maxAttempts: 1 });
  });
  afterEach(async () => {
    aws.destroy();
    await emu.close();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('describes instances by id and by Name tag with the fields diagnostics read', async () => {
    emu.addInstance({ id: WEB, name: 'web', state: 'running', privateIp: '10.0.1.5', securityGroups: [{ id: 'sg-0web', name: 'web' }] });
    emu.addInstance({ id: WIN, name: 'win', state: 'stopped', platform: 'windows', iamProfile: null });

    const byId = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [WEB] }));
    const web = byId.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(web).toHaveLength(1);
    expect(web[0]).toMatchObject<Partial<Instance>>({
      InstanceId: WEB,
      State: { Code: 16, Name: 'running' },
      PrivateIpAddress: '10.0.1.5',
      SubnetId: expect.stringMatching(/^subnet-/) as string,
      VpcId: expect.stringMatching(/^vpc-/) as string,
      SecurityGroups: [{ GroupId: 'sg-0web', GroupName: 'web' }],
      IamInstanceProfile: { Arn: `arn:aws:iam::123456789012:instance-profile/warren-ssm`, Id: expect.any(String) as string },
      Tags: [{ Key: 'Name', Value: 'web' }],
    });
    expect(web[0]?.Platform).toBeUndefined();
    expect(web[0]?.Placement?.AvailabilityZone).toBe('eu-west-1a');

    const byName = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['win'] }] }));
    const win = byName.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(win.map((i) => i.InstanceId)).toEqual([WIN]);
    expect(win[0]).toMatchObject({ State: { Code: 80, Name: 'stopped' }, Platform: 'windows', StateReason: { Code: 'Client.UserInitiatedShutdown' } });
    expect(win[0]?.IamInstanceProfile).toBeUndefined();

    const wildcard = await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['w*'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    expect(wildcard.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([WEB]);

    const missing = await failure(aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0fffffffffffffff0'] })));
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
    expect(missing.$metadata?.httpStatusCode).toBe(400);

    expect(emu.calls[0]).toMatchObject({ service: 'ec2', action: 'DescribeInstances', region: 'eu-west-1', accessKeyId: emu.env().AWS_ACCESS_KEY_ID, params: { 'InstanceId.1': WEB } });
  });

  it('starts a stopped instance: pending, then running after the scenario delay', async () => {
    emu.addInstance({ id: DB, name: 'db', state: 'stopped' });
    emu.scenario.startAfterMs(DB, 300);
    const t0 = Date.now();
    const started = await aws.ec2.send(new StartInstancesCommand({ InstanceIds: [DB] }));
    expect(started.StartingInstances?.[0]).toEqual({ InstanceId: DB, CurrentState: { Code: 0, Name: 'pending' }, PreviousState: { Code: 80, Name: 'stopped' } });

    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [DB] }));
      const state = out.Reservations?.[0]?.Instances?.[0]?.State?.Name ?? '?';
      if (seen.at(-1) !== state) seen.push(state);
      if (state === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual(['pending', 'running']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    // Starting a running instance is a no-op that reports running → running.
    const again = await aws.ec2.send(new StartInstancesCommand({ InstanceIds: [DB] }));
    expect(again.StartingInstances?.[0]?.CurrentState?.Name).toBe('running');
  });

  it('reports the agent Online only once it registered after the instance became running', async () => {
    emu.addInstance({ id: DB, state: 'stopped', agentVersion: '3.2.582.0' });
    emu.addInstance({ id: BARE, state: 'running', iamProfile: null });
    emu.scenario.agentRegistersAfterMs(DB, 400);
    const ping = async () => {
      const out = await aws.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [DB, BARE] }] }));
      return out.InstanceInformationList ?? [];
    };

    const before = await ping();
    // No instance profile: the agent never registered, so SSM does not list the instance at all.
    expect(before.map((i) => i.InstanceId)).toEqual([DB]);
    expect(before[0]).toMatchObject({ PingStatus: 'ConnectionLost', AgentVersion: '3.2.582.0', PlatformName: 'Amazon Linux', PlatformType: 'Linux', ResourceType: 'EC2Instance' });
    expect(before[0]?.LastPingDateTime).toBeInstanceOf(Date);

    await aws.ec2.send(new StartInstancesCommand({ InstanceIds: [DB] }));
    const running = Date.now();
    expect(emu.instanceState(DB)).toBe('running');
    expect((await ping())[0]?.PingStatus).toBe('ConnectionLost');

    let online = 0;
    while (!online && Date.now() - running < 3000) {
      if ((await ping())[0]?.PingStatus === 'Online') online = Date.now();
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(online - running).toBeGreaterThanOrEqual(390);

    const onlyOnline = await aws.ssm.send(new DescribeInstanceInformationCommand({ InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Online'] }] }));
    expect(onlyOnline.InstanceInformationList?.map((i) => i.InstanceId)).toContain(DB);
  });

  it('starts, resumes and terminates a port-forwarding session through the backend', async () => {
    emu.addInstance({ id: WEB, state: 'running', agentVersion: '3.3.40.0' });
    const s = await aws.ssm.send(new StartSessionCommand({ Target: WEB, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['22'] } }));
    expect(s.SessionId).toMatch(/^warren-test-[0-9a-f]{17}$/);
    expect(s.TokenValue?.length).toBeGreaterThan(20);
    expect(s.StreamUrl).toBe(`ws://127.0.0.1:9/v1/data-channel/${s.SessionId}`);
    expect(backend.created.at(-1)).toEqual({
      sessionId: s.SessionId,
      tokenValue: s.TokenValue,
      target: WEB,
      documentName: 'AWS-StartPortForwardingSession',
      parameters: { portNumber: ['22'], localPortNumber: ['0'] },
      agentVersion: '3.3.40.0',
    });

    const remote = await aws.ssm.send(
      new StartSessionCommand({ Target: WEB, DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost', Parameters: { host: ['db.internal'], portNumber: ['5432'], localPortNumber: ['15432'] } }),
    );
    expect(backend.created.at(-1)?.parameters).toEqual({ host: ['db.internal'], portNumber: ['5432'], localPortNumber: ['15432'] });

    const r = await aws.ssm.send(new ResumeSessionCommand({ SessionId: s.SessionId }));
    expect(r).toMatchObject({ SessionId: s.SessionId, TokenValue: 'resumed-token', StreamUrl: expect.stringContaining('resume=1') as string });
    expect(backend.resumed).toContain(s.SessionId);

    await aws.ssm.send(new TerminateSessionCommand({ SessionId: s.SessionId }));
    expect(backend.terminated).toContain(s.SessionId);
    expect(emu.activeSessions()).toContain(remote.SessionId);
    expect(emu.activeSessions()).not.toContain(s.SessionId);
    // A terminated session can no longer be resumed: the service answers with an empty token.
    expect((await aws.ssm.send(new ResumeSessionCommand({ SessionId: s.SessionId }))).TokenValue ?? '').toBe('');
  });

  it('surfaces StartSession failures as the SDK typed exceptions', async () => {
    emu.addInstance({ id: DB, state: 'stopped' });
    emu.addInstance({ id: WEB, state: 'running', agentOnline: false });
    emu.addInstance({ id: WIN, state: 'running' });
    const start = (target: string, documentName = 'AWS-StartPortForwardingSession', parameters: Record<string, string[]> = { portNumber: ['22'] }) =>
      failure(aws.ssm.send(new StartSessionCommand({ Target: target, DocumentName: documentName, Parameters: parameters })));

    for (const target of [DB, WEB, 'i-0fffffffffffffff0']) {
      const e = await start(target);
      expect(e.name).toBe('TargetNotConnected');
      expect(e.message).toContain(`${target} is not connected`);
    }
    expect((await start(WIN, 'AWS-StartSSHSession')).name).toBe('InvalidDocument');
    expect((await start(WIN, 'AWS-StartPortForwardingSession', { localPortNumber: ['2222'] })).name).toBe('InvalidParameters');
    expect((await start(WIN, 'AWS-StartPortForwardingSession', { portNumber: ['99999'] })).name).toBe('InvalidParameters');
    expect((await start(WIN, 'AWS-StartPortForwardingSessionToRemoteHost', { portNumber: ['22'] })).name).toBe('InvalidParameters');

    emu.denyAction('ssm:StartSession');
    emu.denyAction('ec2:StartInstances');
    try {
      const denied = await start(WIN);
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.message).toContain('ssm:StartSession');
      const ec2Denied = await failure(aws.ec2.send(new StartInstancesCommand({ InstanceIds: [DB] })));
      expect(ec2Denied.name).toBe('UnauthorizedOperation');
      expect(ec2Denied.$metadata?.httpStatusCode).toBe(403);
      // DryRun is how diagnostics probe permissions without side effects.
      emu.allowAction('ec2:StartInstances');
      expect((await failure(aws.ec2.send(new StartInstancesCommand({ InstanceIds: [DB], DryRun: true })))).name).toBe('DryRunOperation');
      expect(emu.instanceState(DB)).toBe('stopped');
    } finally {
      emu.allowAction('ssm:StartSession');
      emu.allowAction('ec2:StartInstances');
    }
    expect(backend.created.filter((c) => [DB, WEB, WIN].includes(c.target))).toEqual([]);
    expect(emu.calls.filter((c) => c.action === 'StartSession').map((c) => c.error)).toEqual([
      'TargetNotConnected',
      'TargetNotConnected',
      'TargetNotConnected',
      'InvalidDocument',
      'InvalidParameters',
      'InvalidParameters',
      'InvalidParameters',
      'AccessDeniedException',
    ]);
  });

  it('answers the network and IAM checks: VPC endpoints, security groups, instance profile associations', async () => {
    const vpc = 'vpc-0a1b2c3d4e5f69999';
    emu.addInstance({ id: WEB, state: 'running', vpcId: vpc, vpcEndpoints: true, securityGroups: [{ id: 'sg-0locked', name: 'locked', egress: [] }] });
    emu.addInstance({ id: DB, state: 'running', iamProfile: null });

    const eps = await aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }));
    expect(eps.VpcEndpoints?.map((e) => e.ServiceName).sort()).toEqual(['com.amazonaws.eu-west-1.ec2messages', 'com.amazonaws.eu-west-1.ssm', 'com.amazonaws.eu-west-1.ssmmessages']);
    expect(eps.VpcEndpoints?.[0]).toMatchObject({ VpcId: vpc, State: 'available', VpcEndpointType: 'Interface', PrivateDnsEnabled: true });

    const sgs = await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0locked', 'sg-0a1b2c3d4e5f60001'] }));
    const byId = new Map(sgs.SecurityGroups?.map((g) => [g.GroupId, g]));
    expect(byId.get('sg-0locked')?.IpPermissionsEgress).toEqual([]);
    expect(byId.get('sg-0a1b2c3d4e5f60001')?.IpPermissionsEgress).toEqual([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], UserIdGroupPairs: [] }]);
    expect((await failure(aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0nope'] })))).name).toBe('InvalidGroup.NotFound');

    const assoc = await aws.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [WEB, DB] }] }));
    expect(assoc.IamInstanceProfileAssociations).toEqual([
      { AssociationId: expect.any(String) as string, InstanceId: WEB, IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/warren-ssm', Id: expect.any(String) as string }, State: 'associated' },
    ]);
  });

  it('without a session backend, StartSession still succeeds with a stream URL nothing listens on', async () => {
    const bare = await startAwsEmulator();
    const bareAws = createAwsClients({}, { maxAttempts: 1 });
    Object.assign(process.env, bare.env());
    try {
      bare.addInstance({ id: WEB, state: 'running' });
      const s = await bareAws.ssm.send(new StartSessionCommand({ Target: WEB, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['80'] } }));
      expect(s.StreamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:1\//);
      expect((await bareAws.ssm.send(new ResumeSessionCommand({ SessionId: s.SessionId }))).TokenValue).toBeTruthy();
      expect(bare.calls.map((c) => c.action)).toEqual(['StartSession', 'ResumeSession']);
      expect(emu.calls).toEqual([]);
    } finally {
      bareAws.destroy();
      await bare.close();
    }
  });

  it('rejects unsigned requests with each service auth error', async () => {
    const post = (headers: Record<string, string>, body: string) => fetch(emu.url, { method: 'POST', headers, body });
    const ec2 = await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'Action=DescribeInstances&Version=2016-11-15');
    expect(ec2.status).toBe(401);
    expect(await ec2.text()).toMatch(/<Response><Errors><Error><Code>MissingAuthenticationToken<\/Code><Message>.+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/);
    const ssm = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.StartSession' }, '{}');
    expect(ssm.status).toBe(400);
    expect(await ssm.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const sts = await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'Action=GetCallerIdentity&Version=2011-06-15');
    expect(sts.status).toBe(403);
    expect(await sts.text()).toContain('<Code>MissingAuthenticationToken</Code>');

    // The real client with its signature stripped after signing (last in the finalize step) gets the typed error too.
    aws.ec2.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        delete headers.authorization;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'stripSignature' },
    );
    expect((await failure(aws.ec2.send(new DescribeInstancesCommand({})))).name).toBe('MissingAuthenticationToken');
    expect(emu.calls.every((c) => c.accessKeyId === undefined)).toBe(true);
  });

  it('answers GetCallerIdentity for the signing key', async () => {
    const me = await aws.sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/warren-test', UserId: expect.stringMatching(/^AIDA/) as string });
    expect(emu.calls).toEqual([{ service: 'sts', action: 'GetCallerIdentity', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, region: 'eu-west-1', accessKeyId: emu.env().AWS_ACCESS_KEY_ID }]);
  });
});
