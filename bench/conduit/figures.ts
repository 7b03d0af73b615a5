// Measure every started path with the same tools, interleaving the paths run by run so that the
// machine's other load at any moment spreads over all of them rather than landing on one.
import { percentile, pingPong, rssMiB, setupTimes, streamThroughput } from '../measure.js';
import { holdIdle } from './idle-hold.js';
import { sleep, withTimeout } from './time.js';
import { errorText, type PathKey, type TunnelPath } from './tunnel-path.js';

export interface Settings {
  /** Bytes per throughput run (split over the streams). */
  bytes: number;
  /** Throughput runs per path; the median is kept. */
  runs: number;
  /** 64-byte round trips on one connection. */
  rounds: number;
  /** New connections timed. */
  setups: number;
  idleCount: number;
  idleBatch: number;
}

export interface IdleFigures {
  wanted: number;
  held: number;
  serverRss: number;
  clientRss: number;
  /** (both sides' RSS held − before) per held connection. */
  kibPerConnection: number;
  stoppedBy?: string;
}

export interface PathFigures {
  tp1?: number;
  tp8?: number;
  rttP50?: number;
  rttP99?: number;
  setupP50?: number;
  idle?: IdleFigures;
  /** Set when the path failed mid-run; later figures are then not attempted. */
  broken?: string;
}

export interface Measured {
  key: PathKey;
  path: TunnelPath;
  figures: PathFigures;
}

const MB = 1024 * 1024;
const CHUNKS = 5;
const median = (xs: number[]): number => percentile(xs, 50);

/** Run `step` for every path not yet broken; a failure marks that path broken with the reason. */
async function eachLive(all: Measured[], what: string, step: (m: Measured) => Promise<void>): Promise<void> {
  for (const m of all) {
    if (m.figures.broken) continue;
    try {
      await step(m);
    } catch (e) {
      m.figures.broken = `${what}: ${errorText(e)}`;
    }
  }
}

function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

export async function measureAll(all: Measured[], s: Settings, idleKeys: readonly PathKey[]): Promise<void> {
  progress('warming every path');
  await eachLive(all, 'warm-up', async (m) => void (await streamThroughput(m.path.port, 8 * MB, 1)));

  for (const streams of [1, 8] as const) {
    progress(`throughput, ${streams} stream${streams > 1 ? 's' : ''}: ${s.runs} runs of ${s.bytes / MB} MB per path`);
    const samples = new Map<PathKey, number[]>();
    for (let run = 0; run < s.runs; run++) {
      await eachLive(all, `throughput ${streams}`, async (m) => {
        const list = samples.get(m.key) ?? [];
        list.push(await streamThroughput(m.path.port, s.bytes, streams));
        samples.set(m.key, list);
      });
    }
    for (const m of all) {
      const list = samples.get(m.key);
      if (!list || m.figures.broken) continue;
      if (streams === 1) m.figures.tp1 = median(list);
      else m.figures.tp8 = median(list);
    }
  }

  // Round trips and setups in CHUNKS slices, the paths taking turns, for the same reason as above.
  const rtt = new Map<PathKey, number[]>();
  const setup = new Map<PathKey, number[]>();
  const add = (into: Map<PathKey, number[]>, key: PathKey, xs: number[]): void => void into.set(key, [...(into.get(key) ?? []), ...xs]);
  progress(`64-byte round trips (${s.rounds} per path) and new-connection setups (${s.setups} per path)`);
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    await eachLive(all, 'round trip', async (m) => {
      add(rtt, m.key, await withTimeout(pingPong(m.path.port, Math.ceil(s.rounds / CHUNKS)), 60_000, 'round trips'));
    });
    await eachLive(all, 'setup', async (m) => {
      add(setup, m.key, await withTimeout(setupTimes(m.path.port, Math.ceil(s.setups / CHUNKS)), 60_000, 'connection setups'));
    });
  }
  for (const m of all) {
    if (m.figures.broken) continue;
    m.figures.rttP50 = percentile(rtt.get(m.key) ?? [], 50);
    m.figures.rttP99 = percentile(rtt.get(m.key) ?? [], 99);
    m.figures.setupP50 = percentile(setup.get(m.key) ?? [], 50);
  }

  for (const m of all.filter((x) => idleKeys.includes(x.key))) {
    progress(`${m.key}: holding ${s.idleCount} idle connections`);
    await eachLive([m], 'idle connections', async () => void (m.figures.idle = await idleRss(m.path, s)));
  }
}

async function idleRss(path: TunnelPath, s: Settings): Promise<IdleFigures> {
  const { server, client } = path.pids;
  if (server === undefined || client === undefined) throw new Error('no processes to measure');
  const before = rssMiB(server) + rssMiB(client);
  const hold = await holdIdle(path.port, s.idleCount, s.idleBatch);
  try {
    // Let buffers from the opening burst be released before reading what holding costs.
    await sleep(2000);
    const held = hold.alive();
    const serverRss = rssMiB(server);
    const clientRss = rssMiB(client);
    const kibPerConnection = held > 0 ? ((serverRss + clientRss - before) * 1024) / held : NaN;
    const said = hold.stoppedBy ? path.lastLog?.() : undefined;
    const stoppedBy = hold.stoppedBy && said ? `${hold.stoppedBy}; last log: ${said}` : hold.stoppedBy;
    return { wanted: s.idleCount, held, serverRss, clientRss, kibPerConnection, stoppedBy };
  } finally {
    hold.close();
    // Give both ends time to tear the connections down before anything else is measured.
    await sleep(2000);
  }
}
