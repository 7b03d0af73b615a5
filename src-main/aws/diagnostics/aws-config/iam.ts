// iam_permissions (include_iam): may the caller do what SSM port forwarding needs? Each action is
// probed with a call that changes nothing, relying on AWS authorising before it validates:
//   ssm:StartSession             the iam_permissions diagnostic's probe (an out-of-range port);
//   ssm:TerminateSession/Resume  a session id that was never issued;
//   ssm:DescribeInstanceInformation  a read;
//   ec2:DescribeInstances        DryRun (DryRunOperation means allowed).
// Only AccessDenied/UnauthorizedOperation means "denied"; any other answer from the service means
// the call got past authorisation. With an instance id the probes target it, so policies scoped to
// instances are judged for that instance.
import { randomBytes } from 'node:crypto';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, ResumeSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import type { Severity } from '../../../../src-shared/api/diagnostics.js';
import type { AwsClients } from '../../aws-clients.js';
import { isAccessDenied } from '../aws-facts.js';
import { callerCannotStartSession } from '../checks/iam-permissions.js';
import { profileFlag, type ProfileFacts } from './profile.js';
import type { AwsConfigOutcome, CallerIdentity } from './types.js';

/** A well-formed id no instance has: probes without --instance-id ask "any instance?". */
export const PLACEHOLDER_INSTANCE = 'i-00000000000000000';

const SEVERITY_ORDER: readonly Severity[] = ['CRITICAL', 'ERROR', 'WARNING', 'INFO'];

interface Probe {
  action: string;
  /** How bad it is to lack this one. */
  severity: Severity;
  consequence: string;
  /** Resolves true when AWS denied it. */
  denied(aws: AwsClients, instanceId: string, sessionId: string): Promise<boolean>;
}

/** Did AWS refuse for lack of permission? Other service answers are past authorisation; anything else (network) is rethrown. */
async function deniedBy(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (e) {
    if (isAccessDenied(e)) return true;
    if (e instanceof Error && '$fault' in e) return false;
    throw e;
  }
}

export const PROBES: readonly Probe[] = [
  {
    action: 'ssm:StartSession',
    severity: 'CRITICAL',
    consequence: 'no port-forwarding session can start',
    denied: (aws, instanceId) => callerCannotStartSession({ aws, instanceId }),
  },
  {
    action: 'ssm:TerminateSession',
    severity: 'ERROR',
    consequence: 'sessions cannot be closed and linger until SSM times them out',
    denied: (aws, _i, sessionId) => deniedBy(() => aws.ssm.send(new TerminateSessionCommand({ SessionId: sessionId }))),
  },
  {
    action: 'ssm:ResumeSession',
    severity: 'WARNING',
    consequence: 'a dropped link cannot be resumed, only replaced by a new session',
    denied: (aws, _i, sessionId) => deniedBy(() => aws.ssm.send(new ResumeSessionCommand({ SessionId: sessionId }))),
  },
  {
    action: 'ssm:DescribeInstanceInformation',
    severity: 'WARNING',
    consequence: 'diagnostics and `warren fix` cannot see the SSM agent',
    denied: (aws, instanceId) =>
      deniedBy(() => aws.ssm.send(new DescribeInstanceInformationCommand(instanceId === PLACEHOLDER_INSTANCE ? { MaxResults: 5 } : { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }))),
  },
  {
    action: 'ec2:DescribeInstances',
    severity: 'WARNING',
    consequence: 'instances cannot be listed or looked up',
    denied: (aws, instanceId) =>
      deniedBy(() => aws.ec2.send(new DescribeInstancesCommand(instanceId === PLACEHOLDER_INSTANCE ? { DryRun: true, MaxResults: 5 } : { DryRun: true, InstanceIds: [instanceId] }))),
  },
];

/** The name SSM puts in front of this caller's session ids: the user name or the role session name. */
export function sessionIdPrefix(arn: string): string {
  return arn.split('/').pop() || 'warren';
}

export function portForwardingPolicy(region: string, caller: CallerIdentity, instanceId: string | undefined): string {
  const instance = instanceId ? `arn:aws:ec2:${region}:${caller.account}:instance/${instanceId}` : 'arn:aws:ec2:*:*:instance/*';
  // IAM users' session ids start with their user name; other callers' follow the existing diagnostic's convention.
  const own = caller.arn.includes(':user/') ? '${aws:username}-*' : '${aws:userid}-*';
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'WarrenStartPortForwarding', Effect: 'Allow', Action: 'ssm:StartSession', Resource: [instance, `arn:aws:ssm:${region}::document/AWS-StartPortForwardingSession*`] },
        { Sid: 'WarrenOwnSessions', Effect: 'Allow', Action: ['ssm:TerminateSession', 'ssm:ResumeSession'], Resource: `arn:aws:ssm:*:*:session/${own}` },
        { Sid: 'WarrenLookups', Effect: 'Allow', Action: ['ssm:DescribeInstanceInformation', 'ec2:DescribeInstances'], Resource: '*' },
      ],
    },
    null,
    2,
  );
}

/** The command that attaches the policy to whoever the caller is (an IAM user or a role). */
function attachCommands(caller: CallerIdentity, profile: ProfileFacts): string[] {
  const p = profileFlag(profile);
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(caller.arn)?.[1];
  if (user) return [`aws iam put-user-policy --user-name ${user} --policy-name WarrenSsmPortForwarding --policy-document file://warren-ssm-policy.json${p}`];
  const role = /:assumed-role\/([^/]+)\//.exec(caller.arn)?.[1];
  if (role) return [`aws iam put-role-policy --role-name ${role} --policy-name WarrenSsmPortForwarding --policy-document file://warren-ssm-policy.json${p}`];
  return [];
}

export async function checkIam(aws: AwsClients, region: string, caller: CallerIdentity, profile: ProfileFacts, instanceId: string | undefined): Promise<AwsConfigOutcome> {
  const target = instanceId ?? PLACEHOLDER_INSTANCE;
  const sessionId = `${sessionIdPrefix(caller.arn)}-${randomBytes(9).toString('hex').slice(0, 17)}`;
  const verdicts = await Promise.all(PROBES.map(async (p) => ({ probe: p, denied: await p.denied(aws, target, sessionId) })));
  const denied = verdicts.filter((v) => v.denied).map((v) => v.probe);
  const details = {
    scope: instanceId ?? 'any instance (a placeholder id: pass --instance-id to judge instance-scoped policies)',
    allowed: verdicts.filter((v) => !v.denied).map((v) => v.probe.action),
    denied: denied.map((p) => p.action),
  };
  const on = instanceId ? ` on ${instanceId}` : '';
  if (denied.length === 0) {
    return { status: 'pass', severity: 'INFO', message: `The caller may ${PROBES.map((p) => p.action).join(', ')}${on}.`, details };
  }
  const worst = SEVERITY_ORDER.find((s) => denied.some((p) => p.severity === s)) ?? 'WARNING';
  const role = /:assumed-role\/(AWSReservedSSO_[^/]+)\//.exec(caller.arn)?.[1];
  return {
    status: worst === 'WARNING' || worst === 'INFO' ? 'warn' : 'fail',
    severity: worst,
    message: `Denied${on}: ${denied.map((p) => `${p.action} (${p.consequence})`).join('; ')}.`,
    details,
    recommendation: {
      summary: role
        ? `Ask your administrator to add policy_json to the IAM Identity Center permission set behind ${role} (its role cannot be edited directly).`
        : `Save policy_json as warren-ssm-policy.json and attach it to ${caller.arn} (an administrator's profile may be needed).`,
      commands: role ? [] : attachCommands(caller, profile),
      policy_json: portForwardingPolicy(region, caller, instanceId),
    },
  };
}
