// vpc_endpoints: the agent reaches SSM either through interface endpoints in its VPC or out over
// the internet. Missing endpoints are only a WARNING when the instance has a public IP; without
// one (and we cannot see NAT routes) the agent most likely cannot reach SSM: ERROR.
import { DescribeVpcEndpointsCommand } from '@aws-sdk/client-ec2';
import { cliTarget, describeTarget, goneOutcome, isGone } from '../aws-facts.js';
import { defineCheck } from '../define-check.js';

const SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;

export const checkVpcEndpoints = defineCheck('vpc_endpoints', async (ctx) => {
  const instance = await describeTarget(ctx);
  if (!instance) return { status: 'skip', severity: 'INFO', message: `Instance ${ctx.instanceId} was not found; nothing to check.`, details: {} };
  if (isGone(instance)) return goneOutcome(ctx, instance);
  const vpcId = instance.VpcId;
  if (!vpcId) return { status: 'skip', severity: 'INFO', message: 'The instance is not in a VPC.', details: {} };

  const region = await ctx.aws.ec2.config.region();
  const out = await ctx.aws.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const available = new Set((out.VpcEndpoints ?? []).filter((e) => e.State?.toLowerCase() === 'available').map((e) => e.ServiceName));
  const missing = SERVICES.filter((s) => !available.has(`com.amazonaws.${region}.${s}`));
  const publicIp = instance.PublicIpAddress;
  const running = instance.State?.Name === 'running';
  const details = { vpc_id: vpcId, missing_endpoints: missing, public_ip: publicIp ?? null };
  if (missing.length === 0) return { status: 'pass', severity: 'INFO', message: `VPC ${vpcId} has the ssm, ssmmessages and ec2messages endpoints.`, details };

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
  if (!running) {
    // A stopped instance shows no public IP even if it gets one on start: we cannot tell yet.
    return { status: 'warn', severity: 'WARNING', message: `No VPC endpoints for ${missing.join(', ')}; whether the instance gets a public IP is known only once it runs.`, details, recommendation };
  }
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `No VPC endpoints for ${missing.join(', ')} and no public IP: the agent cannot reach SSM unless a NAT gateway routes 443 out.`,
    details,
    recommendation,
  };
});
