import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertSender, type Alert } from './alerts.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** A real HTTP receiver on loopback. `statuses` are answered in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const down: Alert = {
  kind: 'source_down',
  subject: 'db',
  message: 'every endpoint of db failed its checks <10.0.0.1:5432>',
  at: new Date('2025-03-01T12:00:00.000Z'),
  details: { endpoints: ['10.0.0.1:5432'], failures: 3 },
};

describe('AlertSender', () => {
  it('posts the generic JSON and the Slack format to real receivers', async () => {
    const hook = await receiver();
    const slack = await receiver();
    closers.push(hook.close, slack.close);
    const sender = new AlertSender({ routerName: 'edge-1', webhookUrl: `${hook.url}/hook`, slackWebhookUrl: `${slack.url}/services/T/B/secret` });
    const outcome = await sender.send(down);
    expect(outcome).toMatchObject({ delivered: true, attempts: 2 });
    expect(hook.received).toEqual([
      {
        path: '/hook',
        contentType: 'application/json',
        body: { event: 'source_down', router: 'edge-1', subject: 'db', message: down.message, timestamp: '2025-03-01T12:00:00.000Z', details: { endpoints: ['10.0.0.1:5432'], failures: 3 } },
      },
    ]);
    const body = slack.received[0]!.body as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: unknown[] }[] };
    expect(slack.received[0]!.path).toBe('/services/T/B/secret');
    expect(body.text).toContain(':red_circle:');
    expect(body.text).toContain('edge-1');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining(':red_circle: *Source down: db*') } });
    expect(body.blocks[0]!.text!.text).toContain('&lt;10.0.0.1:5432&gt;'); // escaped for mrkdwn
    expect(body.blocks[1]!.fields).toHaveLength(2);
    expect(body.blocks.at(-1)!.type).toBe('context');

    await sender.send({ ...down, kind: 'source_up', message: 'back' });
    expect((slack.received[1]!.body as { text: string }).text).toContain(':large_green_circle:');
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const hook = await receiver([500, 503]);
    closers.push(hook.close);
    const sender = new AlertSender({ routerName: 'r', webhookUrl: hook.url, retryDelayMs: 10 });
    const outcome = await sender.send(down);
    expect(outcome).toMatchObject({ delivered: true, attempts: 3 });
    expect(hook.received).toHaveLength(3);
  });

  it('gives up after the retries, does not retry a 4xx, never throws on a dead endpoint', async () => {
    const hook = await receiver([500, 500, 500, 500]);
    closers.push(hook.close);
    const sender = new AlertSender({ routerName: 'r', webhookUrl: hook.url, retryDelayMs: 5, retries: 2 });
    expect(await sender.send(down)).toMatchObject({ delivered: false, attempts: 3, error: expect.stringContaining('HTTP 500') });

    const refusing = await receiver([404]);
    closers.push(refusing.close);
    const s2 = new AlertSender({ routerName: 'r', webhookUrl: refusing.url, retryDelayMs: 5 });
    expect(await s2.send(down)).toMatchObject({ delivered: false, attempts: 1, error: expect.stringContaining('HTTP 404') });

    const gone = await receiver();
    await gone.close();
    const s3 = new AlertSender({ routerName: 'r', webhookUrl: `${gone.url}/services/secret-path`, retryDelayMs: 5, retries: 1 });
    const outcome = await s3.send(down);
    expect(outcome).toMatchObject({ delivered: false, attempts: 2 });
    expect(outcome.error).not.toContain('secret-path');
  });

  it('holds back a repeat within the cooldown, but a flip goes out at once', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    let now = 1_000_000;
    const sender = new AlertSender({ routerName: 'r', webhookUrl: hook.url, cooldownMs: 60_000, now: () => now });
    expect((await sender.send(down)).delivered).toBe(true);
    now += 10_000;
    expect(await sender.send(down)).toMatchObject({ delivered: false, attempts: 0, skipped: 'cooldown' });
    expect((await sender.send({ ...down, subject: 'web' })).delivered).toBe(true); // another subject
    expect((await sender.send({ ...down, kind: 'source_up' })).delivered).toBe(true); // flipped
    expect((await sender.send(down)).delivered).toBe(true); // flipped back
    now += 59_999;
    expect((await sender.send(down)).skipped).toBe('cooldown');
    now += 1;
    expect((await sender.send(down)).delivered).toBe(true);
    expect(hook.received.map((r) => (r.body as { event: string; subject: string }).event)).toEqual(['source_down', 'source_down', 'source_up', 'source_down', 'source_down']);
  });

  it('an alert that reached nobody does not start a cooldown', async () => {
    const hook = await receiver([400]);
    closers.push(hook.close);
    const sender = new AlertSender({ routerName: 'r', webhookUrl: hook.url });
    expect((await sender.send(down)).delivered).toBe(false);
    expect((await sender.send(down)).delivered).toBe(true);
  });

  it('close() abandons a retry wait; no target or a bad URL are handled', async () => {
    const hook = await receiver([500]);
    closers.push(hook.close);
    const sender = new AlertSender({ routerName: 'r', webhookUrl: hook.url, retryDelayMs: 10_000 });
    const pending = sender.send(down);
    await new Promise((r) => setTimeout(r, 50));
    sender.close();
    expect(await pending).toMatchObject({ delivered: false, attempts: 1 });
    expect(await sender.send(down)).toMatchObject({ skipped: 'closed' });
    expect(await new AlertSender({ routerName: 'r' }).send(down)).toMatchObject({ delivered: false, skipped: 'no_target' });
    expect(() => new AlertSender({ routerName: 'r', webhookUrl: 'ftp://x/y' })).toThrow(/http/);
  });
});
