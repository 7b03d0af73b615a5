import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAgeDays, formatBytes, formatDuration, formatRoute, formatRtt, formatSsmRoute, formatTunnelRoute } from './format.js';

const UNIT_SIZE: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, PiB: 1024 ** 5 };

function parseBytes(text: string): { value: number; unit: string } {
  const m = /^(\d+(?:\.\d)?) (B|KiB|MiB|GiB|TiB|PiB)$/.exec(text);
  if (!m) throw new Error(`not a byte figure: ${text}`);
  return { value: Number(m[1]), unit: m[2]! };
}

describe('formatBytes', () => {
  it('shows known values', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('never overstates and stays within one display step of the true value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const { value, unit } = parseBytes(formatBytes(n));
        const shown = value * UNIT_SIZE[unit]!;
        expect(shown).toBeLessThanOrEqual(n);
        const step = (value < 10 && unit !== 'B' ? 0.1 : 1) * UNIT_SIZE[unit]!;
        expect(n - shown).toBeLessThan(step);
        if (unit !== 'PiB') expect(value).toBeLessThan(1024);
      }),
    );
  });

  it('is monotonic: more bytes never show as fewer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 2 ** 50 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const pl = parseBytes(formatBytes(lo));
        const ph = parseBytes(formatBytes(hi));
        expect(pl.value * UNIT_SIZE[pl.unit]!).toBeLessThanOrEqual(ph.value * UNIT_SIZE[ph.unit]!);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('shows known values', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3600_000 + 7 * 60_000)).toBe('2h 07m');
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3d 04h');
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(2 * 3600_000)).toBe('2h');
    expect(formatDuration(-5)).toBe('—');
  });

  it('round-trips to the largest two units, truncated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 400 * 86400_000 }), (ms) => {
        const text = formatDuration(ms);
        const parts = [...text.matchAll(/(\d+)([dhms])/g)].map((m) => Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's']!);
        const seconds = parts.reduce((a, b) => a + b, 0);
        expect(seconds).toBeLessThanOrEqual(ms / 1000);
        // Days show hours, hours show minutes, minutes show seconds.
        const smallest = text.includes('d') ? 3600 : text.includes('h') ? 60 : 1;
        expect(ms / 1000 - seconds).toBeLessThan(smallest);
      }),
    );
  });
});

describe('formatRtt and formatRoute', () => {
  it('formats round trips', () => {
    expect(formatRtt(undefined)).toBe('—');
    expect(formatRtt(0.3)).toBe('<1 ms');
    expect(formatRtt(41.6)).toBe('42 ms');
  });
  it('formats each forward type', () => {
    expect(formatRoute({ type: 'local', local_port: 8080, remote_host: 'db', remote_port: 5432 })).toBe(':8080 → db:5432');
    expect(formatRoute({ type: 'remote', local_port: 3000, remote_port: 9000 })).toBe('localhost:9000 → :3000');
    expect(formatRoute({ type: 'dynamic', local_port: 1080 })).toBe(':1080 (SOCKS5)');
  });
});

describe('conduit figures', () => {
  it('formats a tunnel as protocol bind → router → source', () => {
    expect(formatTunnelRoute({ protocol: 'tcp', bind: '127.0.0.1:9000', router: 'r.example:9999', source: 'db:5432' })).toBe('tcp 127.0.0.1:9000 → r.example:9999 → db:5432');
    expect(formatTunnelRoute({ protocol: 'udp', bind: '[::1]:53', router: '10.0.0.1:9999', source: 'dns' })).toBe('udp [::1]:53 → 10.0.0.1:9999 → dns');
  });
  it('formats key ages in whole days', () => {
    expect(formatAgeDays(undefined)).toBe('—');
    expect(formatAgeDays(0.4)).toBe('today');
    expect(formatAgeDays(1.9)).toBe('1 day');
    expect(formatAgeDays(45)).toBe('45 days');
    expect(formatAgeDays(-1)).toBe('—');
  });
});

describe('formatSsmRoute', () => {
  it('reads "on" the instance, or "via" it to a remote host', () => {
    expect(formatSsmRoute({ local_port: 15432, remote_port: 5432, instance_id: 'i-0abc' })).toBe(':15432 → 5432 on i-0abc');
    expect(formatSsmRoute({ local_port: 15432, remote_port: 5432, remote_host: 'db', instance_id: 'i-0abc' })).toBe(':15432 → db:5432 via i-0abc');
  });
});
