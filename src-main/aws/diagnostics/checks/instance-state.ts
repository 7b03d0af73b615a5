// instance_state: does the instance exist and run? SSM can only reach a running instance, so
// anything else is CRITICAL (EC2 Connect aborts the connection on CRITICAL). When DescribeInstances
// gets no answer (denied, rejected credentials, throttled…) the state is unknown: define-check turns
// the error into "could not check", still CRITICAL-weighted, never a pass.
import { cliTarget, describeTarget, isGone } from '../aws-facts.js';
import { defineCheck } from '../define-check.js';

export const checkInstanceState = defineCheck('instance_state', async (ctx) => {
  const instance = await describeTarget(ctx);
  if (!instance) {
    return {
      status: 'fail',
      severity: 'CRITICAL',
      message: `Instance ${ctx.instanceId} was not found in this account and region.`,
      details: { found: false },
      recommendation: { summary: 'Check the instance ID, the AWS profile and the region.', commands: [`aws ec2 describe-instances --instance-ids ${ctx.instanceId}${await cliTarget(ctx)}`] },
    };
  }
  const state = instance.State?.Name ?? 'unknown';
  const details = { state, instance_type: instance.InstanceType, platform: instance.Platform ?? 'linux' };
  switch (state) {
    case 'running':
      return { status: 'pass', severity: 'INFO', message: `Instance ${ctx.instanceId} is running.`, details };
    case 'pending':
      return { status: 'warn', severity: 'WARNING', message: `Instance ${ctx.instanceId} is starting (pending); wait until it runs.`, details };
    case 'stopped':
    case 'stopping':
      return {
        status: 'fail',
        severity: 'CRITICAL',
        message: `Instance ${ctx.instanceId} is ${state}; SSM cannot reach it until it runs.`,
        details,
        recommendation: { summary: 'Start the instance, then wait for the SSM agent to register (up to about 5 minutes).', commands: [`aws ec2 start-instances --instance-ids ${ctx.instanceId}${await cliTarget(ctx)}`] },
      };
    default:
      return {
        status: 'fail',
        severity: 'CRITICAL',
        message: isGone(instance)
          ? `Instance ${ctx.instanceId} is ${state}: it cannot be started or connected to, so nothing else is checked.`
          : `Instance ${ctx.instanceId} is ${state} and cannot be connected to.`,
        details,
        recommendation: { summary: 'A terminated instance cannot be restarted: connect to another instance.' },
      };
  }
});
