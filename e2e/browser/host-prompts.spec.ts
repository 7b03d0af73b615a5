// The prompts a real sshd causes: an unknown host key (trust it from the dialog), a changed host
// key (warning, no way to accept), and an encrypted identity file (passphrase → host.unlock).
import { freePort } from '../fixtures/ports.js';
import { expect, test } from './fixtures.js';

const passphrase = 'correct horse battery';
test.use({ sshdOptions: { knownHosts: false, encryptedKeyPassphrase: passphrase } });

test('unknown host key: trust from the dialog and connect; a changed key is refused with a warning', async ({ warren, daemon, sshd, page }) => {
  await warren.open(daemon.url);
  await warren.addForward({ name: 'socks', host: 'fixture', type: 'dynamic', localPort: await freePort() });

  await warren.toggle('socks').click();
  const dialog = page.getByTestId('trust-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('trust-fingerprint')).toHaveText(/^SHA256:[A-Za-z0-9+/]{43}$/);
  await expect(dialog).toContainText(sshd.knownHostsPath);
  await page.getByTestId('trust-accept').click();
  await expect(dialog).toBeHidden();
  await warren.expectStatus('socks', 'active');

  await warren.toggle('socks').click();
  await warren.expectStatus('socks', 'stopped');
  await sshd.rotateHostKey();
  await warren.toggle('socks').click();
  const changed = page.getByTestId('hostkey-changed-dialog');
  await expect(changed).toBeVisible();
  await expect(changed).toContainText('not the one recorded in known_hosts');
  await expect(page.getByTestId('trust-accept')).toHaveCount(0);
  await page.getByTestId('hostkey-changed-close').click();
  await expect(changed).toBeHidden();
  await expect(warren.status('socks')).not.toHaveAttribute('data-status', 'active');
});

test('encrypted identity file: the passphrase prompt unlocks it and the forward starts', async ({ warren, daemon, sshd, page }) => {
  // `locked` logs in with the encrypted key only; the daemon picks it up on Reload.
  await sshd.writeClientConfig(sshd.hostBlock('locked').replace(sshd.userKeyPath, sshd.encryptedKeyPath ?? ''));
  await warren.open(daemon.url);
  await page.getByTestId('hosts-reload').click();
  await expect(warren.host('locked')).toBeVisible();

  await warren.addForward({ name: 'vault', host: 'locked', type: 'dynamic', localPort: await freePort() });
  await warren.toggle('vault').click();
  // Unknown key first (this sshd is not in known_hosts), then the passphrase.
  await page.getByTestId('trust-accept').click();
  const prompt = page.getByTestId('passphrase-dialog');
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText(sshd.encryptedKeyPath ?? '');

  await page.getByTestId('passphrase-input').fill('not it');
  await page.getByTestId('passphrase-submit').click();
  await expect(page.getByTestId('passphrase-error')).toBeVisible();
  await expect(page.getByTestId('passphrase-input')).toHaveValue('');

  await page.getByTestId('passphrase-input').fill(passphrase);
  await page.getByTestId('passphrase-submit').click();
  await expect(prompt).toBeHidden();
  await warren.expectStatus('vault', 'active');
  await expect(warren.hostState('locked')).toContainText('connected');
});
