// What the aws-config checks receive and hand on to each other. They run in order (profile, region,
// credentials, then the rest in parallel) so later checks build on what earlier ones found.
import type { AwsClientCache } from '../../aws-clients.js';
import type { AwsConfigCheckName, AwsConfigCheckResult } from '../../../../src-shared/api/diagnostics.js';
import type { ProfileFacts } from './profile.js';

export interface AwsConfigOptions {
  /** --profile; absent: AWS_PROFILE, then "default", as the SDK decides. */
  profile?: string;
  /** --region; absent: AWS_REGION, then the profile's. */
  region?: string;
  instanceId?: string;
  includeCredentials: boolean;
  includeIam: boolean;
  /** 0–100; the report says whether the score reaches it. */
  minimumScore: number;
  /** TCP connect timeout for the endpoint check; default 3000 ms. */
  connectTimeoutMs?: number;
}

export interface AwsConfigEnvironment {
  /** The daemon's clients: the real provider chain and endpoint settings, one set per (profile, region). */
  clients: Pick<AwsClientCache, 'get'>;
  /** Where AWS_PROFILE, AWS_REGION, AWS_CONFIG_FILE… are read (the daemon's process.env). */
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

/** What earlier checks established. */
export interface AwsConfigFacts {
  profile: ProfileFacts;
  /** The region the clients resolved; absent when none could be. */
  region?: string;
  /** Set when STS GetCallerIdentity answered. */
  caller?: CallerIdentity;
}

/** A check's verdict before the runner adds name, weight, points and timing. */
export type AwsConfigOutcome = Omit<AwsConfigCheckResult, 'check' | 'weight' | 'points' | 'duration_ms'>;

export type { AwsConfigCheckName };
