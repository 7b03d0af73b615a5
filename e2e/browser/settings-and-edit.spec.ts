// Editing a forward (forward.update) and the reconnect settings panel (config.get / config.update),
// both kept by the daemon across a page reload.
import { freePort } from '../fixtures/ports.js';
import { expect, test } from './fixtures.js';

test('edit a forward: rename it and change its port', async ({ warren, daemon, echo, page }) => {
  await warren.open(daemon.url);
  const port = await freePort();
  await warren.addForward({ name: 'web', host: 'fixture', type: 'local', localPort: port, remoteHost: '127.0.0.1', remotePort: echo.port });

  const newPort = await freePort();
  await page.getByTestId('forward-edit-web').click();
  const form = warren.form();
  await expect(form.getByTestId('form-name')).toHaveValue('web');
  await form.getByTestId('form-name').fill('web2');
  await form.getByTestId('form-local-port').fill(String(newPort));
  await form.getByTestId('form-auto-connect').check();
  await warren.submitForm();
  await expect(form).toBeHidden();
  await expect(warren.row('web')).toHaveCount(0);
  await expect(warren.row('web2')).toContainText(`:${newPort} → 127.0.0.1:${echo.port}`);
  await expect(warren.row('web2')).toContainText('auto');

  await page.reload();
  await expect(warren.row('web2')).toContainText(`:${newPort}`);
});

test('reconnect settings are validated, saved and kept', async ({ warren, daemon, page }) => {
  await warren.open(daemon.url);
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-max-retries').fill('-3');
  await page.getByTestId('settings-initial-delay').fill('soon');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error-max-retries')).toBeVisible();
  await expect(page.getByTestId('settings-error-initial-delay')).toBeVisible();
  await expect(page.getByTestId('settings-saved')).toHaveCount(0);

  await page.getByTestId('settings-max-retries').fill('7');
  await page.getByTestId('settings-initial-delay').fill('2s');
  await page.getByTestId('settings-max-delay').fill('30s');
  await page.getByTestId('settings-enabled').uncheck();
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();

  // After a reload (token kept in this tab's session storage) the daemon returns what was saved.
  await page.reload();
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('settings-max-retries')).toHaveValue('7');
  await expect(page.getByTestId('settings-initial-delay')).toHaveValue('2s');
  await expect(page.getByTestId('settings-max-delay')).toHaveValue('30s');
  await expect(page.getByTestId('settings-enabled')).not.toBeChecked();
});
