// ssm_endpoint: can this machine open TCP to the SSM endpoint the SDK resolves for this profile and
// region? The network_connectivity diagnostic already answers exactly that (endpoint from the
// client's own resolution, so AWS_ENDPOINT_URL_SSM and a profile's endpoint_url count); this runs
// it and maps its result into an aws-config check.
// It runs through a throwaway SSM client with the same profile and region but placeholder
// credentials: the SDK resolves the caller's identity before the endpoint, so with the real chain a
// credentials problem would hide whether the endpoint is reachable. Nothing is signed or sent.
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients, AwsTarget } from '../../aws-clients.js';
import { checkNetworkConnectivity } from '../checks/network-connectivity.js';
import { PLACEHOLDER_INSTANCE } from './iam.js';
import type { AwsConfigOutcome } from './types.js';

const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'WARRENENDPOINTPROBE', secretAccessKey: 'unused' };

export async function checkSsmEndpoint(aws: AwsClients, target: AwsTarget, region: string, connectTimeoutMs: number | undefined): Promise<AwsConfigOutcome> {
  const ssm = new SSMClient({ ...(target.profile ? { profile: target.profile } : {}), region, credentials: PLACEHOLDER_CREDENTIALS, maxAttempts: 1 });
  try {
    // The instance id is not used by this check; the context type wants one.
    const r = await checkNetworkConnectivity({ aws: { ...aws, ssm }, instanceId: PLACEHOLDER_INSTANCE, ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}) });
    return {
      status: r.status,
      severity: r.severity,
      message: r.message,
      details: r.details,
      ...(r.recommendation ? { recommendation: r.recommendation } : {}),
    };
  } finally {
    ssm.destroy();
  }
}
