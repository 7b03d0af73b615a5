// Stopping a router drains: open streams may finish within the drain time, new streams are refused
// with a reason, and the client's link then closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';

describe('router shutdown', () => {
  let echo: EchoServer;
  let r: TestRouter;
  const alice = testClient('alice', ['127.0.0.1:*']);

  beforeAll(async () => {
    echo = await startEchoServer();
    r = await startTestRouter({ clients: [clientSpec(alice)] });
  });
  afterAll(async () => {
    await r?.stop();
    await echo?.close();
  });

  it('lets an open stream finish, refuses new ones, then closes the link', async () => {
    const link = await dialRouter(r, staticKeys(alice.identity));
    const open = await link.openStream({ host: '127.0.0.1', port: echo.port });
    const closed = new Promise<void>((res) => link.onClose(() => res()));
    const stopping = r.router.stop(3000);
    // During the drain the open stream still echoes…
    const echoed = await new Promise<string>((res, rej) => {
      open.once('data', (c: Buffer) => res(c.toString()));
      open.once('error', rej);
      open.write('still here');
    });
    expect(echoed).toBe('still here');
    // …and a new stream is refused with the reason.
    const refused = await link.openStream({ host: '127.0.0.1', port: echo.port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WarrenError);
    expect((refused as WarrenError).message).toMatch(/shutting down/);
    expect((refused as WarrenError).code).toBe(ErrorCode.ConnectionFailed);
    open.end();
    open.resume();
    await stopping;
    await closed;
    expect(link.closed).toBe(true);
  });
});
