// The design's EventBridge rule, in the app: each scaler whose schedule is on runs every `interval`.
// A tick that finds a run of that scaler still under way (a slow count, a long wait, a manual run)
// is skipped — logged, not recorded — rather than queued, so runs never pile up. stop() clears every
// timer and waits for the runs the schedule started (the caller aborts them first).
import type { Log } from '../../log.js';

export interface SchedulerDeps {
  /** Start a scheduled run of the scaler; resolves when it has ended (its result is stored elsewhere). */
  run(name: string): Promise<unknown>;
  /** Whether a run of the scaler is under way (whoever started it). */
  isRunning(name: string): boolean;
  log: Pick<Log, 'info' | 'warn'>;
  now?: () => number;
}

interface Entry {
  timer: NodeJS.Timeout;
  intervalMs: number;
  nextAt: number;
}

export class EfsScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly started = new Set<Promise<void>>();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Arm (or re-arm with a new interval) or disarm the schedule of a scaler. */
  set(name: string, schedule: { enabled: boolean; intervalMs: number }): void {
    const old = this.entries.get(name);
    if (old && schedule.enabled && old.intervalMs === schedule.intervalMs) return; // unchanged: keep the phase
    this.remove(name);
    if (!schedule.enabled || this.stopped) return;
    const intervalMs = Math.max(1000, schedule.intervalMs);
    const entry: Entry = {
      intervalMs,
      nextAt: this.now() + intervalMs,
      timer: setInterval(() => {
        entry.nextAt = this.now() + intervalMs;
        this.tick(name);
      }, intervalMs),
    };
    entry.timer.unref?.();
    this.entries.set(name, entry);
  }

  remove(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    clearInterval(e.timer);
    this.entries.delete(name);
  }

  /** When the scaler's schedule fires next (ms since the epoch), if it is on. */
  nextRunAt(name: string): number | undefined {
    return this.entries.get(name)?.nextAt;
  }

  scheduled(): string[] {
    return [...this.entries.keys()];
  }

  private tick(name: string): void {
    if (this.stopped) return;
    if (this.deps.isRunning(name)) {
      this.deps.log.info({ scaler: name }, 'efs schedule: a run is still under way; this tick is skipped');
      return;
    }
    const p = this.deps
      .run(name)
      .then(() => undefined)
      .catch((e: unknown) => this.deps.log.warn({ scaler: name, err: e instanceof Error ? e.message : String(e) }, 'efs schedule: the run could not start'))
      .finally(() => this.started.delete(p));
    this.started.add(p);
  }

  /** Clear every timer and wait for the runs the schedule started. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const name of [...this.entries.keys()]) this.remove(name);
    await Promise.all([...this.started]);
  }
}
