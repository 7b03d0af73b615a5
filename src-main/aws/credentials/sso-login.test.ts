import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { PromptEvent } from '../../../src-shared/api/prompt-contract.js';
import { ssoTokenCachePath } from './aws-config.js';
import { PromptBroker } from './prompt-broker.js';
import { createCredentialRecovery, isMfaRejected, isSsoTokenError } from './recovery.js';
import { SsoLogin } from './sso-login.js';
import type { CreateTokenInput, SsoOidc } from './sso-oidc.js';

/** What the SDK throws: an Error named by the service's error code. */
class SsoOidcError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = name;
  }
}

const CONFIG = `[profile dev]
sso_session = corp
sso_account_id = 1
sso_role_name = Dev
[profile keys]
aws_access_key_id = AKID
aws_secret_access_key = x
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
`;

type Poll = 'pending' | 'slow' | 'ok' | 'expired' | 'denied';

/** A scripted OIDC service: each CreateToken takes the next outcome. */
function fakeOidc(script: Poll[], expiresIn = 5, rejectClients = 0) {
  const calls: Array<{ op: string; at: number; input?: CreateTokenInput }> = [];
  let rejecting = rejectClients;
  const oidc: SsoOidc = {
    registerClient: async () => {
      calls.push({ op: 'register', at: Date.now() });
      return { clientId: 'cid', clientSecret: 'csecret', clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 86400 * 90 };
    },
    startDeviceAuthorization: async () => {
      calls.push({ op: 'start', at: Date.now() });
      if (rejecting-- > 0) throw new SsoOidcError('InvalidClientException', 'Invalid client provided', 401);
      return { deviceCode: 'dev-code', userCode: 'ABCD-EFGH', verificationUri: 'https://device.example/', verificationUriComplete: 'https://device.example/?user_code=ABCD-EFGH', expiresIn, interval: 1 };
    },
    createToken: async (input) => {
      calls.push({ op: 'token', at: Date.now(), input });
      const next = script.shift() ?? 'pending';
      if (next === 'pending') throw new SsoOidcError('AuthorizationPendingException', 'pending', 400);
      if (next === 'slow') throw new SsoOidcError('SlowDownException', 'slow down', 400);
      if (next === 'expired') throw new SsoOidcError('ExpiredTokenException', 'expired', 400);
      if (next === 'denied') throw new SsoOidcError('AccessDeniedException', 'denied', 400);
      return { accessToken: 'the-access-token', expiresIn: 3600, refreshToken: 'the-refresh-token' };
    },
    destroy: () => undefined,
  };
  return { oidc, calls };
}

describe('SSO device sign-in', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let events: PromptEvent[];
  let broker: PromptBroker;
  const logs: string[] = [];

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-sso-'));
    fs.writeFileSync(path.join(home, 'config'), CONFIG);
    env = { HOME: home, AWS_CONFIG_FILE: path.join(home, 'config') };
    events = [];
    broker = new PromptBroker({ emit: (e) => events.push(e) });
  });
  afterEach(() => {
    vi.useRealTimers();
    broker.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  function login(script: Poll[], expiresIn?: number, rejectClients?: number) {
    const f = fakeOidc(script, expiresIn, rejectClients);
    const log = { info: (o: object, m: string) => logs.push(JSON.stringify([o, m])), warn: (o: object, m: string) => logs.push(JSON.stringify([o, m])) };
    return { ...f, sso: new SsoLogin({ broker, env, oidc: async () => f.oidc, log }) };
  }

  it('polls through pending and slow_down, writes the cache, closes the prompt; concurrent logins share the flow', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { sso, calls } = login(['pending', 'slow', 'ok'], 600);
    const both = Promise.all([sso.login('dev'), sso.login('dev')]);
    const polls = (): number => calls.filter((c) => c.op === 'token').length;
    // The config is read from disk (real I/O, not faked): let the flow reach its first wait.
    // performance.now and setImmediate are not faked, so this waits in real time (bounded to 10 s).
    const until = performance.now() + 10_000;
    while (!calls.some((c) => c.op === 'start') && performance.now() < until) await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls()).toBe(1); // pending, after the 1 s interval
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls()).toBe(2); // slow_down: the interval becomes 6 s
    await vi.advanceTimersByTimeAsync(5999);
    expect(polls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const [a, b] = await both;
    vi.useRealTimers();
    expect(a).toEqual(b);
    expect(a).toMatchObject({ profile: 'dev', sso_session: 'corp', start_url: 'https://corp.awsapps.com/start', cache_file: ssoTokenCachePath('corp', env) });
    expect(calls.map((c) => c.op)).toEqual(['register', 'start', 'token', 'token', 'token']);
    expect(calls[2]!.input).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: 'dev-code', clientId: 'cid' });
    expect(calls[4]!.at - calls[3]!.at).toBe(6000);
    const cached = JSON.parse(fs.readFileSync(a.cache_file, 'utf8')) as Record<string, string>;
    expect(cached).toMatchObject({ accessToken: 'the-access-token', refreshToken: 'the-refresh-token', clientId: 'cid', clientSecret: 'csecret', region: 'eu-central-1', startUrl: 'https://corp.awsapps.com/start' });
    expect(cached.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ['sso', 'open'],
      ['sso', 'answered'],
    ]);
    expect(events[0]).toMatchObject({ user_code: 'ABCD-EFGH', verification_uri_complete: 'https://device.example/?user_code=ABCD-EFGH' });
    expect(logs.join('\n')).not.toMatch(/the-access-token|the-refresh-token|csecret/);
  }, 15_000);

  it('"done" polls at once; a second sign-in reuses the cached client registration', async () => {
    const first = login(['ok']);
    const running = first.sso.login('dev');
    // Wait for the prompt (the config is read from disk first), bounded.
    const until = Date.now() + 10_000;
    while (events.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    broker.answer(events[0]!.id, 'done');
    await running;
    expect(Date.now() - t0).toBeLessThan(500); // not the 1 s interval
    const second = login(['ok']);
    await second.sso.login('dev');
    expect(second.calls.map((c) => c.op)).toEqual(['start', 'token']);
    // The service forgot the cached client: registered afresh, once.
    const third = login(['ok'], 5, 1);
    await third.sso.login('dev');
    expect(third.calls.map((c) => c.op)).toEqual(['start', 'register', 'start', 'token']);
  });

  it('fails clearly when denied, expired or cancelled, and for a profile without SSO', async () => {
    await expect(login(['denied']).sso.login('dev')).rejects.toMatchObject({ code: ErrorCode.AwsAccessDenied, message: expect.stringMatching(/denied in the browser/) });
    expect(events.at(-1)?.status).toBe('cancelled');
    await expect(login(['expired']).sso.login('dev')).rejects.toMatchObject({
      code: ErrorCode.AwsRequestFailed,
      message: expect.stringMatching(/expired before it was approved.*warren aws sso-login --profile dev/),
    });
    expect(events.at(-1)?.status).toBe('timed_out');
    // Never approved: the flow ends at the code's expiry with the same error, not the prompt's generic timeout.
    await expect(login([], 2).sso.login('dev')).rejects.toMatchObject({ code: ErrorCode.AwsRequestFailed, message: expect.stringMatching(/expired before it was approved/) });
    const c = login([]);
    const running = c.sso.login('dev');
    await new Promise((r) => setTimeout(r, 20));
    broker.cancel(events.at(-1)!.id);
    await expect(running).rejects.toMatchObject({ code: ErrorCode.AwsAccessDenied, message: expect.stringMatching(/was cancelled/) });
    await expect(c.sso.login('keys')).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/does not sign in through AWS IAM Identity Center/) });
  }, 15_000);

  it('recovery: signs in and retries for an SSO token error, explains a refused MFA code, passes others through', async () => {
    const { sso } = login(['ok']);
    const recover = createCredentialRecovery({ ssoLogin: sso, env });
    const tokenErr = Object.assign(new Error("The SSO session token associated with profile=dev was not found or is invalid. To refresh this SSO session run 'aws sso login' with the corresponding profile."), { name: 'CredentialsProviderError' });
    expect(isSsoTokenError(tokenErr)).toBe(true);
    const recovered = recover(tokenErr, { profile: 'dev' });
    await new Promise((r) => setTimeout(r, 20));
    broker.answer(events.at(-1)!.id, 'done');
    await expect(recovered).resolves.toBeUndefined();
    expect(fs.existsSync(ssoTokenCachePath('corp', env))).toBe(true);

    // The same error for a profile without SSO settings: nothing to do but rethrow.
    await expect(recover(tokenErr, { profile: 'keys' })).rejects.toBe(tokenErr);
    const mfa = Object.assign(new Error('MultiFactorAuthentication failed with invalid MFA one time pass code. '), { name: 'AccessDenied' });
    expect(isMfaRejected(mfa)).toBe(true);
    const e = await recover(mfa, { profile: 'admin' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WarrenError);
    expect((e as WarrenError).code).toBe(ErrorCode.AwsAccessDenied);
    expect((e as WarrenError).message).toMatch(/AWS refused the MFA code for profile admin/);
    const other = Object.assign(new Error('nope'), { name: 'AccessDenied' });
    await expect(recover(other, {})).rejects.toBe(other);
  });
});
