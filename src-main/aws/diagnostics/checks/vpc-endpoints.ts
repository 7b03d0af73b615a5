// vpc_endpoints: the agent reaches SSM either through interface endpoints in its VPC or out over
// the internet. Without endpoints: an Online agent proves it reaches SSM whatever the routes say; a
// default route to a NAT gateway (or to an internet gateway, with a public IP) reaches SSM (pass);
// a public IP without such a route is a WARNING; no route out and no public IP is the ERROR that
// makes `fix` plan endpoints.
import { paginateDescribeVpcEndpoints, type VpcEndpoint } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { cliTarget, describeTarget, goneOutcome, isGone } from '../aws-facts.js';
import { defineCheck } from '../define-check.js';
import { routeOut, type RouteOut } from '../route-out.js';
import type { CheckContext } from '../types.js';

/** Is the agent Online now? undefined when SSM does not say (ssm_agent reports that on its own). */
async function agentOnline(ctx: CheckContext): Promise<boolean | undefined> {
  try {
    const out = await ctx.aws.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [ctx.instanceId] }] }));
    return out.InstanceInformationList?.find((i) => i.InstanceId === ctx.instanceId)?.PingStatus === 'Online';
  } catch {
    return undefined;
  }
}

const SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;

export const checkVpcEndpoints = defineCheck('vpc_endpoints', async (ctx) => {
  const instance = await describeTarget(ctx);
  if (!instance) return { status: 'skip', severity: 'INFO', message: `Instance ${ctx.instanceId} was not found; nothing to check.`, details: {} };
  if (isGone(instance)) return goneOutcome(ctx, instance);
  const vpcId = instance.VpcId;
  if (!vpcId) return { status: 'skip', severity: 'INFO', message: 'The instance is not in a VPC.', details: {} };

  const region = await ctx.aws.ec2.config.region();
  const endpoints: VpcEndpoint[] = [];
  for await (const page of paginateDescribeVpcEndpoints({ client: ctx.aws.ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) endpoints.push(...(page.VpcEndpoints ?? []));
  const available = new Set(endpoints.filter((e) => e.State?.toLowerCase() === 'available').map((e) => e.ServiceName));
  const missing = SERVICES.filter((s) => !available.has(`com.amazonaws.${region}.${s}`));
  const publicIp = instance.PublicIpAddress;
  const running = instance.State?.Name === 'running';
  const base = { vpc_id: vpcId, missing_endpoints: missing, public_ip: publicIp ?? null };
  if (missing.length === 0) return { status: 'pass', severity: 'INFO', message: `VPC ${vpcId} has the ssm, ssmmessages and ec2messages endpoints.`, details: base };

  const none = `No VPC endpoints for ${missing.join(', ')}`;
  if (await agentOnline(ctx)) {
    return { status: 'pass', severity: 'INFO', message: `${none}, but the SSM agent is Online, so the instance reaches SSM another way (NAT, internet gateway, proxy or peering).`, details: { ...base, agent_online: true } };
  }
  // The routes are extra evidence: if EC2 does not show them, judge as before (public IP or not).
  const route: RouteOut | undefined = await routeOut(ctx, vpcId, instance.SubnetId).catch(() => undefined);
  const details = { ...base, ...(route ? { route_out: route.via, ...(route.via !== 'none' ? { gateway_id: route.id } : {}), route_table_id: route.table ?? null } : {}) };
  if (route?.via === 'nat') {
    return { status: 'pass', severity: 'INFO', message: `${none}; the subnet's default route goes to NAT gateway ${route.id} (route table ${route.table}), which reaches SSM on 443.`, details };
  }
  if (route?.via === 'igw' && publicIp) {
    return { status: 'pass', severity: 'INFO', message: `${none}; the instance reaches SSM through internet gateway ${route.id} with its public IP ${publicIp}.`, details };
  }

  const subnets = instance.SubnetId ?? '<subnet-id>';
  const groups = (instance.SecurityGroups ?? []).map((g) => g.GroupId).join(' ') || '<sg-id>';
  const target = await cliTarget(ctx);
  const recommendation = {
    summary: `Create interface endpoints for ${missing.join(', ')} in ${vpcId} (private DNS on), or give the instance a route out to the internet on 443.`,
    commands: missing.map(
      (s) =>
        `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${region}.${s} --subnet-ids ${subnets} --security-group-ids ${groups} --private-dns-enabled${target}`,
    ),
  };
  if (publicIp) {
    return { status: 'warn', severity: 'WARNING', message: `No VPC endpoints for ${missing.join(', ')}; the agent reaches SSM through the public IP ${publicIp}.`, details, recommendation };
  }
  if (!running && route?.via !== 'none') {
    // A stopped instance shows no public IP even if it gets one on start: we cannot tell yet.
    return { status: 'warn', severity: 'WARNING', message: `No VPC endpoints for ${missing.join(', ')}; whether the instance gets a public IP is known only once it runs.`, details, recommendation };
  }
  return {
    status: 'fail',
    severity: 'ERROR',
    message:
      route?.via === 'none'
        ? `${none}, no public IP, and the subnet's route table ${route.table ?? ''} has no default route to a NAT gateway: the agent cannot reach SSM.`
        : `${none} and no public IP: the agent cannot reach SSM unless a NAT gateway routes 443 out.`,
    details,
    recommendation,
  };
});
