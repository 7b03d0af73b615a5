// The real SDK v3 clients built by aws-clients.ts, pointed at a local HTTP server only through the
// SDK's standard settings (AWS_ENDPOINT_URL_<SERVICE>, AWS_CONFIG_FILE): requests arrive SigV4
// signed with the credentials the chain found (env keys, or a profile's credential_process) for the
// region the profile names, in each service's own wire protocol (EC2 query/XML, SSM JSON 1.1).
import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { StartSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClientCache, createAwsClients } from './aws-clients.js';

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('AWS clients', () => {
  let server: http.Server;
  let port: number;
  const seen: Seen[] = [];
  const saved = { ...process.env };
  let dir: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        if (String(req.headers['x-amz-target'] ?? '') === 'AmazonSSM.StartSession') {
          res.setHeader('content-type', 'application/x-amz-json-1.1');
          res.end(JSON.stringify({ SessionId: 's-1', TokenValue: 'tok', StreamUrl: 'ws://127.0.0.1:1/v1/data-channel/s-1' }));
          return;
        }
        res.setHeader('content-type', 'text/xml');
        res.end(
          '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><reservationSet><item><reservationId>r-0</reservationId><instancesSet><item><instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>',
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warren-aws-'));
  });
  afterEach(() => {
    seen.length = 0;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  function isolate(extra: Record<string, string>): void {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, {
      AWS_CONFIG_FILE: path.join(dir, 'none-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
      ...extra,
    });
  }

  it('signs EC2 query and SSM JSON 1.1 calls with env credentials and sends them to the configured endpoint', async () => {
    isolate({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-2' });
    const aws = createAwsClients({});
    try {
      const out = await aws.ec2.send(new DescribeInstancesCommand({}));
      expect(out.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe('i-0123456789abcdef0');
      expect(seen[0]?.body).toContain('Action=DescribeInstances');
      expect(String(seen[0]?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDENV\/\d{8}\/us-east-2\/ec2\/aws4_request/);

      const s = await aws.ssm.send(new StartSessionCommand({ Target: 'i-0123456789abcdef0', DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['22'], localPortNumber: ['0'] } }));
      expect(s.SessionId).toBe('s-1');
      const call = seen.find((x) => x.headers['x-amz-target'] === 'AmazonSSM.StartSession')!;
      expect(JSON.parse(call.body)).toMatchObject({ Target: 'i-0123456789abcdef0', DocumentName: 'AWS-StartPortForwardingSession' });
      expect(String(call.headers.authorization)).toContain('/us-east-2/ssm/aws4_request');
    } finally {
      aws.destroy();
    }
  });

  it("takes a profile's region and credential_process, and shares clients per (profile, region)", async () => {
    const proc = path.join(dir, 'creds.mjs');
    await fs.writeFile(proc, "console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDPROC', SecretAccessKey: 'x', SessionToken: 't' }));\n");
    await fs.writeFile(path.join(dir, 'config'), `[profile dev]\nregion = eu-west-1\ncredential_process = ${process.execPath} ${proc}\n`);
    isolate({ AWS_CONFIG_FILE: path.join(dir, 'config') });
    const cache = new AwsClientCache();
    try {
      const aws = cache.get({ profile: 'dev' });
      expect(cache.get({ profile: 'dev' })).toBe(aws);
      expect(cache.get({ profile: 'dev', region: 'us-west-2' })).not.toBe(aws);
      await aws.ec2.send(new DescribeInstancesCommand({}));
      expect(String(seen[0]?.headers.authorization)).toMatch(/Credential=AKIDPROC\/\d{8}\/eu-west-1\/ec2\/aws4_request/);
      expect(seen[0]?.headers['x-amz-security-token']).toBe('t');
    } finally {
      cache.destroy();
    }
  });
});
