import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { colourWanted, formatBytes, formatDuration, formatKeyValues, formatTable, paintStatus, uptimeSince, visibleWidth } from './format.js';

describe('formatTable', () => {
  it('aligns columns by the widest cell, ignoring colour codes', () => {
    const out = formatTable(['NAME', 'STATUS', 'NOTE'], [
      ['web', paintStatus('active', true), 'x'],
      ['database', 'stopped', ''],
    ]);
    const lines = out.split('\n');
    expect(lines[0]).toBe('NAME      STATUS   NOTE');
    // eslint-disable-next-line no-control-regex -- strip the colour to compare text
    expect(lines[1]?.replace(/\u001b\[[0-9;]*m/g, '')).toBe('web       active   x');
    expect(lines[2]).toBe('database  stopped');
  });

  it('gives every column the same start on every line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 8 }), { minLength: 3, maxLength: 3 }), { maxLength: 6 }),
        (rows) => {
          const lines = formatTable(['A', 'B', 'C'], rows).split('\n');
          const header = lines[0] ?? '';
          const startOfC = header.indexOf('C');
          rows.forEach((r, i) => {
            const line = lines[i + 1] ?? '';
            if (r[2] !== '') expect(line.slice(startOfC)).toBe(r[2]);
          });
        },
      ),
    );
  });
});

describe('formatKeyValues', () => {
  it('aligns values', () => {
    expect(formatKeyValues([['pid', '1'], ['version', '0.1.0']])).toBe('pid:     1\nversion: 0.1.0');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(-1)).toBe('-');
  });

  it('never shows more than four digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const [num] = formatBytes(n).split(' ');
        expect((num ?? '').replace('.', '').length).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe('formatDuration / uptimeSince', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration((2 * 3600 + 30 * 60 + 5) * 1000)).toBe('2h 30m');
    expect(formatDuration((4 * 86400 + 3600) * 1000)).toBe('4d 1h');
  });

  it('measures from an RFC3339 time', () => {
    const now = Date.parse('2026-02-11T15:30:00Z');
    expect(uptimeSince('2026-02-11T15:00:00Z', now)).toBe('30m 0s');
    expect(uptimeSince(undefined, now)).toBe('-');
    expect(uptimeSince('not a date', now)).toBe('-');
  });
});

describe('colour', () => {
  it('is on only for a TTY without NO_COLOR', () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(undefined, {})).toBe(false);
  });

  it('paints status without changing its visible width', () => {
    expect(paintStatus('error', true)).toBe('\u001b[31merror\u001b[0m');
    expect(paintStatus('error', false)).toBe('error');
    expect(visibleWidth(paintStatus('reconnecting', true))).toBe('reconnecting'.length);
  });
});
