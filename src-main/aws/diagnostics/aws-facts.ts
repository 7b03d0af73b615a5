// Facts several checks need about the target instance, fetched once per diagnostics run: the run
// passes the same context object to every check, so a WeakMap keyed on it dedups DescribeInstances.
import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import type { CheckContext, CheckOutcome } from './types.js';

const instances = new WeakMap<CheckContext, Promise<Instance | undefined>>();

/** The instance, or undefined when EC2 says it does not exist. Other errors reject. */
export function describeTarget(ctx: CheckContext): Promise<Instance | undefined> {
  let p = instances.get(ctx);
  if (!p) {
    p = lookup(ctx);
    instances.set(ctx, p);
  }
  return p;
}

async function lookup(ctx: CheckContext): Promise<Instance | undefined> {
  try {
    const out = await ctx.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ctx.instanceId] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === ctx.instanceId);
  } catch (e) {
    if (NOT_FOUND.has(errorName(e))) return undefined;
    throw e;
  }
}

const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

/**
 * Terminated (or on its way there): EC2 keeps showing it for a while, but it will never run again,
 * so its profile, endpoints and security groups no longer matter.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
 */
export function isGone(instance: Instance): boolean {
  const state = instance.State?.Name;
  return state === 'terminated' || state === 'shutting-down';
}

/** The skip result for the checks that look at a terminated instance's resources. */
export function goneOutcome(ctx: CheckContext, instance: Instance): CheckOutcome {
  return { status: 'skip', severity: 'INFO', message: `Instance ${ctx.instanceId} is ${instance.State?.Name ?? 'terminated'}; nothing to check.`, details: { state: instance.State?.Name } };
}

/** The SDK's exception name (its error code), or the JS error name. */
export function errorName(e: unknown): string {
  return e instanceof Error ? e.name : typeof e;
}

/** EC2's and SSM's spellings of "the caller may not do this". */
export function isAccessDenied(e: unknown): boolean {
  return ['UnauthorizedOperation', 'AccessDeniedException', 'AccessDenied'].includes(errorName(e));
}

/** " --region r [--profile p]" so recommended commands target what was diagnosed. */
export async function cliTarget(ctx: CheckContext): Promise<string> {
  const region = await ctx.aws.ec2.config.region();
  const profile = ctx.aws.target.profile;
  return ` --region ${region}${profile ? ` --profile ${profile}` : ''}`;
}
