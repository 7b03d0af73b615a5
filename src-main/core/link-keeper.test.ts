// The reconnector's policy, checked on the real LinkKeeper with virtual time: a transport that
// fails a scripted number of times, a link that can die or go silent. (The same keeper against a
// real sshd is covered in e2e/integration/reconnect.test.ts.)
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, WarrenError, type ConnectionState } from '../../src-shared/api/index.js';
import { baseDelay } from '../../src-shared/logic/backoff.js';
import { LinkKeeper, type LinkKeeperOptions, type LinkUser } from './link-keeper.js';
import type { Link } from './link.js';
import { reconnectPolicy } from './reconnect-policy.js';

/** A link whose liveness the test controls. */
class ScriptedLink implements Link {
  readonly key = 'test:link';
  closed = false;
  silent = false;
  /** Probes sent while silent: the keeper must give up after exactly maxMissedProbes of them. */
  unanswered = 0;
  private readonly events = new EventEmitter();
  async openStream(): Promise<Duplex> {
    return new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
  }
  probe(timeoutMs: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('closed'));
    if (!this.silent) return Promise.resolve(1);
    this.unanswered++;
    return new Promise((_, reject) => setTimeout(() => reject(new Error('probe timeout')), timeoutMs));
  }
  onClose(listener: (err?: Error) => void): () => void {
    this.events.on('close', listener);
    return () => this.events.off('close', listener);
  }
  die(err = new Error('connection reset')): void {
    this.closed = true;
    this.events.emit('close', err);
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.events.emit('close');
  }
}

function recorder() {
  const calls: string[] = [];
  const user: LinkUser = {
    linkUp: (_l, re) => calls.push(re ? 'up-again' : 'up'),
    linkDown: () => calls.push('down'),
    linkFailed: (e) => calls.push(`failed:${(e as WarrenError).code ?? (e as Error).message}`),
  };
  return { calls, user };
}

/** A keeper on `connect` with slow probes and 1-2-4-8-16 s backoff unless overridden. */
function keeperOn(connect: () => Promise<Link>, overrides: Partial<LinkKeeperOptions> = {}): LinkKeeper {
  return new LinkKeeper({
    key: 'k',
    connect,
    policy: () => reconnectPolicy(1000, 16_000, 0, true),
    probeIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    maxMissedProbes: 2,
    onState: () => undefined,
    ...overrides,
  });
}

describe('LinkKeeper (monitor + reconnector)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries transient failures with the backoff schedule and gives up after max_retries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10 }), async (maxRetries, failures) => {
        const attemptsAt: number[] = [];
        const states: ConnectionState[] = [];
        const t0 = Date.now();
        const keeper = keeperOn(
          async () => {
            attemptsAt.push(Date.now() - t0);
            if (attemptsAt.length <= failures) throw new WarrenError(ErrorCode.ConnectionFailed, 'refused');
            return new ScriptedLink();
          },
          { policy: () => reconnectPolicy(1000, 16_000, maxRetries, true), onState: (s) => states.push(s), random: () => 0 /* exact schedule */ },
        );
        const { calls, user } = recorder();
        keeper.add(user);
        await vi.advanceTimersByTimeAsync(200_000);
        const expectSuccess = failures <= maxRetries;
        expect(attemptsAt.length).toBe(expectSuccess ? failures + 1 : maxRetries + 1);
        // gaps between attempts follow 1, 2, 4, 8, 16 s (capped)
        for (let i = 1; i < attemptsAt.length; i++) expect(attemptsAt[i]! - attemptsAt[i - 1]!).toBe(baseDelay(i - 1, reconnectPolicy(1000, 16_000, 0, true).backoff));
        if (expectSuccess) {
          expect(calls.at(-1)).toBe('up');
          expect(states.at(-1)).toBe('connected');
        } else {
          expect(calls.filter((c) => c.startsWith('failed')).length).toBe(1);
          expect(states.at(-1)).toBe('error');
        }
        await keeper.dispose();
      }),
      { numRuns: 40 },
    );
  });

  it('never retries what retrying cannot fix (unknown host key)', async () => {
    let attempts = 0;
    const keeper = keeperOn(async () => {
      attempts++;
      throw new WarrenError(ErrorCode.HostKeyUnknown, 'unknown host key');
    });
    const { calls, user } = recorder();
    keeper.add(user);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toBe(1);
    expect(calls).toEqual([`failed:${ErrorCode.HostKeyUnknown}`]);
  });

  it('a link that dies is retried at once; a silent one is declared dead after two missed probes', async () => {
    const links: ScriptedLink[] = [];
    const keeper = keeperOn(
      async () => {
        const l = new ScriptedLink();
        links.push(l);
        return l;
      },
      { probeIntervalMs: 1500, probeTimeoutMs: 1500, probeMinTimeoutMs: 500 },
    );
    const { calls, user } = recorder();
    keeper.add(user);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toEqual(['up']);

    links[0]!.die();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toEqual(['up', 'down', 'up-again']);

    await vi.advanceTimersByTimeAsync(5000); // a few good probes: the timeout adapts to the RTT
    expect(keeper.probeTimeout()).toBe(500);
    links[1]!.silent = true;
    const silentAt = Date.now();
    while (calls.length < 5 && Date.now() - silentAt < 10_000) await vi.advanceTimersByTimeAsync(50);
    expect(calls).toEqual(['up', 'down', 'up-again', 'down', 'up-again']);
    expect(links[1]!.unanswered).toBe(2);
    // at most one interval until the next probe, then two adapted timeouts
    expect(Date.now() - silentAt).toBeLessThanOrEqual(1500 + 2 * 500 + 50);
    await keeper.dispose();
  });

  it('nudge() skips the wait of a scheduled retry (network change, resume)', async () => {
    let attempts = 0;
    const keeper = keeperOn(
      async () => {
        attempts++;
        if (attempts < 3) throw new WarrenError(ErrorCode.ConnectionFailed, 'no route');
        return new ScriptedLink();
      },
      { policy: () => reconnectPolicy(30_000, 60_000, 0, true) },
    );
    const { calls, user } = recorder();
    keeper.add(user);
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(1);
    keeper.nudge();
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(2);
    keeper.nudge();
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(3);
    expect(calls.at(-1)).toBe('up');
    await keeper.dispose();
  });

  it('records each link with why it came up, its connect time and its probe round trips', async () => {
    const rows: Array<{ id: number; reason: string; connectMs: number; closed?: { samples: number; reason: string } }> = [];
    let link = new ScriptedLink();
    const keeper = keeperOn(async () => link, {
      probeIntervalMs: 1000,
      recorder: {
        opened: (_l, reason, connectMs) => rows.push({ id: rows.length, reason, connectMs }) - 1,
        closed: (id, rtt, reason) => void (rows[id]!.closed = { samples: rtt.samples, reason }),
      },
    });
    const a = recorder();
    keeper.add(a.user);
    await vi.advanceTimersByTimeAsync(3500);
    link.die();
    link = new ScriptedLink();
    await vi.advanceTimersByTimeAsync(10);
    // Everyone leaves, then a new start: a fresh connect, not a reconnect.
    keeper.remove(a.user);
    await vi.advanceTimersByTimeAsync(10);
    link = new ScriptedLink();
    const b = recorder();
    keeper.add(b.user);
    await vi.advanceTimersByTimeAsync(10);
    expect(rows.map((r) => r.reason)).toEqual(['connect', 'reconnect', 'connect']);
    expect(rows[0]!.closed).toEqual({ samples: 3, reason: 'connection reset' });
    expect(rows[1]!.closed?.reason).toBe('stopped');
    expect(rows[2]!.closed).toBeUndefined();
    for (const r of rows) expect(r.connectMs).toBeGreaterThanOrEqual(0);
    await keeper.dispose();
  });
});
