import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EfsScheduler } from './scheduler.js';

interface Deferred {
  resolve(): void;
  promise: Promise<void>;
}
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { resolve, promise };
};

function setup(autoResolve = false) {
  const runs: Array<{ name: string; done: Deferred }> = [];
  const running = new Set<string>();
  const log = { info: vi.fn(), warn: vi.fn() };
  const scheduler = new EfsScheduler({
    run: (name) => {
      const done = deferred();
      running.add(name);
      runs.push({ name, done });
      if (autoResolve) done.resolve();
      return done.promise.finally(() => running.delete(name));
    },
    isRunning: (name) => running.has(name),
    log,
  });
  return { scheduler, runs, running, log };
}

describe('EfsScheduler', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('runs each enabled scaler every interval, not before the first interval', async () => {
    const { scheduler, runs } = setup(true);
    scheduler.set('a', { enabled: true, intervalMs: 60_000 });
    scheduler.set('b', { enabled: true, intervalMs: 90_000 });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.map((r) => r.name)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(120_000); // to 180 s: b at 90, a at 120, a and b at 180
    expect(runs.map((r) => r.name)).toEqual(['a', 'b', 'a', 'a', 'b']);
    await scheduler.stop();
  });

  it('skips a tick while a run of that scaler is under way, and records nothing for it', async () => {
    const { scheduler, runs, running, log } = setup();
    scheduler.set('a', { enabled: true, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000); // three ticks during the slow run
    expect(runs).toHaveLength(1);
    expect(log.info).toHaveBeenCalledTimes(3);
    expect(log.info.mock.calls[0]![1]).toMatch(/skipped/);
    runs[0]!.done.resolve();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(2);

    // A manual run counts too.
    runs[1]!.done.resolve();
    await vi.advanceTimersByTimeAsync(0);
    running.add('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(2);
    running.delete('a');
    await scheduler.stop();
  });

  it('turning a schedule off (or removing it) stops its runs; changing the interval re-arms it', async () => {
    const { scheduler, runs } = setup();
    scheduler.set('a', { enabled: true, intervalMs: 1000 });
    expect(scheduler.nextRunAt('a')).toBe(Date.now() + 1000);
    scheduler.set('a', { enabled: false, intervalMs: 1000 });
    expect(scheduler.nextRunAt('a')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toEqual([]);
    scheduler.set('a', { enabled: true, intervalMs: 2000 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);
    runs[0]!.done.resolve();
    scheduler.remove('a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(1);
    expect(scheduler.scheduled()).toEqual([]);
    await scheduler.stop();
  });

  it('a run that cannot start is logged and the schedule carries on', async () => {
    const log = { info: vi.fn(), warn: vi.fn() };
    let calls = 0;
    const run = async (): Promise<void> => {
      if (calls++ === 0) throw new Error('no such scaler');
    };
    const scheduler = new EfsScheduler({ run, isRunning: () => false, log });
    scheduler.set('a', { enabled: true, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toBe(2);
    expect(log.warn).toHaveBeenCalledTimes(1);
    await scheduler.stop();
  });

  it('stop clears every timer and waits for the runs it started; nothing is armed afterwards', async () => {
    const { scheduler, runs } = setup();
    scheduler.set('a', { enabled: true, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the run is still under way
    runs[0]!.done.resolve();
    await stopping;
    expect(stopped).toBe(true);
    scheduler.set('b', { enabled: true, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
