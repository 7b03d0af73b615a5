// `aws sso login` without the AWS CLI: the OAuth device authorization grant against AWS SSO OIDC,
// shown to the user as an `sso` prompt (the page to open and the code it must show), then the token
// written to the SDK's own cache file so the standard credential chain (fromSSO) finds it.
//
// RegisterClient → StartDeviceAuthorization → prompt → poll CreateToken every `interval` seconds
// (slower on SlowDown, at once when the user says "done") until approved, denied or expired.
// A still-valid client registration in the existing cache file is reused, as the AWS CLI does.
// One sign-in per SSO session at a time: concurrent callers (the EC2 and SSM clients of a profile,
// two profiles on one session) wait for the same flow.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import {
  awsConfigPath,
  defaultProfileName,
  isoSeconds,
  readAwsConfig,
  readSsoTokenCache,
  resolveSsoTarget,
  writeSsoTokenCache,
  type SsoTarget,
} from './aws-config.js';
import type { PromptBroker } from './prompt-broker.js';
import { createSsoOidcFactory, type SsoOidc, type SsoOidcFactory, type StartDeviceAuthorizationOutput } from './sso-oidc.js';

export interface SsoLoginResult {
  profile: string;
  sso_session?: string;
  start_url: string;
  expires_at: string;
  cache_file: string;
}

export interface SsoLoginLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SsoLoginOptions {
  broker: PromptBroker;
  oidc?: SsoOidcFactory;
  env?: NodeJS.ProcessEnv;
  log?: SsoLoginLog;
  now?: () => number;
  /** Client name sent to RegisterClient (shown nowhere but the service's logs). */
  clientName?: string;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** A registration with less life left than this is renewed rather than reused. */
const REGISTRATION_MARGIN_MS = 15 * 60_000;
/** RFC 8628: slow_down adds 5 s to the interval. */
const SLOW_DOWN_STEP_MS = 5_000;
const PROMPT_MARGIN_MS = 10_000;

interface Registration {
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: string;
  /** Taken from the token cache rather than registered just now. */
  cached: boolean;
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : '';
}

export class SsoLogin {
  private readonly inFlight = new Map<string, Promise<SsoLoginResult>>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly oidc: SsoOidcFactory;
  private readonly now: () => number;

  constructor(private readonly opts: SsoLoginOptions) {
    this.env = opts.env ?? process.env;
    this.oidc = opts.oidc ?? createSsoOidcFactory();
    this.now = opts.now ?? Date.now;
  }

  /** The SSO settings behind a profile, or undefined when it does not sign in through SSO. */
  async target(profile?: string): Promise<SsoTarget | undefined> {
    return resolveSsoTarget(profile ?? defaultProfileName(this.env), await readAwsConfig(this.env));
  }

  /** Sign in for `profile` (default AWS_PROFILE or "default"); joins a sign-in already under way. */
  async login(profile?: string): Promise<SsoLoginResult> {
    const name = profile ?? defaultProfileName(this.env);
    const target = await this.target(name);
    if (!target)
      throw new WarrenError(
          ErrorCode.InvalidParams,
          `profile "${name}" does not sign in through AWS IAM Identity Center: ${awsConfigPath(this.env)} gives it no sso_session (or sso_start_url and sso_region), nor a source_profile that has one. Add them (e.g. with \`aws configure sso\`) or use another profile`,
        { profile: name },
      );
    const running = this.inFlight.get(target.cacheKey);
    if (running) return running.then((r) => ({ ...r, profile: name }));
    const flow = this.run(target).finally(() => this.inFlight.delete(target.cacheKey));
    this.inFlight.set(target.cacheKey, flow);
    return flow;
  }

  private async run(t: SsoTarget): Promise<SsoLoginResult> {
    const where = t.ssoSession ? `SSO session "${t.ssoSession}"` : `SSO start URL ${t.startUrl}`;
    const fail = (e: unknown, step: string): WarrenError => {
      if (e instanceof WarrenError) return e;
      const msg = e instanceof Error ? e.message : String(e);
      return new WarrenError(ErrorCode.AwsRequestFailed, `signing in to ${where} (profile ${t.profile}) failed at ${step}: ${errorName(e) || 'Error'}: ${msg}`, {
        name: errorName(e),
        profile: t.profile,
      });
    };
    let oidc: SsoOidc;
    try {
      oidc = await this.oidc(t.region);
    } catch (e) {
      throw fail(e, 'loading the SSO OIDC client');
    }
    try {
      let reg = await this.registration(oidc, t, false).catch((e: unknown) => {
        throw fail(e, 'RegisterClient');
      });
      const start = (): Promise<StartDeviceAuthorizationOutput> => oidc.startDeviceAuthorization({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: t.startUrl });
      const auth = await start()
        .catch(async (e: unknown) => {
          // A cached registration the service no longer knows: register afresh, once.
          if (!reg.cached || errorName(e) !== 'InvalidClientException') throw e;
          reg = await this.registration(oidc, t, true);
          return start();
        })
        .catch((e: unknown) => {
          throw fail(e, 'StartDeviceAuthorization');
        });
      this.opts.log?.info({ profile: t.profile, sso_session: t.ssoSession, expires_in_s: auth.expiresIn }, 'SSO device sign-in started');
      const prompt = this.opts.broker.open(
        { kind: 'sso', profile: t.profile, verification_uri: auth.verificationUri, verification_uri_complete: auth.verificationUriComplete, user_code: auth.userCode },
        // A little past the code's own expiry, so the flow's clearer "code expired" error wins.
        { timeoutMs: auth.expiresIn * 1000 + PROMPT_MARGIN_MS },
      );
      // The prompt's end wakes the poller: "done" polls at once, cancel/timeout stops it.
      let wake: () => void = () => undefined;
      let stopped: Error | undefined;
      prompt.answer.then(
        () => wake(),
        (e: unknown) => {
          stopped = e instanceof Error ? e : new Error(String(e));
          wake();
        },
      );
      const deadline = this.now() + auth.expiresIn * 1000;
      // Nobody approved in time: like a prompt timeout, not permanent (a tunnel asks again later).
      const expired = (): WarrenError => {
        prompt.close('timed_out');
        return new WarrenError(ErrorCode.AwsRequestFailed, `the sign-in code ${auth.userCode} for ${where} expired before it was approved; run \`warren aws sso-login --profile ${t.profile}\` to get a new one`, {
          reason: 'sso_expired',
          profile: t.profile,
        });
      };
      let intervalMs = (auth.interval ?? 5) * 1000;
      try {
        for (;;) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0, Math.min(intervalMs, deadline - this.now())));
            wake = () => {
              clearTimeout(timer);
              wake = () => undefined;
              resolve();
            };
          });
          if (stopped) throw stopped;
          if (this.now() >= deadline) throw expired();
          let token;
          try {
            token = await oidc.createToken({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: auth.deviceCode });
          } catch (e) {
            const name = errorName(e);
            if (name === 'AuthorizationPendingException') continue;
            if (name === 'SlowDownException') {
              intervalMs += SLOW_DOWN_STEP_MS;
              continue;
            }
            if (name === 'ExpiredTokenException') throw expired();
            if (name === 'AccessDeniedException')
              throw new WarrenError(ErrorCode.AwsAccessDenied, `the sign-in for ${where} was denied in the browser; run \`warren aws sso-login --profile ${t.profile}\` to try again`, {
                reason: 'sso_denied',
                profile: t.profile,
              });
            throw fail(e, 'CreateToken');
          }
          const expiresAt = isoSeconds(this.now() + token.expiresIn * 1000);
          let cacheFile: string;
          try {
            cacheFile = writeSsoTokenCache(
              t.cacheKey,
              {
                accessToken: token.accessToken,
                expiresAt,
                region: t.region,
                startUrl: t.startUrl,
                clientId: reg.clientId,
                clientSecret: reg.clientSecret,
                registrationExpiresAt: reg.registrationExpiresAt,
                ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
              },
              this.env,
            );
          } catch (e) {
            throw fail(e, 'writing the token cache');
          }
          prompt.close('answered');
          this.opts.log?.info({ profile: t.profile, sso_session: t.ssoSession, expires_at: expiresAt }, 'SSO sign-in complete; token cached');
          const result: SsoLoginResult = { profile: t.profile, start_url: t.startUrl, expires_at: expiresAt, cache_file: cacheFile };
          if (t.ssoSession) result.sso_session = t.ssoSession;
          return result;
        }
      } catch (e) {
        prompt.close('cancelled');
        this.opts.log?.warn({ profile: t.profile, sso_session: t.ssoSession, err: e instanceof Error ? e.message : String(e) }, 'SSO sign-in failed');
        throw e;
      }
    } finally {
      oidc.destroy();
    }
  }

  /** A client registration: the cached one while it has life left, else a new one. */
  private async registration(oidc: SsoOidc, t: SsoTarget, fresh: boolean): Promise<Registration> {
    const cached = fresh ? undefined : readSsoTokenCache(t.cacheKey, this.env);
    if (cached?.clientId && cached.clientSecret && cached.registrationExpiresAt && Date.parse(cached.registrationExpiresAt) - this.now() > REGISTRATION_MARGIN_MS)
      return { clientId: cached.clientId, clientSecret: cached.clientSecret, registrationExpiresAt: cached.registrationExpiresAt, cached: true };
    const reg = await oidc.registerClient({
      clientName: this.opts.clientName ?? `warren-${Math.floor(this.now() / 1000)}`,
      clientType: 'public',
      // Scopes (and with them refresh tokens) only for sso-session profiles, as the AWS CLI does.
      ...(t.ssoSession ? { scopes: t.scopes, grantTypes: [DEVICE_GRANT, 'refresh_token'] } : {}),
    });
    return { clientId: reg.clientId, clientSecret: reg.clientSecret, registrationExpiresAt: isoSeconds(reg.clientSecretExpiresAt * 1000), cached: false };
  }
}
