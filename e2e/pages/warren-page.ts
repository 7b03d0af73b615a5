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

export interface TunnelFormInput {
  router: string;
  source: string;
  bind: string;
  name?: string;
  protocol?: 'tcp' | 'udp';
  /** Pin of the router key ("SHA256:…"). */
  routerKey?: string;
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

  // ── conduit tunnels and routers ──────────────────────────────────────────────────────────────
  tunnelForm(): Locator {
    return this.page.getByTestId('tunnel-form');
  }
  /** A row's "protocol bind → router → source" text. */
  tunnelRoute(name: string): Locator {
    return this.page.getByTestId(`tunnel-route-${name}`);
  }
  rowError(name: string): Locator {
    return this.page.getByTestId(`forward-error-${name}`);
  }

  /** Open the conduit tunnel form and fill it; does not submit. */
  async fillTunnelForm(input: TunnelFormInput): Promise<void> {
    await this.page.getByTestId('add-tunnel').click();
    const form = this.tunnelForm();
    await expect(form).toBeVisible();
    await form.getByTestId('tunnel-router').fill(input.router);
    await form.getByTestId('tunnel-source').fill(input.source);
    await form.getByTestId('tunnel-bind').fill(input.bind);
    await form.getByTestId('tunnel-name').fill(input.name ?? '');
    await form.getByTestId('tunnel-protocol').selectOption(input.protocol ?? 'tcp');
    await form.getByTestId('tunnel-router-key').fill(input.routerKey ?? '');
  }

  /** Submit and wait until the daemon has answered (the form closes, or shows why not). */
  async submitTunnelForm(): Promise<void> {
    await this.tunnelForm().getByTestId('tunnel-submit').click();
    await expect(this.tunnelForm().getByTestId('tunnel-connecting')).toHaveCount(0, { timeout: 30_000 });
  }

  /** Add a conduit tunnel through the form (conduit.start) and wait for its row. */
  async addTunnel(input: TunnelFormInput & { name: string }): Promise<void> {
    await this.fillTunnelForm(input);
    await this.submitTunnelForm();
    await expect(this.tunnelForm()).toBeHidden();
    await expect(this.row(input.name)).toBeVisible();
  }

  async openRouters(): Promise<void> {
    await this.page.getByTestId('tab-routers').click();
    await expect(this.page.getByTestId('routers-panel')).toBeVisible();
  }

  async openForwards(): Promise<void> {
    await this.page.getByTestId('tab-forwards').click();
  }

  /** A router's card in the Routers view, by its address as the tunnel names it. */
  router(address: string): Locator {
    return this.page.getByTestId(`router-${address}`);
  }

  // ── EC2 instances, SSM forwards and diagnostics ─────────────────────────────────────────────────
  async openInstances(): Promise<void> {
    await this.page.getByTestId('tab-instances').click();
    await expect(this.page.getByTestId('instances-panel')).toBeVisible();
  }
  instance(id: string): Locator {
    return this.page.getByTestId(`instance-row-${id}`);
  }
  connectForm(): Locator {
    return this.page.getByTestId('connect-form');
  }
  diagnosePanel(): Locator {
    return this.page.getByTestId('diagnose-panel');
  }

  /** "Connect…" on an instance's row, fill the form, submit, and wait for the daemon's answer. */
  async connectInstance(id: string, input: { localPort: number; remotePort: number; remoteHost?: string; name?: string }): Promise<void> {
    await this.page.getByTestId(`instance-connect-${id}`).click();
    const form = this.connectForm();
    await expect(form).toBeVisible();
    await form.getByTestId('connect-local-port').fill(String(input.localPort));
    await form.getByTestId('connect-remote-port').fill(String(input.remotePort));
    await form.getByTestId('connect-remote-host').fill(input.remoteHost ?? '');
    await form.getByTestId('connect-name').fill(input.name ?? '');
    await form.getByTestId('connect-submit').click();
    await expect(form.getByTestId('connect-connecting')).toHaveCount(0, { timeout: 30_000 });
  }

  /** "Diagnose" on an instance's row, pick the mode, run, and wait for the report. */
  async diagnose(id: string, mode: 'preventive' | 'full' = 'preventive'): Promise<Locator> {
    await this.page.getByTestId(`instance-diagnose-${id}`).click();
    const panel = this.diagnosePanel();
    await expect(panel).toBeVisible();
    await panel.getByTestId('diag-mode').selectOption(mode);
    await panel.getByTestId('diag-run').click();
    await expect(panel.getByTestId('diag-likelihood')).toBeVisible({ timeout: 30_000 });
    return panel;
  }
}
