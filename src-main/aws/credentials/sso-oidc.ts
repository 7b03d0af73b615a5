// The three AWS SSO OIDC operations a device sign-in needs (RegisterClient, StartDeviceAuthorization,
// CreateToken) through the real @aws-sdk/client-sso-oidc (the SDK's bundled nested client has only
// CreateToken). Answers are validated; failures are the SDK's exceptions, whose `name` is the
// service's error code (AuthorizationPendingException, SlowDownException…). Behind an interface so
// the sign-in flow's tests can drive the pending/slow-down/expired paths directly.
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { z } from 'zod';

export interface RegisterClientInput {
  clientName: string;
  clientType: 'public';
  scopes?: string[];
  grantTypes?: string[];
}
export interface StartDeviceAuthorizationInput {
  clientId: string;
  clientSecret: string;
  startUrl: string;
}
export interface CreateTokenInput {
  clientId: string;
  clientSecret: string;
  grantType: string;
  deviceCode?: string;
  refreshToken?: string;
}

export const registerClientOutputSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  clientIdIssuedAt: z.number().optional(),
  /** Epoch seconds. */
  clientSecretExpiresAt: z.number(),
});
export const startDeviceAuthorizationOutputSchema = z.object({
  deviceCode: z.string().min(1),
  userCode: z.string().min(1),
  verificationUri: z.string().min(1),
  verificationUriComplete: z.string().optional(),
  /** Seconds until the device code expires. */
  expiresIn: z.number().int().positive(),
  /** Seconds between CreateToken polls. */
  interval: z.number().int().positive().optional(),
});
export const createTokenOutputSchema = z.object({
  accessToken: z.string().min(1),
  tokenType: z.string().optional(),
  /** Seconds. */
  expiresIn: z.number().int().positive(),
  refreshToken: z.string().optional(),
});
export type RegisterClientOutput = z.infer<typeof registerClientOutputSchema>;
export type StartDeviceAuthorizationOutput = z.infer<typeof startDeviceAuthorizationOutputSchema>;
export type CreateTokenOutput = z.infer<typeof createTokenOutputSchema>;

export interface SsoOidc {
  registerClient(input: RegisterClientInput): Promise<RegisterClientOutput>;
  startDeviceAuthorization(input: StartDeviceAuthorizationInput): Promise<StartDeviceAuthorizationOutput>;
  createToken(input: CreateTokenInput): Promise<CreateTokenOutput>;
  destroy(): void;
}

export type SsoOidcFactory = (region: string) => Promise<SsoOidc>;

// ── the SDK client ─────────────────────────────────────────────────────────────────────────────
function sdkOidc(region: string): SsoOidc {
  // Endpoint from the SDK's standard settings (AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, profile).
  const client = new SSOOIDCClient({ region });
  return {
    registerClient: async (input) => registerClientOutputSchema.parse(await client.send(new RegisterClientCommand(input))),
    startDeviceAuthorization: async (input) => startDeviceAuthorizationOutputSchema.parse(await client.send(new StartDeviceAuthorizationCommand(input))),
    createToken: async (input) => createTokenOutputSchema.parse(await client.send(new CreateTokenCommand(input))),
    destroy: () => client.destroy(),
  };
}

export function createSsoOidcFactory(): SsoOidcFactory {
  return async (region) => sdkOidc(region);
}
