// region: a region is resolved, in the SDK's order: --region, then AWS_REGION, then the profile's
// `region`. The clients' own resolution is the judge (it is what every later call will use); where
// it came from is worked out here so the message can say which setting to change.
import type { AwsTarget } from '../../aws-clients.js';
import { cliFlags, profileFlag, type ProfileFacts } from './profile.js';
import type { AwsConfigEnvironment, AwsConfigOutcome } from './types.js';

const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export type RegionSource = 'flag' | 'AWS_REGION' | 'profile' | 'sdk';

export interface RegionResolution {
  region?: string;
  source?: RegionSource;
  /** Why the clients could not resolve one. */
  error?: string;
}

export async function resolveRegion(env: AwsConfigEnvironment, target: AwsTarget, profile: ProfileFacts): Promise<RegionResolution> {
  let region: string | undefined;
  try {
    region = await env.clients.get(target).ssm.config.region();
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (!region) return { error: 'the SDK resolved an empty region' };
  const source: RegionSource = target.region ? 'flag' : env.env['AWS_REGION'] ? 'AWS_REGION' : profile.settings['region'] ? 'profile' : 'sdk';
  return { region, source };
}

export function regionOutcome(r: RegionResolution, profile: ProfileFacts, env: NodeJS.ProcessEnv): AwsConfigOutcome {
  const details = { region: r.region ?? null, source: r.source ?? null, profile_region: profile.settings['region'] ?? null, aws_region: env['AWS_REGION'] ?? null };
  if (r.region) {
    const from = { flag: '--region', AWS_REGION: 'AWS_REGION', profile: `profile "${profile.name}"`, sdk: 'the SDK defaults' }[r.source ?? 'sdk'];
    if (!REGION_SHAPE.test(r.region)) {
      return {
        status: 'fail',
        severity: 'ERROR',
        message: `Region "${r.region}" (from ${from}) is not an AWS region name like eu-west-1.`,
        details,
        recommendation: { summary: 'Set a real region name (the one your instances run in).', commands: [`aws configure set region us-east-1${profileFlag(profile)}`, 'aws ec2 describe-regions --query "Regions[].RegionName"' + cliFlags(profile, undefined)] },
      };
    }
    return { status: 'pass', severity: 'INFO', message: `Region ${r.region} (from ${from}).`, details };
  }
  // The aws CLI reads AWS_DEFAULT_REGION; the SDK Warren uses does not: a frequent surprise.
  const cliOnly = env['AWS_DEFAULT_REGION'];
  const suggestion = cliOnly && REGION_SHAPE.test(cliOnly) ? cliOnly : 'us-east-1';
  return {
    status: 'fail',
    severity: 'CRITICAL',
    message:
      `No region: none was given with --region, AWS_REGION is not set and profile "${profile.name}" has no region.` +
      (cliOnly ? ` AWS_DEFAULT_REGION=${cliOnly} is set, but only the aws CLI reads it; the SDK reads AWS_REGION.` : ''),
    details: { ...details, aws_default_region: cliOnly ?? null, error: r.error ?? null },
    recommendation: {
      summary: `Give the profile a region (replace ${suggestion} with the region your instances run in), or set AWS_REGION, or pass --region.`,
      commands: [`aws configure set region ${suggestion}${profileFlag(profile)}`, `export AWS_REGION=${suggestion}`],
    },
  };
}
