// Connectivity watching for the Electron host. Electron has no network-change event in the main
// process (powerMonitor covers sleep/resume only; `net.isOnline()` is a value, not an event), so we
// poll `net.isOnline()` and report the moment connectivity comes back. Changes of the machine's
// addresses (Wi-Fi switch, VPN up/down) are caught by the engine itself (core/system-watch.ts, which
// also runs in the headless daemon); this adds what only Chromium knows: "offline → online" with
// the same addresses, e.g. a Wi-Fi that reassociates or a cable plugged back in.
// Electron-free: the reader is passed in.

/** Report only the offline → online edge: retrying while offline just burns attempts. */
export function cameOnline(wasOnline: boolean, isOnline: boolean): boolean {
  return !wasOnline && isOnline;
}

export interface OnlineWatcherOptions {
  isOnline(): boolean;
  onOnline(): void;
  intervalMs?: number;
}

export class OnlineWatcher {
  private timer: NodeJS.Timeout | undefined;
  private online: boolean;

  constructor(private readonly options: OnlineWatcherOptions) {
    this.online = safeRead(options.isOnline) ?? true;
    this.timer = setInterval(() => this.check(), options.intervalMs ?? 2_000);
    // The watcher must never be what keeps the process alive.
    this.timer.unref();
  }

  /** Re-read now (also called on resume, when connectivity has very likely changed). */
  check(): void {
    const next = safeRead(this.options.isOnline);
    if (next === undefined) return;
    const edge = cameOnline(this.online, next);
    this.online = next;
    if (edge) this.options.onOnline();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function safeRead(read: () => boolean): boolean | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
