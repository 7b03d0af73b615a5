// Print the soak's figures: per path the four verdict counts, the payload moved and the faults
// that hit it; then the failures by error, the first silent truncations/corruptions, the daemon's
// RSS and the goals, each marked met or missed.
import type { Outcome, Verdict } from './exchange.js';

export interface PathStats {
  readonly name: string;
  /** Why the path never ran (it could not start), if so. */
  skipped?: string;
  counts: Record<Verdict, number>;
  /** Truncations the client saw at a fault where its peer is sshd, not Warren (run.ts CLIENT_PEER_IS_SSHD). */
  bySshd: number;
  /** What the path's upload server saw (servers.ts): uploads cut by a clean end, or reset. */
  atTarget: { cut: number; reset: number } | undefined;
  /** 'failed' outcomes by error code. */
  codes: Map<string, number>;
  /** The first few truncations and corruptions, described. */
  samples: string[];
  bytes: number;
  faults: Map<string, number>;
}

export function newStats(name: string): PathStats {
  return { name, counts: { intact: 0, failed: 0, truncated: 0, corrupted: 0 }, bySshd: 0, atTarget: undefined, codes: new Map(), samples: [], bytes: 0, faults: new Map() };
}

/** Tally one outcome; `bySshd`: a truncation the path's sshd caused (kept apart from the goal). */
export function record(st: PathStats, o: Outcome, bySshd = false): void {
  st.bytes += o.bytes;
  if (bySshd) st.bySshd++;
  else st.counts[o.verdict]++;
  if (o.verdict === 'failed') st.codes.set(o.code ?? '?', (st.codes.get(o.code ?? '?') ?? 0) + 1);
  if ((o.verdict === 'truncated' || o.verdict === 'corrupted') && st.samples.length < 5) st.samples.push(`${bySshd ? 'by sshd' : o.verdict}: ${o.kind}: ${o.detail ?? ''}`);
}

export const total = (st: PathStats): number => st.counts.intact + st.counts.failed + st.counts.truncated + st.counts.corrupted + st.bySshd;

export interface Rss {
  start: number;
  peak: number;
  end: number;
  settledAfterS: number;
}

export interface TableOptions {
  /** The path without a tunnel (checks the bench itself). */
  control: string;
  /** Paths whose client-side peer is sshd (their 'by sshd' column means something). */
  bySshd: ReadonlySet<string>;
  /** The grace after a fault for 'by sshd', seconds. */
  windowS: number;
}

/** Which program holds the target's end of each path's connections (who ends it on a fault). */
const TARGET_SIDE: Record<string, string> = {
  direct: 'client itself',
  'warren-ssh-L': 'sshd',
  'warren-ssh-R': 'Warren',
  'warren-ssh-D': 'sshd',
  'warren-conduit': 'Warren router',
  'warren-ssm-mux': 'emulated agent',
  'warren-ssm-basic': 'emulated agent',
  'warren-ssm-plugin': 'emulated agent',
};
/** Paths where the target's end is Warren's own local connection: a cut there counts against the goal. */
const WARREN_OWNS_TARGET = new Set(['warren-ssh-R']);

const sortedEntries = (m: Map<string, number>): string => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');

/** Prints the table; returns true when every goal on lost bytes is met. */
export function printTable(stats: readonly PathStats[], rss: Rss | undefined, opts: TableOptions): boolean {
  const W = 22;
  const C = 10;
  const cols = ['conns', 'intact', 'failed', 'truncated', 'corrupted', 'by sshd¹', 'cut@tgt²', 'MiB moved'];
  const head = 'path'.padEnd(W) + cols.map((h) => h.padStart(C)).join('') + '  faults injected';
  console.log(head);
  console.log('─'.repeat(head.length + 24));
  for (const st of stats) {
    const label = st.name === opts.control ? `${st.name} (control)` : st.name;
    if (st.skipped !== undefined) {
      console.log(`${label.padEnd(W)}could not start: ${st.skipped}`);
      continue;
    }
    const c = st.counts;
    const cells = [total(st), c.intact, c.failed, c.truncated, c.corrupted, opts.bySshd.has(st.name) ? st.bySshd : '—', st.atTarget?.cut ?? '—'];
    console.log(`${label.padEnd(W)}${cells.map((n) => String(n).padStart(C)).join('')}${(st.bytes / (1024 * 1024)).toFixed(1).padStart(C)}  ${sortedEntries(st.faults) || '—'}`);
  }
  console.log(
    `¹ a clean end short during a fault (until ${opts.windowS} s after active again) where the client's peer is sshd (-R): a killed\n` +
      `  process's sockets, and the sockets sshd closes, end with a FIN; OpenSSH's ssh -R gets the same. Not held against the goal.\n` +
      `² uploads the target server saw end cleanly before every byte (the reply cannot reach the client once the link is\n` +
      `  dead). Who holds the target's end: ${stats
        .filter((s) => s.name !== opts.control)
        .map((s) => `${s.name.replace('warren-', '')} ${TARGET_SIDE[s.name] ?? '?'}`)
        .join(', ')}; held against the goal where it is Warren's local connection (-R).`,
  );
  const withFailures = stats.filter((s) => s.codes.size);
  if (withFailures.length) {
    console.log('\nfailed visibly, by error:');
    for (const st of withFailures) console.log(`  ${st.name.padEnd(W)}${sortedEntries(st.codes)}`);
  }
  const withSamples = stats.filter((s) => s.samples.length);
  if (withSamples.length) {
    console.log('\nsilent truncations and corruptions (first 5 per path):');
    for (const st of withSamples) for (const s of st.samples) console.log(`  ${st.name.padEnd(W)}${s}`);
  }

  const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  if (rss) {
    const growth = ((rss.end - rss.start) / rss.start) * 100;
    console.log(
      `\ndaemon RSS (VmRSS, MiB): start ${rss.start.toFixed(1)}, peak ${rss.peak.toFixed(1)}, end ${rss.end.toFixed(1)} ` +
        `(${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % of start, ${rss.settledAfterS} s after traffic stopped)`,
    );
  }
  const bad = stats.filter((s) => s.counts.truncated + s.counts.corrupted > 0);
  const cut = stats.filter((s) => WARREN_OWNS_TARGET.has(s.name) && (s.atTarget?.cut ?? 0) > 0);
  const names = (xs: PathStats[]): string => (xs.length ? ` (${xs.map((s) => s.name).join(', ')})` : '');
  console.log('\ngoals:');
  console.log(`  0 silent truncations and 0 corrupted connections on every path    ${mark(bad.length === 0)}${names(bad)}`);
  console.log(`  0 uploads cut by a clean end where Warren holds the target's end  ${mark(cut.length === 0)}${names(cut)}`);
  if (rss) console.log(`  daemon RSS back within 10 % of start once traffic stopped         ${mark(rss.end <= rss.start * 1.1)}`);
  const none = stats.filter((s) => s.skipped === undefined && s.counts.intact === 0);
  if (none.length) console.log(`  (no connection completed intact on: ${none.map((s) => s.name).join(', ')})`);
  return bad.length === 0 && cut.length === 0;
}
