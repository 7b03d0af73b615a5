// ssm_agent: is the instance a managed instance whose agent pings Online? Never registered means
// no session is possible until the agent, its role and its network path exist: CRITICAL.
// Registered but ConnectionLost is usually a stopped instance or a stuck agent, which EC2 Connect's
// auto-fix handles (start / restart the agent), so ERROR. An unanswered DescribeInstanceInformation
// says nothing about the agent: "could not check", never a pass.
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { cliTarget, describeTarget, goneOutcome, isGone } from '../aws-facts.js';
import { defineCheck } from '../define-check.js';

export const checkSsmAgent = defineCheck('ssm_agent', async (ctx) => {
  // A terminated instance has no agent to look for. Whether it is terminated is instance_state's
  // question: if EC2 does not answer, go on and ask SSM.
  const instance = await describeTarget(ctx).catch(() => undefined);
  if (instance && isGone(instance)) return goneOutcome(ctx, instance);
  // Denied, throttled or unanswered: define-check reports "could not check" (CRITICAL-weighted).
  const out = await ctx.aws.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [ctx.instanceId] }] }));
  const info = out.InstanceInformationList?.find((i) => i.InstanceId === ctx.instanceId);
  const target = await cliTarget(ctx);
  const describe = `aws ssm describe-instance-information --filters Key=InstanceIds,Values=${ctx.instanceId}${target}`;
  if (!info) {
    return {
      status: 'fail',
      severity: 'CRITICAL',
      message: `Instance ${ctx.instanceId} is not registered with SSM: the SSM agent is not installed, not running, or cannot reach SSM.`,
      details: { registered: false },
      recommendation: {
        summary:
          'Install and start the SSM agent, attach an instance profile with AmazonSSMManagedInstanceCore, and let the instance reach the ssm, ssmmessages and ec2messages endpoints on 443; then wait for it to register.',
        commands: [describe],
      },
    };
  }
  const details = {
    registered: true,
    ping_status: info.PingStatus,
    agent_version: info.AgentVersion,
    platform_type: info.PlatformType,
    last_ping: info.LastPingDateTime?.toISOString(),
  };
  if (info.PingStatus === 'Online') {
    return { status: 'pass', severity: 'INFO', message: `The SSM agent on ${ctx.instanceId} is Online (version ${info.AgentVersion ?? 'unknown'}).`, details };
  }
  const restart = info.PlatformType === 'Windows' ? 'Restart-Service AmazonSSMAgent' : 'sudo systemctl restart amazon-ssm-agent';
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `The SSM agent on ${ctx.instanceId} is ${info.PingStatus ?? 'not Online'}: it registered before but is not reachable now.`,
    details,
    recommendation: {
      summary: 'Make sure the instance is running, then restart the SSM agent on it (from the console or EC2 Instance Connect) and wait until it shows Online.',
      commands: [restart, describe],
    },
  };
});
