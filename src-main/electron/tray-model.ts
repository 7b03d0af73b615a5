// What the tray shows, kept up to date, without Electron: reads forward.list + session.list through
// a WarrenClient, re-reads on event.forward / event.ssh (debounced), and turns it into a TrayView via
// the pure buildTrayMenu. tray.ts only draws the view and routes clicks. Tested against a real engine.
import { errorCodeName, isWarrenError, type SessionInfo, type WarrenClient } from '../../src-shared/api/index.js';
import {
  buildTrayMenu,
  trayIconState,
  trayTooltip,
  type TrayIconState,
  type TrayMenuInput,
  type TrayMenuItem,
  type SsmTrayRule,
} from '../../src-shared/domain/tray-menu.js';

export interface TrayView {
  items: TrayMenuItem[];
  icon: TrayIconState;
  tooltip: string;
}

export interface TrayModelOptions {
  client: WarrenClient;
  startAtLogin: { supported: boolean; get(): Promise<boolean> };
  onChange(view: TrayView): void;
  log: { warn(obj: Record<string, unknown>, msg: string): void };
  /** Events come in bursts (a host reconnecting touches each of its forwards): one read per burst. */
  debounceMs?: number;
  retryAfterFailureMs?: number;
}

export function viewOf(input: TrayMenuInput): TrayView {
  return {
    items: buildTrayMenu(input),
    icon: trayIconState(input.sessions),
    tooltip: input.engineReady ? trayTooltip(input.sessions) : 'Warren — engine not responding',
  };
}

export class TrayModel {
  private readonly unlisten: Array<() => void> = [];
  private subscriptionId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: TrayModelOptions) {}

  /** Subscribe to state changes and produce the first view. */
  async start(): Promise<void> {
    const { client } = this.options;
    const onEvent = (): void => this.scheduleRefresh();
    this.unlisten.push(client.on('event.forward', onEvent), client.on('event.ssh', onEvent));
    try {
      this.subscriptionId = (await client.call('events.subscribe', { types: ['forward', 'ssh'] })).subscription_id;
    } catch (e) {
      this.options.log.warn({ err: String(e) }, 'tray could not subscribe to events; it refreshes only after its own actions');
    }
    await this.refresh();
  }

  scheduleRefresh(delayMs: number = this.options.debounceMs ?? 150): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
    this.timer.unref();
  }

  /** Read the engine's state now. Concurrent calls coalesce into one more read after the current one. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again && !this.disposed);
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * Start or stop a rule as the menu asked. Resolves with a message for the user when it failed
   * (the engine's error, named), undefined when it worked.
   */
  async perform(action: { type: 'start' | 'stop'; name: string }): Promise<string | undefined> {
    try {
      if (action.type === 'start') await this.options.client.call('forward.start', { name: action.name });
      else await this.options.client.call('forward.stop', { name: action.name });
      return undefined;
    } catch (e) {
      const what = `${action.type === 'start' ? 'Starting' : 'Stopping'} ${action.name} failed`;
      return isWarrenError(e) ? `${what} (${errorCodeName(e.code)}): ${e.message}` : `${what}: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      // Electron flips a clicked checkbox by itself; redraw from the engine's truth either way.
      this.scheduleRefresh(0);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.unlisten.splice(0)) off();
    const id = this.subscriptionId;
    this.subscriptionId = undefined;
    if (id) void this.options.client.call('events.unsubscribe', { subscription_id: id }).catch(() => undefined);
  }

  private async readOnce(): Promise<void> {
    if (this.disposed) return;
    const startAtLogin = await this.readStartAtLogin();
    let input: TrayMenuInput;
    try {
      const [{ forwards }, { sessions }] = await Promise.all([
        this.options.client.call('forward.list'),
        this.options.client.call('session.list'),
      ]);
      // forward.list is MolePort's (SSH only); conduit tunnels come with their sessions.
      const tunnels = sessions.flatMap((t) =>
        t.kind === 'conduit' ? [{ kind: 'conduit' as const, name: t.name, bind: t.bind, source: t.source, protocol: t.protocol }] : [],
      );
      input = { rules: [...forwards, ...tunnels], sessions, startAtLogin, engineReady: true, recentInstances: await this.readRecentInstances(sessions) };
    } catch (e) {
      this.options.log.warn({ err: String(e) }, 'tray could not read forwards/sessions; retrying');
      input = { rules: [], sessions: [], startAtLogin, engineReady: false };
      this.scheduleRefresh(this.options.retryAfterFailureMs ?? 5_000);
    }
    if (!this.disposed) this.options.onChange(viewOf(input));
  }

  /** SSM forwards ordered by their last connection (ec2.history), then the never-connected by name. */
  private async readRecentInstances(sessions: readonly SessionInfo[]): Promise<SsmTrayRule[]> {
    const ssm = sessions.flatMap((s) =>
      s.kind === 'ssm'
        ? [{ kind: 'ssm' as const, name: s.name, instance_id: s.instance_id, local_port: s.local_port, remote_port: s.remote_port, remote_host: s.remote_host }]
        : [],
    );
    if (ssm.length === 0) return [];
    const order = new Map<string, number>();
    try {
      const { connections } = await this.options.client.call('ec2.history', { limit: 500 });
      for (const c of connections) if (!order.has(c.rule_name)) order.set(c.rule_name, order.size);
    } catch {
      // No history (an older engine): fall back to names only.
    }
    const rank = (name: string): number => order.get(name) ?? Number.MAX_SAFE_INTEGER;
    return ssm.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async readStartAtLogin(): Promise<boolean | 'unsupported'> {
    if (!this.options.startAtLogin.supported) return 'unsupported';
    try {
      return await this.options.startAtLogin.get();
    } catch {
      return 'unsupported';
    }
  }
}
