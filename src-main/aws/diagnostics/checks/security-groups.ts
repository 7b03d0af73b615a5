// security_groups: SSM needs no inbound rule, but the agent must get out on TCP 443 (to the
// endpoints or the internet). Any egress rule covering 443 counts: we cannot know the endpoint IPs.
import { paginateDescribeSecurityGroups, type SecurityGroup, type IpPermission } from '@aws-sdk/client-ec2';
import { cliTarget, describeTarget, goneOutcome, isGone } from '../aws-facts.js';
import { defineCheck } from '../define-check.js';

export function allows443(rule: IpPermission): boolean {
  if (rule.IpProtocol === '-1') return true;
  if (rule.IpProtocol !== 'tcp' && rule.IpProtocol !== '6') return false;
  return (rule.FromPort ?? 0) <= 443 && 443 <= (rule.ToPort ?? 65535);
}

export const checkSecurityGroups = defineCheck('security_groups', async (ctx) => {
  const instance = await describeTarget(ctx);
  if (!instance) return { status: 'skip', severity: 'INFO', message: `Instance ${ctx.instanceId} was not found; nothing to check.`, details: {} };
  if (isGone(instance)) return goneOutcome(ctx, instance);
  const ids = (instance.SecurityGroups ?? []).map((g) => g.GroupId).filter((id): id is string => !!id);
  if (ids.length === 0) return { status: 'warn', severity: 'WARNING', message: 'The instance reports no security groups.', details: { group_ids: [] } };

  // Every list call follows its paginator (a handful of ids is one page, but the rule has no exceptions).
  const groups: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ctx.aws.ec2 }, { GroupIds: ids })) groups.push(...(page.SecurityGroups ?? []));
  const open = groups.filter((g) => (g.IpPermissionsEgress ?? []).some(allows443)).map((g) => g.GroupId);
  const details = { group_ids: ids, groups_allowing_443_out: open };
  if (open.length > 0) return { status: 'pass', severity: 'INFO', message: `Outbound HTTPS (443) is allowed by ${open.join(', ')}.`, details };
  const target = await cliTarget(ctx);
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `No security group of ${ctx.instanceId} allows outbound TCP 443, which the SSM agent needs.`,
    details,
    recommendation: {
      summary: `Allow outbound HTTPS from ${ids[0]} (to the VPC endpoints' CIDR or 0.0.0.0/0).`,
      commands: [`aws ec2 authorize-security-group-egress --group-id ${ids[0]} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]${target}`],
    },
  };
});
