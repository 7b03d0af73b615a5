import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './fixtures/temp-store.js';

let t: TempStore;
afterEach(() => t?.dispose());

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('link history repository', () => {
  it('records connect time and latency per link, newest first, filtered by rule or instance', () => {
    t = openTempStore();
    const h = t.store.links;
    const a = h.opened({ rule_name: 'db', kind: 'ssm', target: 'i-0123456789abcdef0', remote_id: 'sess-1', reason: 'connect', connected_at: T0, connect_ms: 120 });
    h.closed(a, { closed_at: T0 + 60_000, close_reason: 'replaced by a new session', rtt_samples: 4, rtt_avg_ms: 10, rtt_min_ms: 5, rtt_max_ms: 20 });
    const b = h.opened({ rule_name: 'db', kind: 'ssm', target: 'i-0123456789abcdef0', remote_id: 'sess-2', reason: 'replace', connected_at: T0 + 59_000, connect_ms: 80 });
    h.closed(b, { closed_at: T0 + 90_000, close_reason: 'stopped', rtt_samples: 1, rtt_avg_ms: 30, rtt_min_ms: 30, rtt_max_ms: 30 });
    h.opened({ rule_name: 'web', kind: 'ssm', target: 'i-0fedcba9876543210', reason: 'connect', connected_at: T0, connect_ms: 300 });

    const db = h.list({ rule: 'db' });
    expect(db.map((r) => [r.remote_id, r.reason, r.connect_ms])).toEqual([
      ['sess-2', 'replace', 80],
      ['sess-1', 'connect', 120],
    ]);
    expect(db[1]).toMatchObject({ rtt_samples: 4, rtt_avg_ms: 10, rtt_min_ms: 5, rtt_max_ms: 20, close_reason: 'replaced by a new session', closed_at: new Date(T0 + 60_000).toISOString() });
    expect(h.list({ target: 'i-0fedcba9876543210' })).toHaveLength(1);
    expect(h.list({ limit: 1 })[0]!.rule_name).toBe('web');

    // The latency average is weighted by samples: (4 × 10 + 1 × 30) / 5 = 14.
    expect(h.summary({ rule: 'db' })).toEqual({ connections: 2, connect_ms_avg: 100, connect_ms_p50: 80, connect_ms_max: 120, rtt_samples: 5, rtt_ms_avg: 14, rtt_ms_min: 5, rtt_ms_max: 30 });
    expect(h.summary({ rule: 'nothing' })).toEqual({ connections: 0, rtt_samples: 0 });
  });

  it('closes rows a crash left open, once', () => {
    t = openTempStore();
    const h = t.store.links;
    h.opened({ rule_name: 'db', kind: 'ssm', target: 'i-0123456789abcdef0', reason: 'connect', connected_at: T0, connect_ms: 1 });
    expect(h.closeInterrupted(T0 + 5)).toBe(1);
    expect(h.closeInterrupted(T0 + 6)).toBe(0);
    expect(h.list()[0]!.close_reason).toMatch(/interrupted/);
  });

  it('a closed row is not overwritten by a late second close', () => {
    t = openTempStore();
    const h = t.store.links;
    const id = h.opened({ rule_name: 'db', kind: 'ssm', target: 'i-0123456789abcdef0', reason: 'connect', connected_at: T0, connect_ms: 1 });
    h.closed(id, { closed_at: T0 + 1, close_reason: 'first', rtt_samples: 0 });
    h.closed(id, { closed_at: T0 + 2, close_reason: 'second', rtt_samples: 9 });
    expect(h.list()[0]).toMatchObject({ close_reason: 'first', rtt_samples: 0 });
  });
});
