// Print the figures: one row per figure, one column per path, then Warren's ratios to stunnel and
// to ssh -L, then the goals, each marked met or missed.
import type { IdleFigures, Measured, PathFigures } from './figures.js';
import type { PathKey, PathSlot } from './tunnel-path.js';

type Better = 'higher' | 'lower';

interface Row {
  label: string;
  better: Better;
  digits: number;
  value(f: PathFigures): number | undefined;
}

const COLS: Array<{ key: PathKey; head: string }> = [
  { key: 'direct', head: 'direct' },
  { key: 'socat', head: 'socat' },
  { key: 'stunnel', head: 'stunnel' },
  { key: 'ssh', head: 'ssh -L' },
  { key: 'warren', head: 'warren' },
];

const LABEL_W = 44;
const COL_W = 10;
/** 300 MB, the goal, in the MiB that /proc reports. */
const ROUTER_RSS_GOAL_MIB = 300e6 / (1024 * 1024);

function rows(idleCount: number): Row[] {
  const n = idleCount.toLocaleString('en-US');
  const idle = (pick: (i: IdleFigures) => number) => (f: PathFigures) => (f.idle ? pick(f.idle) : undefined);
  return [
    { label: 'throughput, 1 stream (MB/s)', better: 'higher', digits: 1, value: (f) => f.tp1 },
    { label: 'throughput, 8 streams aggregate (MB/s)', better: 'higher', digits: 1, value: (f) => f.tp8 },
    { label: '64 B round trip p50 (ms)', better: 'lower', digits: 3, value: (f) => f.rttP50 },
    { label: '64 B round trip p99 (ms)', better: 'lower', digits: 3, value: (f) => f.rttP99 },
    { label: 'new connection setup p50 (ms)', better: 'lower', digits: 3, value: (f) => f.setupP50 },
    { label: `RSS server side, ${n} idle (MiB)`, better: 'lower', digits: 1, value: idle((i) => i.serverRss) },
    { label: `RSS client side, ${n} idle (MiB)`, better: 'lower', digits: 1, value: idle((i) => i.clientRss) },
    { label: `RSS both sides, ${n} idle (MiB)`, better: 'lower', digits: 1, value: idle((i) => i.serverRss + i.clientRss) },
    { label: 'RSS per idle connection (KiB, both sides)', better: 'lower', digits: 1, value: idle((i) => i.kibPerConnection) },
  ];
}

const isNum = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

function ratio(a: number | undefined, b: number | undefined): string {
  return isNum(a) && isNum(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—';
}

export function printTable(slots: PathSlot[], measured: Measured[], idleCount: number): void {
  const fig = (key: PathKey): PathFigures | undefined => measured.find((m) => m.key === key)?.figures;
  const partial = (key: PathKey): boolean => {
    const i = fig(key)?.idle;
    return i !== undefined && i.held < i.wanted;
  };
  const cell = (key: PathKey, row: Row): string => {
    const slot = slots.find((s) => s.key === key);
    if (!slot || slot.skipped !== undefined) return key === 'warren' ? 'unavail.' : 'skipped';
    const v = row.value(fig(key) ?? {});
    if (isNum(v)) return `${v.toFixed(row.digits)}${row.label.startsWith('RSS') && partial(key) ? '*' : ''}`;
    return fig(key)?.broken ? 'error' : '—';
  };

  const head = ['figure'.padEnd(LABEL_W), ...COLS.map((c) => c.head.padStart(COL_W)), 'w÷stunnel'.padStart(COL_W), 'w÷ssh'.padStart(COL_W), '  better'];
  console.log(head.join(''));
  console.log('─'.repeat(head.join('').length));
  for (const row of rows(idleCount)) {
    const w = row.value(fig('warren') ?? {});
    console.log(
      [
        row.label.padEnd(LABEL_W),
        ...COLS.map((c) => cell(c.key, row).padStart(COL_W)),
        ratio(w, row.value(fig('stunnel') ?? {})).padStart(COL_W),
        ratio(w, row.value(fig('ssh') ?? {})).padStart(COL_W),
        `  ${row.better}`,
      ].join(''),
    );
  }
  for (const key of ['stunnel', 'warren'] as const) {
    const i = fig(key)?.idle;
    if (i && i.held < i.wanted) console.log(`* ${key} held ${i.held.toLocaleString('en-US')} of ${i.wanted.toLocaleString('en-US')} idle connections${i.stoppedBy ? `: ${i.stoppedBy}` : ''}`);
  }
  for (const s of slots) {
    if (s.skipped !== undefined) console.log(s.key === 'warren' ? `warren conduit: unavailable (${s.skipped})` : `${s.label}: skipped (${s.skipped})`);
  }
  for (const m of measured) if (m.figures.broken) console.log(`${m.key}: failed during ${m.figures.broken}`);
  printGoals(fig('warren'), fig('stunnel'), idleCount);
}

function printGoals(w: PathFigures | undefined, st: PathFigures | undefined, idleCount: number): void {
  const mark = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'MISSED');
  const vsStunnel = (label: string, a: number | undefined, b: number | undefined, better: Better): void => {
    const ok = isNum(a) && isNum(b) ? (better === 'higher' ? a >= b : a <= b) : undefined;
    console.log(`  ${label.padEnd(48)} ${ratio(a, b).padStart(16)}  ${mark(ok)}`);
  };
  console.log('\ngoals (warren conduit; ratio = warren ÷ stunnel):');
  vsStunnel('throughput, 1 stream ≥ 1.0× stunnel', w?.tp1, st?.tp1, 'higher');
  vsStunnel('throughput, 8 streams ≥ 1.0× stunnel', w?.tp8, st?.tp8, 'higher');
  vsStunnel('64 B round trip p50 ≤ stunnel’s', w?.rttP50, st?.rttP50, 'lower');
  vsStunnel('new connection setup p50 ≤ stunnel’s', w?.setupP50, st?.setupP50, 'lower');
  const idle = w?.idle;
  const routerMB = idle ? (idle.serverRss * 1024 * 1024) / 1e6 : undefined;
  const ok = idle ? idle.held >= 10_000 && idle.serverRss <= ROUTER_RSS_GOAL_MIB : undefined;
  const shown = idle ? `${routerMB!.toFixed(0)} MB at ${idle.held.toLocaleString('en-US')}` : '—';
  const why = idle && idle.held < 10_000 ? ` (needs 10,000 held${idleCount < 10_000 ? '; a full run holds 10,000' : ''})` : '';
  console.log(`  ${'router RSS ≤ 300 MB at 10,000 idle connections'.padEnd(48)} ${shown.padStart(16)}  ${mark(idle ? ok : undefined)}${why}`);
}
