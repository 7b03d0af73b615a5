// Browser mode end to end: the real daemon serves the UI; a user adds a forward to a real sshd,
// starts it, pushes bytes through it, watches the live figures, and stops it.
import net from 'node:net';
import { startBadSshPeer } from '../fixtures/bad-ssh-peer.js';
import { canConnect, freePort } from '../fixtures/ports.js';
import { expect, test } from './fixtures.js';

/** Send `size` bytes through the forward and read them all back from the echo server. */
async function echoThrough(port: number, size: number): Promise<number> {
  const sock = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const payload = Buffer.alloc(size, 0x5a);
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    sock.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got >= size) resolve();
    });
    sock.once('error', reject);
    sock.once('close', () => (got >= size ? resolve() : reject(new Error(`connection closed after ${got} of ${size} bytes`))));
  });
  sock.write(payload);
  await done;
  sock.destroy();
  return got;
}

test('add, start, carry bytes, stop a forward from the browser', async ({ warren, daemon, echo, page }) => {
  await warren.open(daemon.url);
  // The token moved out of the address bar into this tab's storage.
  expect(page.url()).not.toContain('token');
  await expect(warren.host('fixture')).toBeVisible();

  const localPort = await freePort();
  await warren.addForward({ name: 'echo', host: 'fixture', type: 'local', localPort, remoteHost: '127.0.0.1', remotePort: echo.port });
  await warren.expectStatus('echo', 'stopped');
  await expect(warren.row('echo')).toContainText(`:${localPort} → 127.0.0.1:${echo.port}`);

  await warren.toggle('echo').click();
  await warren.expectStatus('echo', 'active');
  await expect(warren.hostState('fixture')).toContainText('connected');
  await expect(warren.toggle('echo')).toHaveText('Stop');

  const size = 256 * 1024;
  expect(await echoThrough(localPort, size)).toBe(size);
  // event.metrics (every second) carries the counters to the page; no reload, no polling by the page.
  await expect.poll(async () => (await warren.bytes('echo')).sent, { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect.poll(async () => (await warren.bytes('echo')).received, { timeout: 10_000 }).toBeGreaterThanOrEqual(size);
  await expect(page.getByTestId('forward-bytes-echo')).toContainText('256 KiB');

  await page.screenshot({ path: '/tmp/warren-ui.png' });

  await warren.toggle('echo').click();
  await warren.expectStatus('echo', 'stopped');
  await expect(warren.toggle('echo')).toHaveText('Start');
  // The local port is released once stopped.
  await expect.poll(() => canConnect(localPort)).toBe(false);
});

test('Stop works while a forward is starting: a host that never answers the handshake is given up on', async ({ warren, daemon, sshd, page }) => {
  const silent = await startBadSshPeer('silent');
  try {
    // A host that accepts TCP and never speaks; its handshake would only time out after a minute.
    await sshd.writeClientConfig(['Host mute', '  HostName 127.0.0.1', `  Port ${silent.port}`, '  ConnectTimeout 60', ''].join('\n'));
    await warren.open(daemon.url);
    await page.getByTestId('hosts-reload').click();
    await expect(warren.host('mute')).toBeVisible();
    const localPort = await freePort();
    await warren.addForward({ name: 'mute', host: 'mute', type: 'local', localPort, remoteHost: '127.0.0.1', remotePort: 9 });

    await warren.toggle('mute').click();
    await warren.expectStatus('mute', 'starting');
    await expect.poll(() => silent.bytesReceived).toBeGreaterThan(0); // mid-handshake
    await expect(warren.toggle('mute')).toHaveText('Stop');
    await expect(warren.toggle('mute')).toBeEnabled();
    await warren.toggle('mute').click();
    await warren.expectStatus('mute', 'stopped');
    await expect(warren.toggle('mute')).toHaveText('Start');
    await expect.poll(() => silent.open).toBe(0);
    await expect.poll(() => canConnect(localPort)).toBe(false);
  } finally {
    await silent.close();
  }
});

test('the form checks fields itself and shows the daemon refusing a duplicate name', async ({ warren, daemon, echo, page }) => {
  await warren.open(daemon.url);
  await warren.fillAddForm({ host: 'fixture', type: 'local', localPort: 'abc', remotePort: '' });
  await warren.submitForm();
  await expect(page.getByTestId('form-error-local_port')).toBeVisible();
  await expect(page.getByTestId('form-error-remote_port')).toContainText('remote_port');
  await page.getByTestId('form-cancel').click();

  const first = await freePort();
  await warren.addForward({ name: 'dup', host: 'fixture', type: 'local', localPort: first, remoteHost: '127.0.0.1', remotePort: echo.port });
  await warren.fillAddForm({ name: 'dup', host: 'fixture', type: 'local', localPort: await freePort(), remoteHost: '127.0.0.1', remotePort: echo.port });
  await warren.submitForm();
  await expect(page.getByTestId('form-error')).toContainText('1005');
  await expect(page.getByTestId('form-error-name')).toBeVisible();
  await page.getByTestId('form-cancel').click();

  await warren.deleteForward('dup');
});

test('shows a banner when the daemon goes away', async ({ warren, daemon }) => {
  await warren.open(daemon.url);
  await expect(warren.host('fixture')).toBeVisible();
  await daemon.stop();
  await expect(warren.banner()).toContainText('Reconnecting to Warren');
});
