import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OnlineWatcher, cameOnline } from './network-watch.js';

describe('cameOnline', () => {
  it('property: true exactly on the offline → online edge', () => {
    fc.assert(fc.property(fc.boolean(), fc.boolean(), (was, is) => cameOnline(was, is) === (!was && is)));
  });
});

describe('OnlineWatcher', () => {
  it('polls and reports each return of connectivity once, and stops when disposed', async () => {
    let online = true;
    let reports = 0;
    const watcher = new OnlineWatcher({ isOnline: () => online, onOnline: () => reports++, intervalMs: 5 });
    try {
      online = false;
      await new Promise((r) => setTimeout(r, 30));
      expect(reports).toBe(0);
      online = true;
      for (let i = 0; i < 200 && reports === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(reports).toBe(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(reports).toBe(1);
      online = false;
      watcher.check();
      online = true;
      watcher.check();
      expect(reports).toBe(2);
    } finally {
      watcher.dispose();
    }
    online = false;
    await new Promise((r) => setTimeout(r, 20));
    online = true;
    await new Promise((r) => setTimeout(r, 20));
    expect(reports).toBe(2);
  });

  it('survives a reader that throws and keeps its last known state', () => {
    let fail = false;
    let online = false;
    let reports = 0;
    const watcher = new OnlineWatcher({
      isOnline: () => {
        if (fail) throw new Error('net module not ready');
        return online;
      },
      onOnline: () => reports++,
      intervalMs: 1_000,
    });
    fail = true;
    expect(() => watcher.check()).not.toThrow();
    fail = false;
    online = true;
    watcher.check();
    expect(reports).toBe(1);
    watcher.dispose();
  });
});
