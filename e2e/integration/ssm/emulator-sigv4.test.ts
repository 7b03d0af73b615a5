// The emulator verifies SigV4 for real (e2e/fixtures/aws-emulator/sigv4.ts, credentials.ts): its
// verifier agrees with the SDK's own signer (@smithy/signature-v4) on any request and refuses any
// tampering with what the signature covers; through the real SDK clients, a wrong secret, another
// region's scope, an unknown key and a clock more than 5 minutes off get each service's own error,
// and the SDK's clock-skew correction (driven by the error response's Date header) still recovers.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { parseAuthorization, verifySignature, type WireRequest } from '../../fixtures/aws-emulator/sigv4.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** The SDK's Checksum contract over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private h: crypto.Hash | crypto.Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.make();
  }
  private make(): crypto.Hash | crypto.Hmac {
    return this.secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.make();
  }
}

const SECRET = 'test-secret/with+odd=chars';
const AKID = 'AKIAVERIFIERTEST0001';

interface Spec {
  method: string;
  segments: string[];
  trailingSlash: boolean;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  date: Date;
}

async function sign(spec: Spec, secret = SECRET): Promise<WireRequest> {
  const path = `/${spec.segments.map(encodeURIComponent).join('/')}${spec.trailingSlash && spec.segments.length > 0 ? '/' : ''}`;
  const signer = new SignatureV4({ credentials: { accessKeyId: AKID, secretAccessKey: secret }, region: spec.region, service: spec.service, sha256: NodeSha256 });
  const signed = await signer.sign(
    { method: spec.method, protocol: 'http:', hostname: '127.0.0.1', port: 4566, path, query: spec.query, headers: { host: '127.0.0.1:4566', ...spec.headers }, body: spec.body },
    { signingDate: spec.date },
  );
  const qs = Object.entries(spec.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { method: spec.method, target: qs ? `${path}?${qs}` : path, headers: { ...signed.headers }, body: spec.body };
}

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const spec: fc.Arbitrary<Spec> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  segments: fc.array(fc.oneof(text.filter((s) => s.length > 0), fc.constantFrom('.', '..', 'a b', 'x~y')), { maxLength: 4 }),
  trailingSlash: fc.boolean(),
  query: fc.dictionary(text.filter((k) => k.toLowerCase() !== 'x-amz-signature'), text, { maxKeys: 4 }),
  headers: fc.dictionary(token.filter((h) => h.startsWith('x-') === false && !['host', 'authorization', 'user-agent', 'connection', 'expect', 'from', 'te', 'trailer', 'upgrade', 'referer', 'pragma'].includes(h)), fc.stringMatching(/^[ -~]{0,20}$/), { maxKeys: 3 }),
  body: text,
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-northeast-1'),
  service: fc.constantFrom('ec2', 'ssm', 'sts', 'elasticfilesystem', 'ecs'),
  date: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
});

type Tamper = (r: WireRequest) => { req: WireRequest; secret?: string };
const header = (r: WireRequest, name: string): string => String(r.headers[name] ?? '');
const withAuth = (r: WireRequest, f: (auth: string) => string): WireRequest => ({ ...r, headers: { ...r.headers, authorization: f(header(r, 'authorization')) } });
const tampers: Record<string, Tamper> = {
  method: (r) => ({ req: { ...r, method: r.method === 'POST' ? 'PUT' : 'POST' } }),
  path: (r) => {
    const [p, q] = r.target.split('?');
    return { req: { ...r, target: `${p!.endsWith('/') ? p : `${p}/`}tampered${q === undefined ? '' : `?${q}`}` } };
  },
  query: (r) => ({ req: { ...r, target: `${r.target}${r.target.includes('?') ? '&' : '?'}tampered=1` } }),
  'signed header': (r) => {
    const auth = parseAuthorization(header(r, 'authorization'))!;
    const name = auth.signedHeaders.find((h) => h !== 'host' && h !== 'x-amz-date' && h !== 'x-amz-content-sha256') ?? 'host';
    return { req: { ...r, headers: { ...r.headers, [name]: `${header(r, name)}x` } } };
  },
  body: (r) => ({ req: { ...r, body: `${String(r.body)}x` } }),
  date: (r) => {
    const d = header(r, 'x-amz-date');
    const next = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)) + 1000);
    return { req: { ...r, headers: { ...r.headers, 'x-amz-date': next.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '') } } };
  },
  region: (r) => ({ req: withAuth(r, (a) => a.replace(/\/(us-east-1|eu-west-1|ap-northeast-1)\//, (_m, reg: string) => (reg === 'eu-west-1' ? '/us-east-1/' : '/eu-west-1/'))) }),
  secret: (r) => ({ req: r, secret: `${SECRET}!` }),
  signature: (r) => ({ req: withAuth(r, (a) => a.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`)) }),
};

describe('the emulator SigV4 verifier (sigv4.ts) against the SDK signer', () => {
  it('accepts every request @smithy/signature-v4 signs, exactly as signed', async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        expect(verifySignature(await sign(s), SECRET)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each(Object.keys(tampers))('refuses any tampering with the %s', async (what) => {
    await fc.assert(
      fc.asyncProperty(spec, async (s) => {
        const { req, secret } = tampers[what]!(await sign(s));
        expect(verifySignature(req, secret ?? SECRET)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses SignedHeaders out of order or without host / x-amz-date, and a scope date that is not X-Amz-Date day', async () => {
    const base = await sign({ method: 'POST', segments: [], trailingSlash: false, query: {}, headers: { 'content-type': 'text/plain' }, body: 'b', region: 'us-east-1', service: 'ec2', date: new Date() });
    const unsorted = withAuth(base, (a) => a.replace(/SignedHeaders=([^,]+)/, (_m, h: string) => `SignedHeaders=${h.split(';').reverse().join(';')}`));
    expect(verifySignature(unsorted, SECRET)).toBe(false);
    const noHost = withAuth(base, (a) => a.replace('host;', ''));
    expect(verifySignature(noHost, SECRET)).toBe(false);
    const otherDay = withAuth(base, (a) => a.replace(/\/(\d{8})\//, '/19990101/'));
    expect(verifySignature(otherDay, SECRET)).toBe(false);
  });
});

describe('SigV4 refusals through the real SDK clients', () => {
  let emu: AwsEmulator;
  const saved = { ...process.env };

  beforeAll(async () => {
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
  });
  afterAll(async () => {
    await emu?.close();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  type Conf = { region?: string; secret?: string; accessKeyId?: string; maxAttempts?: number };
  function clients(c: Conf = {}) {
    const env = emu.env();
    const config = {
      region: c.region ?? emu.region,
      maxAttempts: c.maxAttempts ?? 1,
      credentials: { accessKeyId: c.accessKeyId ?? env.AWS_ACCESS_KEY_ID, secretAccessKey: c.secret ?? env.AWS_SECRET_ACCESS_KEY },
    };
    return { ec2: new EC2Client(config), ssm: new SSMClient(config), sts: new STSClient(config) };
  }
  type Failure = { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  async function failures(c: Conf): Promise<Record<'ec2' | 'ssm' | 'sts', [string, number | undefined, string]>> {
    const k = clients(c);
    const fail = async (p: Promise<unknown>): Promise<[string, number | undefined, string]> => {
      try {
        await p;
        return ['succeeded', 200, ''];
      } catch (e) {
        const f = e as Failure;
        return [f.name, f.$metadata?.httpStatusCode, f.message];
      }
    };
    try {
      return {
        ec2: await fail(k.ec2.send(new DescribeInstancesCommand({}))),
        ssm: await fail(k.ssm.send(new DescribeInstanceInformationCommand({}))),
        sts: await fail(k.sts.send(new GetCallerIdentityCommand({}))),
      };
    } finally {
      for (const x of Object.values(k)) x.destroy();
    }
  }

  it('the right secret passes on every service', async () => {
    const r = await failures({});
    expect([r.ec2[0], r.ssm[0], r.sts[0]]).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('a wrong secret: EC2 AuthFailure 401, SSM InvalidSignatureException 400, STS SignatureDoesNotMatch 403', async () => {
    const r = await failures({ secret: 'not-the-secret' });
    expect(r.ec2).toEqual(['AuthFailure', 401, 'AWS was not able to validate the provided access credentials']);
    expect(r.ssm.slice(0, 2)).toEqual(['InvalidSignatureException', 400]);
    expect(r.ssm[2]).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(r.sts.slice(0, 2)).toEqual(['SignatureDoesNotMatch', 403]);
  });

  it('an access key id the emulator never issued, until the test registers it', async () => {
    const r = await failures({ accessKeyId: 'AKIANEVERISSUED00001', secret: 's3cret' });
    expect(r.ec2.slice(0, 2)).toEqual(['AuthFailure', 401]);
    expect(r.ssm).toEqual(['UnrecognizedClientException', 400, 'The security token included in the request is invalid.']);
    expect(r.sts.slice(0, 2)).toEqual(['InvalidClientTokenId', 403]);
    emu.credentials.add('AKIANEVERISSUED00001', 's3cret');
    const ok = await failures({ accessKeyId: 'AKIANEVERISSUED00001', secret: 's3cret' });
    expect([ok.ec2[0], ok.ssm[0], ok.sts[0]]).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('a credential scope for another region is refused with "Credential should be scoped to a valid region"', async () => {
    const r = await failures({ region: 'ap-southeast-2' });
    expect(r.ec2.slice(0, 2)).toEqual(['AuthFailure', 401]);
    expect(r.ssm.slice(0, 2)).toEqual(['InvalidSignatureException', 400]);
    expect(r.sts.slice(0, 2)).toEqual(['SignatureDoesNotMatch', 403]);
    for (const x of [r.ec2, r.ssm, r.sts]) expect(x[2]).toBe("Credential should be scoped to a valid region, not 'ap-southeast-2'. ");
  });

  it('a clock 10 minutes off is refused once (RequestExpired / "Signature expired"), then the SDK corrects its skew from the Date header', async () => {
    // The machine's clock is 10 minutes behind AWS's.
    emu.scenario.clockOffsetMs(10 * 60_000);
    try {
      // One attempt: the first call of each client gets the service's skew error...
      const k = clients({ maxAttempts: 1 });
      try {
        const first = await Promise.allSettled([
          k.ec2.send(new DescribeInstancesCommand({})),
          k.ssm.send(new DescribeInstanceInformationCommand({})),
          k.sts.send(new GetCallerIdentityCommand({})),
        ]);
        const why = first.map((s) => (s.status === 'rejected' ? [(s.reason as Failure).name, (s.reason as Failure).$metadata?.httpStatusCode, (s.reason as Failure).message] : ['succeeded']));
        expect(why[0]).toEqual(['RequestExpired', 400, 'Request has expired.']);
        expect(why[1]!.slice(0, 2)).toEqual(['InvalidSignatureException', 400]);
        expect(why[1]![2]).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
        expect(why[2]!.slice(0, 2)).toEqual(['SignatureDoesNotMatch', 403]);
        // ...and the SDK took AWS's time from its Date header: the next call of the same client passes.
        expect(k.ec2.config.systemClockOffset).toBeGreaterThan(9 * 60_000);
        await k.ec2.send(new DescribeInstancesCommand({}));
        await k.ssm.send(new DescribeInstanceInformationCommand({}));
        await k.sts.send(new GetCallerIdentityCommand({}));
      } finally {
        for (const x of Object.values(k)) x.destroy();
      }
      // With retries (the SDK default), the correction happens within the one call; a clock ahead too.
      emu.scenario.clockOffsetMs(-10 * 60_000);
      const retried = await failures({ maxAttempts: 3 });
      expect([retried.ec2[0], retried.ssm[0], retried.sts[0]]).toEqual(['succeeded', 'succeeded', 'succeeded']);
      // Without a retry, the error says why: "not yet current" for a clock ahead.
      const ahead = await failures({});
      expect(ahead.ssm[2]).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    } finally {
      emu.scenario.clockOffsetMs(0);
    }
  });

  it('temporary credentials from STS are verified with the secret STS issued', async () => {
    emu.identity.addRole({ arn: 'arn:aws:iam::123456789012:role/sigv4-test' });
    const k = clients();
    try {
      const c = (await k.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/sigv4-test', RoleSessionName: 'sigv4' }))).Credentials!;
      const ok = new EC2Client({ region: emu.region, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
      const bad = new EC2Client({ region: emu.region, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: `${c.SecretAccessKey!}x`, sessionToken: c.SessionToken! } });
      try {
        await ok.send(new DescribeInstancesCommand({}));
        await expect(bad.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: 'AuthFailure' });
      } finally {
        ok.destroy();
        bad.destroy();
      }
    } finally {
      for (const x of Object.values(k)) x.destroy();
    }
  });
});

describe("Warren with a machine clock 10 minutes off AWS's", () => {
  const WEB = 'i-0c10c0ff5e7000001';
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let home: TempDir;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await makeTempDir('warren-sigv4-clock-');
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    emu.addInstance({ id: WEB, name: 'web', state: 'running' });
    // AWS's clock is 10 minutes ahead of this machine's for the whole daemon's life (the SDK keeps
    // the offset it learnt in its long-lived clients).
    emu.scenario.clockOffsetMs(10 * 60_000);
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    const awsEnv = emu.env() as unknown as Record<string, string>;
    const sshConfig = path.join(home.path, 'ssh_config');
    await fs.writeFile(sshConfig, '');
    env = cliEnv(home.path, sshConfig, awsEnv);
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshConfig, env: awsEnv });
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await emu?.close();
    await home?.remove();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("still works: the SDK corrects its skew from the refusal's Date header and retries", async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(WEB);
    // AWS refused the first try as expired, as it does for a skewed clock; the retry passed.
    const tries = emu.calls.filter((c) => c.action === 'DescribeInstances').map((c) => c.error ?? 'ok');
    expect(tries).toEqual(['RequestExpired', 'ok']);
    // The learnt offset sticks: the next command is accepted at once.
    expect((await runWarren(env, ['ec2', 'instances', '--json'])).code).toBe(0);
    expect(emu.calls.filter((c) => c.action === 'DescribeInstances').map((c) => c.error ?? 'ok')).toEqual(['RequestExpired', 'ok', 'ok']);
  }, 30_000);
});
