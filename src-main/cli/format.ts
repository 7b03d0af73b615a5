// Human output for the CLI: aligned tables, byte counts, durations and status colours. Pure: the
// caller says whether colour is wanted (a TTY and no NO_COLOR), so the output is testable.
import type { ConnectionState, SessionStatus } from '../../src-shared/api/index.js';
import { BYTE_UNITS, scaleBytes } from '../../src-shared/logic/bytes.js';
import { formatUptime } from '../../src-shared/logic/duration.js';

// eslint-disable-next-line no-control-regex -- ANSI colour codes are exactly what must not count
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleWidth(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Rows of cells → lines with columns padded to the widest cell; the last column is not padded. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const cols = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => visibleWidth(r[c] ?? ''))));
  return all
    .map((r) =>
      Array.from({ length: cols }, (_, c) => {
        const cell = r[c] ?? '';
        return c === cols - 1 ? cell : cell + ' '.repeat((widths[c] ?? 0) - visibleWidth(cell));
      })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "key: value" lines with the keys aligned. */
export function formatKeyValues(pairs: ReadonlyArray<readonly [string, string]>): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n');
}

/** 1536 → "1.5 KiB"; whole bytes below 1 KiB; one decimal below 10 units, none above. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '-';
  const { value: v, unit: u } = scaleBytes(n);
  if (u === 0) return `${Math.round(v)} B`;
  const text = v < 10 ? v.toFixed(1) : String(Math.round(v));
  // Rounding can reach 1024 (e.g. 1023.9 KiB): show it in the next unit instead.
  if (text === '1024' && u < BYTE_UNITS.length - 1) return `1.0 ${BYTE_UNITS[u + 1]}`;
  return `${text} ${BYTE_UNITS[u]}`;
}

/** Milliseconds → "45s", "3m 12s", "2h 30m", "4d 1h" (two largest units, like MolePort's uptime). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  return formatUptime(ms);
}

/** Uptime since an RFC3339 timestamp, or "-" when absent or unreadable. */
export function uptimeSince(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '-' : formatDuration(Math.max(0, now - t));
}

type Colour = 'green' | 'yellow' | 'red' | 'dim';
const CODES: Record<Colour, string> = { green: '32', yellow: '33', red: '31', dim: '2' };

export function paint(text: string, colour: Colour, enabled: boolean): string {
  return enabled ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

const STATUS_COLOUR: Record<SessionStatus | ConnectionState, Colour> = {
  active: 'green',
  connected: 'green',
  starting: 'yellow',
  connecting: 'yellow',
  reconnecting: 'yellow',
  error: 'red',
  stopped: 'dim',
  disconnected: 'dim',
};

export function paintStatus(status: SessionStatus | ConnectionState, enabled: boolean): string {
  return paint(status, STATUS_COLOUR[status], enabled);
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function colourWanted(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const noColor = env['NO_COLOR'];
  return isTTY === true && (noColor === undefined || noColor === '');
}
