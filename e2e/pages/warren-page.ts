// Page object for the Warren window (browser mode or Electron): what a user does, by data-testid.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ForwardType, SessionStatus } from '../../src-shared/api/index.js';

export interface ForwardFormInput {
  host: string;
  type: ForwardType;
  localPort: number | string;
  remoteHost?: string;
  remotePort?: number | string;
  name?: string;
  autoConnect?: boolean;
}

export class WarrenPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByTestId('connection-banner')).toBeHidden();
  }

  host(name: string): Locator {
    return this.page.getByTestId(`host-row-${name}`);
  }
  hostState(name: string): Locator {
    return this.page.getByTestId(`host-state-${name}`);
  }
  banner(): Locator {
    return this.page.getByTestId('connection-banner');
  }
  row(name: string): Locator {
    return this.page.getByTestId(`forward-row-${name}`);
  }
  status(name: string): Locator {
    return this.page.getByTestId(`forward-status-${name}`);
  }
  toggle(name: string): Locator {
    return this.page.getByTestId(`forward-toggle-${name}`);
  }
  form(): Locator {
    return this.page.getByTestId('forward-form');
  }

  async expectStatus(name: string, status: SessionStatus, timeout?: number): Promise<void> {
    await expect(this.status(name)).toHaveAttribute('data-status', status, timeout === undefined ? {} : { timeout });
  }

  /** Raw byte counters of a row (the cell shows them in human units and carries the numbers). */
  async bytes(name: string): Promise<{ sent: number; received: number }> {
    const cell = this.page.getByTestId(`forward-bytes-${name}`);
    return { sent: Number(await cell.getAttribute('data-sent')), received: Number(await cell.getAttribute('data-received')) };
  }

  /** Open the add form and fill it; does not submit. */
  async fillAddForm(input: ForwardFormInput): Promise<void> {
    await this.page.getByTestId('add-forward').click();
    const form = this.form();
    await expect(form).toBeVisible();
    await form.getByTestId('form-host').selectOption(input.host);
    await form.getByTestId('form-type').selectOption(input.type);
    await form.getByTestId('form-local-port').fill(String(input.localPort));
    if (input.name !== undefined) await form.getByTestId('form-name').fill(input.name);
    if (input.type !== 'dynamic') {
      await form.getByTestId('form-remote-host').fill(input.remoteHost ?? 'localhost');
      await form.getByTestId('form-remote-port').fill(input.remotePort === undefined ? '' : String(input.remotePort));
    }
    await form.getByTestId('form-auto-connect').setChecked(input.autoConnect ?? false);
  }

  async submitForm(): Promise<void> {
    await this.form().getByTestId('form-submit').click();
  }

  /** Add a forward through the form and wait for its row. */
  async addForward(input: ForwardFormInput & { name: string }): Promise<void> {
    await this.fillAddForm(input);
    await this.submitForm();
    await expect(this.form()).toBeHidden();
    await expect(this.row(input.name)).toBeVisible();
  }

  async deleteForward(name: string): Promise<void> {
    await this.page.getByTestId(`forward-delete-${name}`).click();
    await this.page.getByTestId('confirm-accept').click();
    await expect(this.row(name)).toBeHidden();
  }
}
