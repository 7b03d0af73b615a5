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
import { AWS_CALL } from './aws-error.js';
import { checkProfileAndRegion } from './credentials/profile-check.js';

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
  // A missing profile, source_profile or region is named before the SDK hides it (profile-check.ts);
  // a success is kept, a failure checked afresh next time (the user may have fixed the file).
  let checked: Promise<string> | undefined;
  const check = (): Promise<string> => {
    const p = (checked ??= checkProfileAndRegion(target));
    p.catch(() => {
      if (checked === p) checked = undefined;
    });
    return p;
  };
  const tried: CredentialsProvider = async (props) => {
    await check();
    return chain(props);
  };
  // The chain memoizes successes only, so calling it again after a recovery really re-resolves.
  const credentials: CredentialsProvider = recover
    ? async (props) => {
        try {
          return await tried(props);
        } catch (e) {
          await recover(e, target);
          return tried(props);
        }
      }
    : tried;
  const config = {
    credentials,
    ...(target.profile ? { profile: target.profile } : {}),
    region: target.region ?? check,
    maxAttempts: opts.maxAttempts ?? 3,
  };
  const ec2 = tagged(new EC2Client(config));
  const ssm = tagged(new SSMClient(config));
  const sts = tagged(new STSClient(config));
  let efs: EFSClient | undefined;
  let ecs: ECSClient | undefined;
  return {
    target,
    credentials,
    ec2,
    ssm,
    sts,
    get efs() {
      return (efs ??= tagged(new EFSClient(config)));
    },
    get ecs() {
      return (ecs ??= tagged(new ECSClient(config)));
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

interface Stackable {
  middlewareStack: { add(mw: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>, opts: { step: 'initialize'; name: string }): void };
}

/**
 * Marks every error a client's call ends with (after the SDK's retries) with the service and
 * operation, so messages can say "EC2 DescribeInstances (HTTP 502)" whoever made the call.
 */
function tagged<C>(client: C): C {
  (client as unknown as Stackable).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        if (e instanceof Error && !(AWS_CALL in e)) {
          const service = (context.clientName ?? '').replace(/Client$/, '');
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          Object.defineProperty(e, AWS_CALL, { value: { service, operation }, enumerable: false });
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'warrenTagAwsErrors' },
  );
  return client;
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
