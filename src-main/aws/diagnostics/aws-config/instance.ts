// instance (with instance_id): the instance exists in the account and region this configuration
// reaches. The commonest reason it does not is the wrong profile or region, so the recommendation
// shows how to look for it in others. Uses the diagnostics' shared DescribeInstances lookup.
import type { AwsClients } from '../../aws-clients.js';
import { describeTarget, errorName, isAccessDenied } from '../aws-facts.js';
import { cliFlags, type ProfileFacts } from './profile.js';
import type { AwsConfigOutcome, CallerIdentity } from './types.js';

export async function checkInstance(aws: AwsClients, instanceId: string, region: string, caller: CallerIdentity, profile: ProfileFacts): Promise<AwsConfigOutcome> {
  const flags = cliFlags(profile, region);
  let instance;
  try {
    instance = await describeTarget({ aws, instanceId });
  } catch (e) {
    if (!isAccessDenied(e)) throw e;
    return {
      status: 'fail',
      severity: 'ERROR',
      message: `Cannot tell whether ${instanceId} exists: ec2:DescribeInstances is denied.`,
      details: { error: errorName(e) },
      recommendation: { summary: 'Grant ec2:DescribeInstances to this profile (see the iam_permissions check with --include-iam).' },
    };
  }
  if (!instance) {
    return {
      status: 'fail',
      severity: 'CRITICAL',
      message: `Instance ${instanceId} does not exist in ${region} of account ${caller.account}: is it in another region, or another account (profile)?`,
      details: { region, account: caller.account, found: false },
      recommendation: {
        summary: 'Look for the instance with the profile and region it lives in, then use those (--profile / --region).',
        commands: [`aws ec2 describe-instances --instance-ids ${instanceId}${flags}`, 'aws configure list-profiles'],
      },
    };
  }
  const state = instance.State?.Name ?? 'unknown';
  // Its run state is not configuration, but a stopped instance is worth a pointer.
  const hint = state === 'stopped' ? ` (\`warren fix --instance-id ${instanceId} --auto-fix\` can start it)` : '';
  return {
    status: 'pass',
    severity: 'INFO',
    message: `Instance ${instanceId} exists in ${region} of account ${caller.account}, state ${state}${hint}.`,
    details: { region, account: caller.account, found: true, state, vpc_id: instance.VpcId ?? null },
  };
}
