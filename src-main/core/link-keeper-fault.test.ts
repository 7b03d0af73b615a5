// A LinkKeeper is the fault owner of everything its connect starts: an error nobody caught in that
// work (reported by the crash guard through fault-context) fails the link and its users go to
// `error` with the reason — whether it strikes mid-connect or on the established link.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { faultOwner, type FaultOwner } from './fault-context.js';
import { LinkKeeper, type LinkUser } from './link-keeper.js';
import type { Link } from './link.js';
import { reconnectPolicy } from './reconnect-policy.js';

class StubLink implements Link {
  readonly key = 'test:link';
  closed = false;
  private readonly events = new EventEmitter();
  async openStream(): Promise<Duplex> {
    return new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
  }
  probe(): Promise<number> {
    return Promise.resolve(1);
  }
  onClose(listener: (err?: Error) => void): () => void {
    this.events.on('close', listener);
    return () => this.events.off('close', listener);
  }
  async close(): Promise<void> {
    this.closed = true;
    this.events.emit('close');
  }
}

function keeperWith(connect: (signal: AbortSignal) => Promise<Link>): { keeper: LinkKeeper; calls: string[]; user: LinkUser } {
  const calls: string[] = [];
  const user: LinkUser = {
    linkUp: () => calls.push('up'),
    linkDown: (e) => calls.push(`down:${e?.message}`),
    linkFailed: (e) => calls.push(`failed:${(e as Error).message}`),
  };
  const keeper = new LinkKeeper({
    key: 'k',
    connect,
    policy: () => reconnectPolicy(1000, 16_000, 0, true),
    probeIntervalMs: 60_000,
    probeTimeoutMs: 1000,
    maxMissedProbes: 2,
    onState: () => undefined,
  });
  return { keeper, calls, user };
}

describe('LinkKeeper as fault owner', () => {
  it('an uncaught error in a connect in flight aborts it and fails the users', () => {
    let owner: FaultOwner | undefined;
    let signal: AbortSignal | undefined;
    const { keeper, calls, user } = keeperWith((s) => {
      signal = s;
      owner = faultOwner(); // what a socket callback inside the connect sees when the guard asks
      return new Promise(() => undefined);
    });
    keeper.add(user);
    expect(owner?.label).toBe('link k');
    owner?.fail(new Error('unhandled ssh2 error'));
    expect(signal?.aborted).toBe(true);
    expect(calls).toEqual(['failed:unhandled ssh2 error']);
    expect(keeper.state).toBe('error');
  });

  it('an uncaught error on the established link closes it; users see it go down, then fail', async () => {
    const link = new StubLink();
    let owner: FaultOwner | undefined;
    const { keeper, calls, user } = keeperWith(async () => {
      owner = faultOwner();
      return link;
    });
    const up = new Promise<void>((resolve) => {
      const linkUp = user.linkUp.bind(user);
      user.linkUp = (l, re) => {
        linkUp(l, re);
        resolve();
      };
    });
    keeper.add(user);
    await up;
    owner?.fail(new Error('bug in a stream callback'));
    expect(link.closed).toBe(true);
    expect(calls).toEqual(['up', 'down:bug in a stream callback', 'failed:bug in a stream callback']);
    expect(keeper.state).toBe('error');
    expect(keeper.lastError).toBe('bug in a stream callback');
  });
});
