// Before any AWS call: does the profile Warren was told to use exist, does its source_profile chain
// exist, and is there a region? The SDK's node provider chain hides these ("Region is missing",
// "Could not load credentials from any providers"), so a typo in --profile read as a connection
// problem. Each answer names the missing profile, the file looked in, and the fix (exit 2, config).
import { loadSharedConfigFiles } from '@smithy/core/config';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { awsConfigPath, awsCredentialsPath } from './aws-config.js';

export interface ProfileCheckTarget {
  profile?: string | undefined;
  region?: string | undefined;
}

type Sections = Record<string, Record<string, string | undefined> | undefined>;

function invalid(message: string, profile: string, hint: string): WarrenError {
  return new WarrenError(ErrorCode.AwsConfigInvalid, message, { profile, hint });
}

/**
 * Resolves the region as the SDK for Node does (the explicit one, AWS_REGION, the profile's
 * `region`) after checking the profile and its source_profile chain. Throws AwsConfigInvalid.
 */
export async function checkProfileAndRegion(target: ProfileCheckTarget, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const named = target.profile ?? (env['AWS_PROFILE'] || undefined);
  const profile = named ?? 'default';
  const configPath = awsConfigPath(env);
  const credentialsPath = awsCredentialsPath(env);
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: configPath, filepath: credentialsPath, ignoreCache: true });
  const config: Sections = configFile;
  const credentials: Sections = credentialsFile;
  const exists = (p: string): boolean => config[p] !== undefined || credentials[p] !== undefined;
  const files = `${configPath} or ${credentialsPath}`;
  const known = [...new Set([...Object.keys(config), ...Object.keys(credentials)])].filter((p) => !p.includes('.')).sort();
  const knownText = known.length ? `profiles there: ${known.join(', ')}` : 'no profiles are defined there';

  // Only a profile someone named must exist: without one, env keys or an instance role may serve.
  if (named !== undefined && !exists(named))
    throw invalid(`no AWS profile named "${named}" in ${files} (${knownText})`, named, `pass an existing --profile, or create it with \`aws configure --profile ${named}\``);

  // source_profile chains (assume-role): the SDK's node chain reports a missing link only as
  // "Could not load credentials from any providers"; name it here.
  const seen = new Set<string>();
  for (let p: string | undefined = exists(profile) ? profile : undefined; p !== undefined && !seen.has(p); ) {
    seen.add(p);
    const source = config[p]?.['source_profile'] ?? credentials[p]?.['source_profile'];
    if (source === undefined) break;
    if (!exists(source))
      throw invalid(
        `AWS profile "${p}" takes its credentials from source_profile "${source}", but there is no profile "${source}" in ${files} (${knownText})`,
        p,
        `add a [profile ${source}] with credentials, or point source_profile of "${p}" at an existing profile`,
      );
    p = source;
  }

  const region = target.region || env['AWS_REGION'] || config[profile]?.['region'];
  if (region) return region;
  throw invalid(
    named !== undefined
      ? `AWS profile "${named}" has no region, and neither --region nor AWS_REGION gives one`
      : 'no AWS region: neither --region, AWS_REGION nor the default profile gives one',
    profile,
    `pass --region (e.g. --region eu-west-1), or add "region = eu-west-1" under [${profile === 'default' ? 'default' : `profile ${profile}`}] in ${configPath}`,
  );
}
