// Go-style durations as MolePort writes them in config.yaml ("500ms", "1s", "1m30s", "2h") and the
// human uptime MolePort prints in daemon.status ("2h 30m"). Milliseconds are Warren's unit.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

// One term: a decimal number and a unit. "ms" must come before "m" and "s" in the alternation.
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;

/**
 * Parse "1m30s" → 90000. Accepts "0" (as Go does) and decimal terms ("1.5s"). The result is rounded
 * to whole milliseconds. Returns undefined for anything else (negative, unknown units, empty).
 */
export function tryParseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return undefined;
  TERM.lastIndex = 0;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    pos = TERM.lastIndex;
  }
  if (!Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** Like tryParseDuration, but throws a RangeError that says what a duration looks like. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new RangeError(`"${text}" is not a duration; use e.g. "500ms", "1s", "1m30s" or "2h"`);
  return ms;
}

/**
 * Format milliseconds as a compact Go-style duration: 90000 → "1m30s", 7200000 → "2h",
 * 1500 → "1s500ms", 0 → "0s". Zero parts are left out, so parseDuration(formatDuration(x)) === x
 * for every non-negative integer x. Fractions are rounded; negatives are treated as 0.
 */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Human uptime with the two largest units, as MolePort shows it: "45s", "3m 12s", "2h 30m", "3d 4h".
 * Truncates (an uptime never claims more time than has passed).
 */
export function formatUptime(ms: number): string {
  const t = Number.isFinite(ms) ? Math.max(0, Math.floor(ms)) : 0;
  if (t >= DAY) return `${Math.floor(t / DAY)}d ${Math.floor((t % DAY) / HOUR)}h`;
  if (t >= HOUR) return `${Math.floor(t / HOUR)}h ${Math.floor((t % HOUR) / MINUTE)}m`;
  if (t >= MINUTE) return `${Math.floor(t / MINUTE)}m ${Math.floor((t % MINUTE) / SECOND)}s`;
  return `${Math.floor(t / SECOND)}s`;
}
