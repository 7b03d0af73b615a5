// Every AWS SDK v3 client Warren uses is built here, from one credentials chain per (profile,
// region): the SDK's standard provider chain (env, SSO, assume-role with MFA, credential_process,
// instance roles…) and its standard endpoint settings, so AWS_ENDPOINT_URL /
// AWS_ENDPOINT_URL_<SERVICE> (or `endpoint_url` in a profile) point the real clients at a local
// emulator in tests with no test-only code path here.
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EFSClient } from '@aws-sdk/client-efs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/** The chain's provider type, without importing a package we do not depend on directly. */
export type CredentialsProvider = ReturnType<typeof fromNodeProviderChain>;

export interface AwsTarget {
  /** A profile from ~/.aws/config; absent: AWS_PROFILE or "default", as the SDK decides. */
  profile?: string | undefined;
  /** Absent: AWS_REGION, then the profile's region. */
  region?: string | undefined;
}

/**
 * Asks the user for an MFA code (the daemon routes it to the UI or the CLI prompt). The SDK passes
 * the serial only; the target says which profile asked, so the prompt can name it.
 */
export type MfaCodeProvider = (mfaSerial: string, target: AwsTarget) => Promise<string>;

/**
 * Called when the credential chain fails. Resolve to retry the chain once (the cause was fixed,
 * e.g. an SSO sign-in), or throw: the original error or a clearer one.
 */
export type CredentialRecovery = (error: unknown, target: AwsTarget) => Promise<void>;

export interface AwsClients {
  readonly target: AwsTarget;
  readonly credentials: CredentialsProvider;
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
  readonly sts: STSClient;
  /** EFS and ECS (the mount-target autoscaler): made on first use, so SSM-only users never load them. */
  readonly efs: EFSClient;
  readonly ecs: ECSClient;
  destroy(): void;
}

export interface AwsClientOptions {
  mfaCodeProvider?: MfaCodeProvider;
  credentialRecovery?: CredentialRecovery;
  /** Per-call attempts (the SDK's standard retry strategy); default 3. */
  maxAttempts?: number;
}

export function createAwsClients(target: AwsTarget, opts: AwsClientOptions = {}): AwsClients {
  const ask = opts.mfaCodeProvider;
  const chain = fromNodeProviderChain({
    ...(target.profile ? { profile: target.profile } : {}),
    ...(ask ? { mfaCodeProvider: (serial: string) => ask(serial, target) } : {}),
  });
  const recover = opts.credentialRecovery;
  // The chain memoizes successes only, so calling it again after a recovery really re-resolves.
  const credentials: CredentialsProvider = recover
    ? async (props) => {
        try {
          return await chain(props);
        } catch (e) {
          await recover(e, target);
          return chain(props);
        }
      }
    : chain;
  const config = {
    credentials,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.region ? { region: target.region } : {}),
    maxAttempts: opts.maxAttempts ?? 3,
  };
  const ec2 = new EC2Client(config);
  const ssm = new SSMClient(config);
  const sts = new STSClient(config);
  let efs: EFSClient | undefined;
  let ecs: ECSClient | undefined;
  return {
    target,
    credentials,
    ec2,
    ssm,
    sts,
    get efs() {
      return (efs ??= new EFSClient(config));
    },
    get ecs() {
      return (ecs ??= new ECSClient(config));
    },
    destroy() {
      ec2.destroy();
      ssm.destroy();
      sts.destroy();
      efs?.destroy();
      ecs?.destroy();
    },
  };
}

/** One set of clients per (profile, region): the credential cache (SSO, assumed roles) is shared. */
export class AwsClientCache {
  private readonly clients = new Map<string, AwsClients>();
  constructor(private readonly opts: AwsClientOptions = {}) {}

  get(target: AwsTarget): AwsClients {
    const key = `${target.profile ?? ''}\u0000${target.region ?? ''}`;
    let c = this.clients.get(key);
    if (!c) {
      c = createAwsClients(target, this.opts);
      this.clients.set(key, c);
    }
    return c;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
