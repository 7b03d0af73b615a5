// The tray: draws the TrayModel's view (rules with live state, Open, Start at login, Quit) onto an
// Electron Tray and routes clicks. The menu's content is decided by buildTrayMenu (pure, shared);
// the data comes through the API like for any other face (an in-process client).
import { Menu, Notification, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Dispatcher } from '../api/dispatcher.js';
import { createInProcessClient } from '../api/in-process-client.js';
import type { TrayAction, TrayIconState, TrayMenuItem } from '../../src-shared/domain/tray-menu.js';
import { TrayModel, viewOf, type TrayView } from './tray-model.js';

export interface WarrenTrayOptions {
  dispatcher: Dispatcher;
  iconPath(state: TrayIconState): string;
  startAtLogin: { supported: boolean; get(): Promise<boolean>; set(enabled: boolean): Promise<void> };
  onOpen(): void;
  onQuit(): void;
  log: { warn(obj: Record<string, unknown>, msg: string): void };
}

export class WarrenTray {
  private readonly tray: Tray;
  private readonly client: ReturnType<typeof createInProcessClient>;
  private readonly model: TrayModel;
  private lastIcon: TrayIconState | undefined;
  private disposed = false;

  constructor(private readonly options: WarrenTrayOptions) {
    this.client = createInProcessClient(options.dispatcher, 'internal');
    this.tray = new Tray(nativeImage.createFromPath(options.iconPath('idle')));
    // Windows: a left click opens the window (the menu is on right click). macOS and Linux show the
    // menu on click, so there is nothing to add there.
    if (process.platform === 'win32') this.tray.on('click', () => options.onOpen());
    this.model = new TrayModel({
      client: this.client,
      startAtLogin: options.startAtLogin,
      onChange: (view) => this.render(view),
      log: options.log,
    });
    this.render(viewOf({ rules: [], sessions: [], startAtLogin: 'unsupported', engineReady: false }));
  }

  start(): Promise<void> {
    return this.model.start();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
    this.client.dispose();
    this.tray.destroy();
  }

  private render(view: TrayView): void {
    if (this.disposed) return;
    this.tray.setContextMenu(Menu.buildFromTemplate(view.items.map((item) => this.toTemplate(item))));
    if (view.icon !== this.lastIcon) {
      this.tray.setImage(nativeImage.createFromPath(this.options.iconPath(view.icon)));
      this.lastIcon = view.icon;
    }
    this.tray.setToolTip(view.tooltip);
  }

  private toTemplate(item: TrayMenuItem): MenuItemConstructorOptions {
    if (item.kind === 'separator') return { id: item.id, type: 'separator' };
    const action = item.action;
    const click = action ? { click: () => void this.act(action) } : {};
    if (item.kind === 'checkbox') return { id: item.id, type: 'checkbox', label: item.label, enabled: item.enabled, checked: item.checked, ...click };
    return { id: item.id, type: 'normal', label: item.label, enabled: item.enabled, ...click };
  }

  private async act(action: TrayAction): Promise<void> {
    let problem: string | undefined;
    switch (action.type) {
      case 'open':
        this.options.onOpen();
        return;
      case 'quit':
        this.options.onQuit();
        return;
      case 'set-start-at-login':
        try {
          await this.options.startAtLogin.set(action.enabled);
        } catch (e) {
          problem = `Could not change start at login: ${e instanceof Error ? e.message : String(e)}`;
        }
        this.model.scheduleRefresh(0);
        break;
      case 'start':
      case 'stop':
        problem = await this.model.perform(action);
        break;
    }
    if (problem) {
      this.options.log.warn({ action }, problem);
      if (Notification.isSupported()) new Notification({ title: 'Warren', body: problem }).show();
    }
  }
}
