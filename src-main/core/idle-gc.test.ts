import { describe, expect, it } from 'vitest';
import { IdleCollector } from './idle-gc.js';

describe('IdleCollector', () => {
  it('collects once after traffic has been quiet for the quiet period, not during traffic', () => {
    const c = new IdleCollector(10_000, { rss: () => 50e6, heapSlack: () => 0 });
    let t = 0;
    const tick = (total: number): boolean => c.observe(total, (t += 1000));
    expect(tick(0)).toBe(false);
    for (let i = 1; i <= 20; i++) expect(tick(i * 1000)).toBe(false); // bytes moving
    const results = Array.from({ length: 15 }, () => tick(20_000));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(results.indexOf(true)).toBe(9); // the 10th quiet second
  });

  it('also collects when RSS grew a lot while no bytes moved (API bursts), once', () => {
    let rss = 50e6;
    const c = new IdleCollector(10_000, { rss: () => rss, heapSlack: () => 0 });
    let t = 100_000;
    expect(c.observe(0, t)).toBe(false);
    rss += 40e6;
    expect(c.observe(0, (t += 1000))).toBe(true);
    rss = 60e6; // what the collection gave back
    expect(c.observe(0, t + 1000)).toBe(false);
  });

  it('collects a JS heap holding much unused space, but not more often than every 30 s', () => {
    let slack = 40e6;
    const c = new IdleCollector(10_000, { rss: () => 50e6, heapSlack: () => slack });
    expect(c.observe(0, 100_000)).toBe(true);
    expect(c.observe(0, 101_000)).toBe(false); // still slack, but too soon
    slack = 1e6;
    expect(c.observe(0, 140_000)).toBe(false); // nothing to gain
  });
});
