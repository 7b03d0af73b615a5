// Browser mode end to end with a real Conduit router in the test process: the daemon's own client
// key (made in its $WARREN_HOME before it starts) is authorised on the router; a user adds a tunnel
// through the form, pushes bytes through it, reads the router's health and this client's traffic in
// the Routers view, and stops it. A source the router does not grant is refused with 3003's message.
import fs from 'node:fs';
import path from 'node:path';
import type { ConduitIdentity } from '../../src-main/transports/conduit/identity/index.js';
import { createKeyFile } from '../../src-main/transports/conduit/identity/index.js';
import { clientSpec, startTestRouter, type TestRouter } from '../fixtures/conduit-router.js';
import { canConnect, freePort } from '../fixtures/ports.js';
import { startEchoServer } from '../integration/helpers/echo-server.js';
import { connectThrough, echoThrough } from '../integration/helpers/traffic.js';
import { expect, runBrowserDaemon, test as base } from './fixtures.js';

const test = base.extend<{ clientKey: ConduitIdentity; router: TestRouter }>({
  /** The daemon's conduit key, where `warren conduit init` would put it. */
  clientKey: async ({ home }, use) => {
    await use(createKeyFile(path.join(home.path, 'keys', 'conduit.key')));
  },
  /** A router that lets this client reach the echo server, and nothing else. */
  router: async ({ clientKey, echo }, use) => {
    const router = await startTestRouter({
      clients: [clientSpec({ name: 'warren-e2e', identity: clientKey, allow: [`127.0.0.1:${echo.port}`] })],
      health: { intervalMs: 500, timeoutMs: 1000 },
    });
    await use(router);
    await router.stop();
  },
  // Conduit needs no sshd: an empty ssh config, and the key in place before the daemon starts.
  daemon: async ({ home, clientKey }, use, testInfo) => {
    void clientKey;
    const sshConfig = path.join(home.path, 'ssh_config');
    fs.writeFileSync(sshConfig, '');
    await runBrowserDaemon(home.path, sshConfig, use, testInfo);
  },
});

test('add a conduit tunnel from the form, carry bytes, read the router, stop it', async ({ warren, daemon, router, echo, clientKey, page }) => {
  await warren.open(daemon.url);
  const bind = await freePort();
  await warren.addTunnel({ name: 'echo-tunnel', router: router.address, source: `127.0.0.1:${echo.port}`, bind: `127.0.0.1:${bind}`, routerKey: router.identity.fingerprint });

  // conduit.start answers once the link is up.
  await warren.expectStatus('echo-tunnel', 'active');
  await expect(page.getByTestId('group-conduit')).toBeVisible();
  await expect(warren.row('echo-tunnel')).toHaveAttribute('data-kind', 'conduit');
  await expect(warren.tunnelRoute('echo-tunnel')).toHaveText(`tcp 127.0.0.1:${bind} → ${router.address} → 127.0.0.1:${echo.port}`);
  await expect(page.getByTestId('summary')).toHaveText('1/1 active');

  const size = 256 * 1024;
  const sock = await connectThrough(bind);
  const result = await echoThrough(sock, size);
  sock.destroy();
  expect(result).toMatchObject({ bytes: size, intact: true });
  await expect.poll(async () => (await warren.bytes('echo-tunnel')).sent, { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect.poll(async () => (await warren.bytes('echo-tunnel')).received, { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect(page.getByTestId('forward-bytes-echo-tunnel')).toContainText('256 KiB');
  await page.screenshot({ path: '/tmp/warren-tunnels.png' });

  await warren.openRouters();
  await expect(page.getByTestId('conduit-key-fingerprint')).toHaveText(clientKey.fingerprint);
  const card = warren.router(router.address);
  await expect(card.getByTestId('router-state')).toHaveAttribute('data-state', 'connected');
  await expect(card.getByTestId('router-fingerprint')).toHaveText(router.identity.fingerprint);
  await expect(card.getByTestId('router-tunnels')).toHaveText('echo-tunnel');
  await expect(card.getByTestId('router-rtt')).toHaveText(/ms$/);
  // The router's own report over the tunnel, refreshed while the view is open.
  await expect(card.getByTestId('router-health')).toHaveAttribute('data-status', 'ok');
  const endpoint = card.getByTestId(`endpoint-127.0.0.1:${echo.port}`);
  await expect(endpoint.getByTestId('endpoint-status')).toHaveAttribute('data-value', 'up');
  await expect(endpoint.getByTestId('endpoint-circuit')).toHaveAttribute('data-value', 'closed');
  const client = card.getByTestId('router-client');
  await expect.poll(async () => Number(await client.getAttribute('data-bytes-in')), { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect.poll(async () => Number(await client.getAttribute('data-bytes-out')), { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect(card.getByTestId('router-client-key')).toHaveAttribute('data-key-status', 'current');
  await expect(card.getByTestId('router-client-warning')).toHaveCount(0);
  await page.screenshot({ path: '/tmp/warren-routers.png', fullPage: true });

  await warren.openForwards();
  await warren.toggle('echo-tunnel').click();
  await warren.expectStatus('echo-tunnel', 'stopped');
  await expect(warren.toggle('echo-tunnel')).toHaveText('Start');
  await expect.poll(() => canConnect(bind)).toBe(false);
});

test('a source the router does not grant is refused with the 3003 message', async ({ warren, daemon, router, page }) => {
  const secret = await startEchoServer();
  try {
    await warren.open(daemon.url);
    const bind = await freePort();
    const source = `127.0.0.1:${secret.port}`;
    await warren.fillTunnelForm({ name: 'secret', router: router.address, source, bind: `127.0.0.1:${bind}`, routerKey: router.identity.fingerprint });
    await warren.submitTunnelForm();
    const refusal = `does not allow this client to reach ${source}`;
    // The daemon asks the router at start (CHECK, nothing dialed): the form shows the refusal.
    await expect(page.getByTestId('tunnel-form-error')).toContainText('SourceNotAllowed (3003)');
    await expect(page.getByTestId('tunnel-form-error')).toContainText(refusal);
    await expect(page.getByTestId('tunnel-form-error')).toContainText('authorized_clients');
    expect(secret.connections).toBe(0);
  } finally {
    await secret.close();
  }
});

test('the form checks fields, shows the daemon refusing a wrong router key, and Remove deletes a tunnel', async ({ warren, daemon, router, echo, clientKey, page }) => {
  await warren.open(daemon.url);
  await warren.fillTunnelForm({ router: 'nowhere', source: '', bind: '127.0.0.1:70000', routerKey: 'SHA256:nope' });
  await warren.submitTunnelForm();
  await expect(page.getByTestId('tunnel-error-router')).toBeVisible();
  await expect(page.getByTestId('tunnel-error-source')).toBeVisible();
  await expect(page.getByTestId('tunnel-error-bind')).toBeVisible();
  await expect(page.getByTestId('tunnel-error-router_key')).toContainText('SHA256');
  await page.getByTestId('tunnel-cancel').click();

  // A pin that is not the router's key: 3001, shown in the form with the daemon's explanation.
  await warren.fillTunnelForm({ name: 'pinned', router: router.address, source: `127.0.0.1:${echo.port}`, bind: `127.0.0.1:${await freePort()}`, routerKey: clientKey.fingerprint });
  await warren.submitTunnelForm();
  await expect(page.getByTestId('tunnel-form-error')).toContainText('RouterKeyMismatch (3001)');
  await expect(page.getByTestId('tunnel-form-error')).toContainText(`not the pinned ${clientKey.fingerprint}`);
  await expect(page.getByTestId('tunnel-error-router_key')).toBeVisible();
  await page.getByTestId('tunnel-cancel').click();
  await warren.expectStatus('pinned', 'error');

  // Name left empty: the daemon names it <routerhost>-<bindport>; a bare port binds loopback.
  const bind = await freePort();
  await warren.fillTunnelForm({ router: router.address, source: `127.0.0.1:${echo.port}`, bind: String(bind) });
  await warren.submitTunnelForm();
  await expect(warren.tunnelForm()).toBeHidden();
  const name = `127.0.0.1-${bind}`;
  await warren.expectStatus(name, 'active');
  await page.getByTestId(`forward-delete-${name}`).click();
  await expect(page.getByTestId('confirm-dialog')).toContainText(`Remove tunnel ${name}?`);
  await page.getByTestId('confirm-accept').click();
  await expect(warren.row(name)).toBeHidden();
  await expect.poll(() => canConnect(bind)).toBe(false);
});
