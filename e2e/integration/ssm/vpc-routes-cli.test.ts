// vpc_endpoints reads the subnet's route table (issue 12, finding 7): without interface endpoints,
// a default route to a NAT gateway, or to an internet gateway with a public IP, reaches SSM, and an
// Online agent proves it does whatever the routes say; only a subnet with no way out gets the
// ERROR, and only then does `fix` plan create_vpc_endpoints. Real daemon and CLI, emulator only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticReport } from '../../../src-shared/api/diagnostics.js';
import type { FixRunResult } from '../../../src-shared/api/fix-contract.js';
import { runWarren } from '../helpers/cli.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';

const NAT = 'i-0dd0000000000a001';
const IGW = 'i-0dd0000000000a002';
const ONLINE = 'i-0dd0000000000a003';
const SHUT = 'i-0dd0000000000a004';
// Agents that never registered, so the routes alone decide (an Online agent would prove reachability).
const offline = { state: 'running' as const, vpcEndpoints: false, agentOnline: false, agentRegistered: false };

describe('vpc_endpoints follows the route table', () => {
  let world: SsmWorld;

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-vpc-routes-',
      setup: (e) => {
        e.addInstance({ id: NAT, name: 'nat', ...offline, vpcId: 'vpc-0aaa00000000000a1', subnetId: 'subnet-0aaa0000000000a1', publicIp: null });
        e.ec2.addRouteTable({ id: 'rtb-0aaa0000000000a1', vpcId: 'vpc-0aaa00000000000a1', subnetIds: ['subnet-0aaa0000000000a1'], routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat-0aaa0000000000a1' }] });
        // The IGW route sits in the VPC's main table, which the subnet uses implicitly.
        e.addInstance({ id: IGW, name: 'igw', ...offline, vpcId: 'vpc-0bbb00000000000b1', subnetId: 'subnet-0bbb0000000000b1', publicIp: '203.0.113.77' });
        e.ec2.addRouteTable({ id: 'rtb-0bbb0000000000b1', vpcId: 'vpc-0bbb00000000000b1', main: true, routes: [{ destinationCidr: '0.0.0.0/0', gatewayId: 'igw-0bbb0000000000b1' }] });
        // No route out at all, but the agent is Online: it reaches SSM somehow (e.g. a proxy).
        e.addInstance({ id: ONLINE, name: 'online', state: 'running', vpcEndpoints: false, vpcId: 'vpc-0ccc00000000000c1', publicIp: null });
        // No route out, no public IP, no agent: the one real ERROR.
        e.addInstance({ id: SHUT, name: 'shut', ...offline, vpcId: 'vpc-0ddd00000000000d1', publicIp: null });
      },
    });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  const vpc = async (id: string) => {
    const r = await runWarren(world.env, ['diagnose', 'full', '--instance-id', id, '--format', 'json']);
    const report = JSON.parse(r.stdout) as DiagnosticReport;
    return report.results.find((x) => x.item === 'vpc_endpoints')!;
  };
  const plan = async (id: string) => {
    const r = await runWarren(world.env, ['fix', '--instance-id', id, '--dry-run', '--format', 'json']);
    return (JSON.parse(r.stdout) as FixRunResult).plan.map((a) => a.id);
  };

  it('a default route to a NAT gateway reaches SSM: pass, and fix plans no endpoints', async () => {
    expect(await vpc(NAT)).toMatchObject({ status: 'pass', details: { route_out: 'nat', gateway_id: 'nat-0aaa0000000000a1', route_table_id: 'rtb-0aaa0000000000a1' } });
    expect(await plan(NAT)).not.toContain('create_vpc_endpoints');
  }, 60_000);

  it("the VPC's main table routing to an internet gateway, with a public IP, reaches SSM", async () => {
    expect(await vpc(IGW)).toMatchObject({ status: 'pass', details: { route_out: 'igw', gateway_id: 'igw-0bbb0000000000b1' } });
    expect(await plan(IGW)).not.toContain('create_vpc_endpoints');
  }, 60_000);

  it('an Online agent proves reachability whatever the routes say', async () => {
    expect(await vpc(ONLINE)).toMatchObject({ status: 'pass', details: { agent_online: true } });
    expect(await plan(ONLINE)).not.toContain('create_vpc_endpoints');
  }, 60_000);

  it('no route out, no public IP, no agent: ERROR naming the route table, and fix plans the endpoints', async () => {
    const r = await vpc(SHUT);
    expect(r).toMatchObject({ status: 'fail', severity: 'ERROR', details: { route_out: 'none' } });
    expect(r.message).toContain('has no default route to a NAT gateway');
    expect(await plan(SHUT)).toContain('create_vpc_endpoints');
  }, 60_000);
});
