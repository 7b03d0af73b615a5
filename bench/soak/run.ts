// `npm run bench -- soak [--seconds N] [--fault-every S] [--settle S] [--quick]`: minutes, not CI.
// Mixed traffic (0 B, 1 B, 64 KiB, 3 MiB; request → half-close → reply echoes, server-first
// downloads, uploads) on every Warren path at once — SSH -L, -R, -D, Conduit, SSM mux, basic and
// plugin — through one daemon, while each link is broken every few seconds (faults.ts). Every
// client connection gets a verdict (exchange.ts): completed intact, failed visibly, truncated
// silently, corrupted. Prints per path those counts, and the daemon's RSS at start, at its peak
// and once traffic stopped and things settled. Exits 1 if any path truncated silently or corrupted.
//
// The world (daemon, fixture sshd, Conduit router, AWS emulator), the paths and the client helpers
// are the conformance suite's (e2e/integration/conformance/), imported as they are. Its echo server
// is used; the download and upload servers are the soak's own (servers.ts says why): they replace
// the suite's speakFirst and sink servers in the world the paths are opened with.
import type { TargetServer } from '../../e2e/integration/conformance/servers.js';
import { startWorld, type World } from '../../e2e/integration/conformance/world.js';
import type { OpenPath, PathDef } from '../../e2e/integration/conformance/paths/index.js';
import { direct } from '../../e2e/integration/conformance/paths/direct.js';
import { warrenConduit } from '../../e2e/integration/conformance/paths/warren-conduit.js';
import { warrenSshD, warrenSshL, warrenSshR } from '../../e2e/integration/conformance/paths/warren-ssh.js';
import { warrenSsmBasic, warrenSsmMux, warrenSsmPlugin } from '../../e2e/integration/conformance/paths/warren-ssm.js';
import { rssMiB } from '../measure.js';
import { EXCHANGES, runExchange, type ExchangeKind, type Target } from './exchange.js';
import { FAULT_GRACE_MS, faultGroups, runFaults, waitActive, type FaultedPath } from './faults.js';
import { SIZES, startDownloadServer, startUploadServer, type SoakServer } from './servers.js';
import { newStats, printTable, record, total, type PathStats, type Rss } from './table.js';

interface Options {
  seconds: number;
  faultEveryS: number;
  settleS: number;
}

/** The paths, in table order. `direct` (no tunnel, no faults) is the control: it checks the bench. */
const DEFS: readonly PathDef[] = [direct, warrenSshL, warrenSshR, warrenSshD, warrenConduit, warrenSsmMux, warrenSsmBasic, warrenSsmPlugin];
const CONTROL = direct.name;
/** Concurrent clients per path (one where the path carries one connection at a time). */
const WORKERS = 2;
/** One connection's budget, connect to verdict. */
const CONN_DEADLINE_MS = 30_000;
/** Bound on connections per worker (far above what a run reaches). */
const MAX_CONNS_PER_WORKER = 100_000;

function parseOptions(quick: boolean, args: readonly string[]): Options {
  const num = (flag: string, dflt: number, min: number, max: number): number => {
    const i = args.indexOf(flag);
    if (i < 0) return dflt;
    const v = Number(args[i + 1]);
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${flag} wants a number from ${min} to ${max}`);
    return v;
  };
  return { seconds: num('--seconds', quick ? 30 : 180, 5, 3600), faultEveryS: num('--fault-every', 6, 1, 600), settleS: num('--settle', 30, 0, 600) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const progress = (t0: number, text: string): void => void process.stderr.write(`  [${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}

/** A soak server dressed as one of the suite's target servers (the paths read only its port). */
const asTarget = (kind: TargetServer['kind'], s: SoakServer): TargetServer => ({ kind, port: s.port, conns: [], nextSeq: () => 0 });

/** Exchange → the suite's target server kind a path forwards it to. */
const SERVER_OF: Record<ExchangeKind, 'echo' | 'speakFirst' | 'sink'> = { echo: 'echo', download: 'speakFirst', upload: 'sink' };

interface SoakPath extends FaultedPath {
  readonly def: PathDef;
  readonly stats: PathStats;
}

/**
 * Paths where the client's peer is not Warren but sshd: on -R the client connects to sshd's
 * listener. A process's sockets are closed by the kernel with a FIN when it dies (a RST only if
 * unread data is left), and sshd closes a channel's socket with a FIN too, so when the fault kills
 * sshd (or the forward stops) a client there sees a clean end with bytes missing whatever the
 * forwarder does; and while Warren reconnects, sshd may accept on the re-bound port and close the
 * client's socket when the channel cannot be opened. OpenSSH's own `ssh -R` gets the same. Such
 * truncations from a fault until FAULT_GRACE_MS after the forwards are active again are tallied
 * apart ('by sshd') and not held against the goal; Warren's side of -R is the target's
 * connection, which the upload server checks (atTarget).
 */
const CLIENT_PEER_IS_SSHD = new Set(['warren-ssh-R']);

async function sessionNames(world: World): Promise<Set<string>> {
  return new Set((await world.daemon.client.call('session.list', {})).sessions.map((s) => s.name));
}

/** Open one path; the daemon sessions it started are the names session.list gained meanwhile. */
async function openPath(world: World, def: PathDef, stats: PathStats, extra: SoakServer[]): Promise<SoakPath | undefined> {
  // Each path gets its own download and upload servers, so what the upload server sees is this path's.
  const download = await startDownloadServer();
  const upload = await startUploadServer();
  extra.push(download, upload);
  stats.atTarget = upload.atTarget;
  const soakWorld: World = {
    ...world,
    servers: { ...world.servers, byKind: { ...world.servers.byKind, speakFirst: asTarget('speakFirst', download), sink: asTarget('sink', upload) } },
  };
  const before = await sessionNames(world);
  let open: OpenPath;
  try {
    open = await withTimeout(def.open(soakWorld), 120_000, `opening ${def.name}`);
  } catch (e) {
    stats.skipped = (e as Error).message.split('\n')[0];
    return undefined;
  }
  if (def.name === 'warren-ssm-plugin') {
    // The plugin setting is daemon-wide and read at each connect: off again, so the other SSM
    // paths' reconnects stay native (faults.ts never makes this path reconnect).
    await world.daemon.client.call('config.update', { ssm: { use_session_manager_plugin: false } });
  }
  const sessions = [...(await sessionNames(world))].filter((n) => !before.has(n));
  return { name: def.name, def, open, sessions, stats, faults: stats.faults, faultUntil: 0 };
}

async function worker(p: SoakPath, until: number): Promise<void> {
  const target: Target = {
    endpoint: (kind) => p.open.endpoint(SERVER_OF[kind]),
    semantics: p.open.semantics,
    dialsOnFirstByte: p.open.dialsOnFirstByte,
    // The suite marks SSM basic mode by dialsOnFirstByte; it is also the mode without a message
    // for the target's close (exchange.ts Target).
    targetCloseTravels: !p.open.dialsOnFirstByte,
  };
  for (let i = 0; i < MAX_CONNS_PER_WORKER && Date.now() < until; i++) {
    const kind = EXCHANGES[Math.floor(Math.random() * EXCHANGES.length)] as ExchangeKind;
    const o = await runExchange(kind, target, CONN_DEADLINE_MS);
    const bySshd = o.verdict === 'truncated' && CLIENT_PEER_IS_SSHD.has(p.name) && Date.now() < p.faultUntil;
    record(p.stats, o, bySshd);
    // After a failure the link is likely down: give it a moment rather than spin on refusals.
    if (o.verdict !== 'intact') await sleep(100 + Math.random() * 200);
  }
}

export async function runSoakBench(quick: boolean, args: readonly string[]): Promise<number> {
  const opts = parseOptions(quick, args);
  const sizes = SIZES.map((s) => (s.bytes >= 1024 * 1024 ? `${s.bytes / (1024 * 1024)} MiB` : s.bytes >= 1024 ? `${s.bytes / 1024} KiB` : `${s.bytes} B`)).join(', ');
  console.log(
    `Warren soak: ${opts.seconds} s of traffic on every path at once (${WORKERS} clients per path, 1 on SSM basic and the control; payloads ${sizes}; ` +
      `echo with half-close, server-first download, upload), a fault on each link every ~${opts.faultEveryS} s\n`,
  );
  const t0 = Date.now();
  progress(t0, 'starting the world (daemon, sshd, router, AWS emulator)');
  const world = await startWorld();
  const extra: SoakServer[] = [];
  const onSignal = (): void => void world.close().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const client = world.daemon.client;
    // Faults every few seconds must never spend a retry budget: unlimited retries, short backoff.
    await client.call('config.update', { reconnect: { enabled: true, max_retries: 0, max_delay: '4s' }, ssm: { reconnect_max_retries: 0, reconnect_max_delay: '4s' } });

    const stats = DEFS.map((d) => newStats(d.name));
    const paths: SoakPath[] = [];
    for (const [i, def] of DEFS.entries()) {
      progress(t0, `opening ${def.name}`);
      const p = await openPath(world, def, stats[i] as PathStats, extra);
      if (p) paths.push(p);
      else progress(t0, `${def.name} could not start: ${stats[i]?.skipped}`);
    }
    const allSessions = paths.flatMap((p) => p.sessions);
    if (!(await waitActive(client, allSessions, 30_000))) progress(t0, 'not every forward is active before traffic');

    const pid = world.daemon.proc.pid as number;
    await sleep(3000);
    const rss: Rss = { start: rssMiB(pid), peak: 0, end: NaN, settledAfterS: 0 };
    rss.peak = rss.start;
    const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, rssMiB(pid))), 1000);

    const until = Date.now() + opts.seconds * 1000;
    const soakT0 = Date.now();
    progress(t0, `traffic for ${opts.seconds} s (daemon RSS ${rss.start.toFixed(1)} MiB)`);
    const report = setInterval(() => {
      const line = paths.map((p) => `${p.name.replace('warren-', '')} ${p.stats.counts.intact}/${total(p.stats)}`).join('  ');
      progress(t0, `intact/all: ${line}`);
    }, 15_000);
    const groups = faultGroups(world, (name) => paths.find((p) => p.name === name && p.name !== CONTROL));
    const faultLog = (at: number, line: string): void => progress(t0, `fault at ${((at - soakT0) / 1000).toFixed(1)} s: ${line}`);
    const everyMs = opts.faultEveryS * 1000;
    await Promise.all([
      // One client on the control (it only checks the bench) and where the path is one at a time.
      ...paths.flatMap((p) => Array.from({ length: p.open.parallel && p.name !== CONTROL ? WORKERS : 1 }, () => worker(p, until))),
      // Staggered starts, so the groups' faults do not all land at the same moment.
      ...groups.map((g, i) => runFaults(client, g, everyMs, (i * everyMs) / Math.max(1, groups.length), until, faultLog)),
    ]);
    clearInterval(report);
    rss.peak = Math.max(rss.peak, rssMiB(pid));
    clearInterval(sampler);

    progress(t0, 'traffic stopped; waiting for every forward to be active and the daemon to settle');
    const stoppedAt = Date.now();
    if (!(await waitActive(client, allSessions, 30_000))) progress(t0, 'not every forward is active again after 30 s');
    const ssmModes = (await client.call('session.list', {})).sessions.flatMap((x) => (x.kind === 'ssm' && allSessions.includes(x.name) ? [`${x.name} ${x.mode ?? '?'}`] : []));
    progress(t0, `SSM sessions' modes at the end: ${ssmModes.join(', ')}`);
    for (let i = 0; i <= opts.settleS; i++) {
      rss.end = rssMiB(pid);
      rss.settledAfterS = Math.round((Date.now() - stoppedAt) / 1000);
      if (rss.end <= rss.start * 1.1 || i === opts.settleS) break;
      await sleep(1000);
    }

    console.log('');
    const ok = printTable(stats, rss, { control: CONTROL, bySshd: CLIENT_PEER_IS_SSHD, windowS: FAULT_GRACE_MS / 1000 });
    return ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    for (const s of extra) await s.close().catch(() => undefined);
    await world.close();
  }
}
