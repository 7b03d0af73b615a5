import { PassThrough, type Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RenewingLink, type SessionLink } from './renewing-link.js';

/** A session link with in-memory streams: enough to watch where connections go and what is closed. */
class FakeSession implements SessionLink {
  readonly key = 'ssm:fake';
  readonly mode = 'mux';
  closed = false;
  closedBy: 'us' | 'service' | undefined;
  readonly streams: Duplex[] = [];
  private readonly listeners = new Set<(err?: Error) => void>();
  constructor(readonly sessionId: string) {}
  async openStream(): Promise<Duplex> {
    if (this.closed) throw new Error(`${this.sessionId} is closed`);
    const s = new PassThrough();
    this.streams.push(s);
    return s;
  }
  async probe(): Promise<number> {
    return 1;
  }
  onClose(l: (err?: Error) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async close(): Promise<void> {
    this.end('us');
  }
  /** The service ends the session (maximum duration, network loss…). */
  end(by: 'us' | 'service' = 'service'): void {
    if (this.closed) return;
    this.closed = true;
    this.closedBy = by;
    for (const s of this.streams) s.destroy();
    for (const l of [...this.listeners]) l(by === 'service' ? new Error('session ended by the service') : undefined);
  }
}

function setup(opts: { lifeMs: number; renewBeforeMs: number; failOpens?: number }) {
  let n = 0;
  let failures = opts.failOpens ?? 0;
  const sessions: FakeSession[] = [new FakeSession('s0')];
  const link = new RenewingLink<FakeSession>({
    first: sessions[0]!,
    deadline: async (openedAt) => openedAt + opts.lifeMs,
    renewBeforeMs: () => opts.renewBeforeMs,
    open: async () => {
      if (failures > 0) {
        failures--;
        throw new Error('StartSession failed');
      }
      const s = new FakeSession(`s${++n}`);
      sessions.push(s);
      return s;
    },
  });
  return { link, sessions };
}

const target = { host: 'localhost', port: 80 };

describe('RenewingLink (make-before-break)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens the replacement renew_before the deadline and sends new connections to it', async () => {
    vi.useFakeTimers();
    const { link, sessions } = setup({ lifeMs: 60_000, renewBeforeMs: 10_000 });
    const renewed = vi.fn();
    link.onRenewed(renewed);
    const closed = vi.fn();
    link.onClose(closed);
    await vi.advanceTimersByTimeAsync(0);
    expect(link.renewAt).toBeGreaterThan(Date.now() + 49_000);
    await vi.advanceTimersByTimeAsync(49_000);
    expect(link.sessionId).toBe('s0');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(link.sessionId).toBe('s1');
    expect(renewed).toHaveBeenCalledTimes(1);
    // The old session had no connection: it is terminated at once, and the link did not close.
    expect(sessions[0]!.closedBy).toBe('us');
    expect(closed).not.toHaveBeenCalled();
    expect(link.closed).toBe(false);
    await link.openStream(target);
    expect(sessions[1]!.streams).toHaveLength(1);
    await link.close();
  });

  it('lets open connections finish on the old session, then terminates it', async () => {
    vi.useFakeTimers();
    const { link, sessions } = setup({ lifeMs: 20_000, renewBeforeMs: 5_000 });
    const early = await link.openStream(target);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(link.sessionId).toBe('s1');
    expect(sessions[0]!.closed).toBe(false);
    early.write('still here');
    expect(early.read()?.toString()).toBe('still here');
    early.destroy();
    await vi.advanceTimersByTimeAsync(0);
    expect(sessions[0]!.closedBy).toBe('us');
    await link.close();
  });

  it('a retiring session ending does not close the link; the current one ending does', async () => {
    vi.useFakeTimers();
    const { link, sessions } = setup({ lifeMs: 20_000, renewBeforeMs: 5_000 });
    const closed = vi.fn();
    link.onClose(closed);
    await link.openStream(target);
    await vi.advanceTimersByTimeAsync(15_000);
    sessions[0]!.end('service'); // its maximum duration
    expect(closed).not.toHaveBeenCalled();
    sessions[1]!.end('service');
    expect(closed).toHaveBeenCalledTimes(1);
    expect(closed.mock.calls[0]![0]).toBeInstanceOf(Error);
    expect(link.closed).toBe(true);
  });

  it('keeps replacing, session after session', async () => {
    vi.useFakeTimers();
    const { link } = setup({ lifeMs: 10_000, renewBeforeMs: 2_000 });
    await vi.advanceTimersByTimeAsync(8_000);
    expect(link.sessionId).toBe('s1');
    await vi.advanceTimersByTimeAsync(8_000);
    expect(link.sessionId).toBe('s2');
    expect(link.renewals).toBe(2);
    await link.close();
  });

  it('retries a failed replacement while the old session has time', async () => {
    vi.useFakeTimers();
    const { link } = setup({ lifeMs: 120_000, renewBeforeMs: 60_000, failOpens: 2 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(link.sessionId).toBe('s0');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(link.sessionId).toBe('s1');
    await link.close();
  });

  it('never renews before half the session life, so short deadlines do not loop', async () => {
    vi.useFakeTimers();
    const { link } = setup({ lifeMs: 4_000, renewBeforeMs: 60_000 });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(link.sessionId).toBe('s0');
    await vi.advanceTimersByTimeAsync(1);
    expect(link.sessionId).toBe('s1');
    await link.close();
  });

  it('close() terminates current and retiring sessions and stops renewing', async () => {
    vi.useFakeTimers();
    const { link, sessions } = setup({ lifeMs: 20_000, renewBeforeMs: 5_000 });
    await link.openStream(target);
    await vi.advanceTimersByTimeAsync(15_000);
    const closed = vi.fn();
    link.onClose(closed);
    await link.close();
    expect(sessions.map((s) => s.closedBy)).toEqual(['us', 'us']);
    expect(closed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sessions).toHaveLength(2);
    await expect(link.openStream(target)).rejects.toThrow(/closed/);
  });

  it('no deadline: never replaces', async () => {
    vi.useFakeTimers();
    const first = new FakeSession('only');
    const open = vi.fn();
    const link = new RenewingLink<FakeSession>({ first, deadline: async () => undefined, renewBeforeMs: () => 1000, open });
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(open).not.toHaveBeenCalled();
    expect(link.renewAt).toBeUndefined();
    await link.close();
  });
});
