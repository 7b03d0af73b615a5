// iam_permissions: two sides. The instance needs an instance profile whose role carries
// AmazonSSMManagedInstanceCore (else the agent never registers); the caller needs ssm:StartSession.
// The caller side is probed without side effects: a StartSession with an out-of-range port is
// authorised first and then rejected as InvalidParameters, so AccessDenied means "denied" and any
// other answer from SSM means "allowed". No answer at all (rejected credentials, throttling, a 5xx,
// the network) means we do not know: "could not check", never "may start sessions".
import { DescribeIamInstanceProfileAssociationsCommand } from '@aws-sdk/client-ec2';
import { StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { cliTarget, describeTarget, goneOutcome, isGone, isAccessDenied } from '../aws-facts.js';
import { couldNotCheck, couldNotCheckReason } from '../could-not-check.js';
import { defineCheck } from '../define-check.js';
import type { CheckContext, CheckOutcome } from '../types.js';

/** Trust policy of the role behind the instance profile: lets EC2 assume it. */
export const EC2_TRUST_POLICY_JSON = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  null,
  2,
);

/** What the caller needs to open port-forwarding sessions. */
export const CALLER_SESSION_POLICY_JSON = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ssm:StartSession', Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*::document/AWS-StartPortForwardingSession*'] },
      { Effect: 'Allow', Action: ['ssm:TerminateSession', 'ssm:ResumeSession'], Resource: 'arn:aws:ssm:*:*:session/${aws:userid}-*' },
    ],
  },
  null,
  2,
);

const ROLE = 'WarrenSSMInstanceRole';
const PROFILE = 'WarrenSSMInstanceProfile';

export const checkIamPermissions = defineCheck('iam_permissions', async (ctx) => {
  const instance = await describeTarget(ctx);
  if (!instance) return { status: 'skip', severity: 'INFO', message: `Instance ${ctx.instanceId} was not found; nothing to check.`, details: {} };
  if (isGone(instance)) return goneOutcome(ctx, instance);

  const profileArn = await instanceProfileArn(ctx, instance.IamInstanceProfile?.Arn);
  const caller = await startSessionVerdict(ctx);
  const callerDenied = caller === 'denied';
  const details = { instance_profile_arn: profileArn ?? null, caller_can_start_session: caller === 'allowed' ? true : callerDenied ? false : null };
  const target = await cliTarget(ctx);
  const unknownCaller = typeof caller === 'object' ? couldNotCheck('iam_permissions', caller.error, target) : undefined;

  if (!profileArn) {
    return {
      status: 'fail',
      severity: 'ERROR',
      message:
        `Instance ${ctx.instanceId} has no IAM instance profile, so the SSM agent cannot register.` +
        (callerDenied ? ' The caller is also denied ssm:StartSession.' : '') +
        (unknownCaller ? ` Whether the caller may start sessions could not be checked (${unknownCaller.reason}).` : ''),
      details,
      recommendation: {
        summary: `Create a role EC2 can assume (policy_json is its trust policy), attach AmazonSSMManagedInstanceCore, wrap it in an instance profile and associate that with ${ctx.instanceId}.`,
        policy_json: EC2_TRUST_POLICY_JSON,
        commands: [
          `aws iam create-role --role-name ${ROLE} --assume-role-policy-document file://trust-policy.json${profileFlag(ctx)}`,
          `aws iam attach-role-policy --role-name ${ROLE} --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore${profileFlag(ctx)}`,
          `aws iam create-instance-profile --instance-profile-name ${PROFILE}${profileFlag(ctx)}`,
          `aws iam add-role-to-instance-profile --instance-profile-name ${PROFILE} --role-name ${ROLE}${profileFlag(ctx)}`,
          `aws ec2 associate-iam-instance-profile --instance-id ${ctx.instanceId} --iam-instance-profile Name=${PROFILE}${target}`,
        ],
      },
    };
  }
  if (callerDenied) return callerDeniedOutcome(ctx, details);
  if (unknownCaller) {
    return {
      ...unknownCaller,
      message: `Instance profile ${profileArn} is attached, but whether the caller may start sessions could not be checked: ${unknownCaller.message.replace(/^Could not check [^:]*: /, '')}`,
      details: { ...details, error: unknownCaller.details['error'] },
    };
  }
  return {
    status: 'pass',
    severity: 'INFO',
    message: `Instance profile ${profileArn} is attached and the caller may start sessions.`,
    details,
    recommendation: { summary: 'If the agent still does not register, make sure the role carries AmazonSSMManagedInstanceCore.' },
  };
});

/** The associated profile; falls back to DescribeInstances' field when associations are not readable. */
async function instanceProfileArn(ctx: CheckContext, fromInstance: string | undefined): Promise<string | undefined> {
  try {
    const out = await ctx.aws.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [ctx.instanceId] }] }));
    const assoc = out.IamInstanceProfileAssociations?.find((a) => a.InstanceId === ctx.instanceId && (a.State === 'associated' || a.State === 'associating'));
    return assoc?.IamInstanceProfile?.Arn;
  } catch (e) {
    if (isAccessDenied(e)) return fromInstance;
    throw e;
  }
}

/**
 * The StartSession probe: 'denied', 'allowed', or the error that kept it from being answered
 * (credentials rejected, throttled, 5xx, network). Only a service error other than those is proof
 * the call got past authorisation.
 */
export async function startSessionVerdict(ctx: CheckContext): Promise<'allowed' | 'denied' | { error: unknown }> {
  try {
    const out = await ctx.aws.ssm.send(
      new StartSessionCommand({ Target: ctx.instanceId, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['99999'] } }),
    );
    // The port is outside every allowed pattern, but should a session ever open, close it at once.
    if (out.SessionId) await ctx.aws.ssm.send(new TerminateSessionCommand({ SessionId: out.SessionId })).catch(() => undefined);
    return 'allowed';
  } catch (e) {
    if (isAccessDenied(e)) return 'denied';
    // InvalidParameters, TargetNotConnected, InvalidDocument…: SSM authorised the call first.
    if (couldNotCheckReason(e) === 'api_error' && (e as { $fault?: unknown }).$fault === 'client') return 'allowed';
    return { error: e };
  }
}

/** Also used by aws-config's IAM probe (aws-config/iam.ts): true when denied; throws when unanswered. */
export async function callerCannotStartSession(ctx: CheckContext): Promise<boolean> {
  const v = await startSessionVerdict(ctx);
  if (typeof v === 'object') throw v.error;
  return v === 'denied';
}

function callerDeniedOutcome(ctx: CheckContext, details: Record<string, unknown>): CheckOutcome {
  return {
    status: 'fail',
    severity: 'ERROR',
    message: `The caller is not allowed to start sessions (ssm:StartSession is denied) on ${ctx.instanceId}.`,
    details,
    recommendation: { summary: 'Attach a policy like policy_json to the user or role of this AWS profile.', policy_json: CALLER_SESSION_POLICY_JSON },
  };
}

function profileFlag(ctx: CheckContext): string {
  return ctx.aws.target.profile ? ` --profile ${ctx.aws.target.profile}` : '';
}
