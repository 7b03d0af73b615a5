// Routing figures for `npm run bench -- efs`: how fast a Fargate task maps paths to mount targets
// (rendezvous hashing, src-shared/efs/routing.ts), and how many paths move when a 4th mount target
// is added (goal ≈ 1/4). The anchor, measured in the same run, is the seed's `hash(path) % N`
// with the same hash: as fast or faster per path, but it moves ~3/4 of the paths on growth.
import { createRouter, normalizePath } from '../../src-shared/efs/routing.js';
import { murmur3 } from '../../src-shared/efs/hash.js';

export interface RoutingFigure {
  /** What was measured, e.g. "route 1M paths over 3 mount targets". */
  name: string;
  value: number;
  /** e.g. "paths/s", "ms", "% max skew". */
  unit: string;
  /** Optional goal or context, printed after the figure. */
  note?: string;
}

function paths(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`data/tenant-${i % 977}/2026/11/${(i * 2654435761) >>> 0}.json`);
  return out;
}

const targets = (n: number) => Array.from({ length: n }, (_, i) => ({ mount_target_id: `fsmt-${(0x1000_0000 + i * 7919).toString(16)}0000000${i}` }));

/** Best of `rounds` timings of fn over all paths, in paths per second. */
function throughput(all: readonly string[], rounds: number, fn: (p: string) => number): number {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (const p of all) sink += fn(p);
    best = Math.min(best, performance.now() - t);
  }
  if (sink === -1) console.log(sink); // keeps the loop from being optimised away
  return all.length / (best / 1000);
}

export async function routingFigures(quick: boolean): Promise<RoutingFigure[]> {
  const all = paths(quick ? 200_000 : 1_000_000);
  const three = createRouter(targets(3));
  const four = createRouter(targets(4));
  const modulo = (n: number) => (p: string) => murmur3(normalizePath(p)) % n;
  const rendezvousRate = throughput(all, 5, (p) => four.route(p));
  const moduloRate = throughput(all, 5, modulo(4));
  let movedRendezvous = 0;
  let movedModulo = 0;
  const m3 = modulo(3);
  const m4 = modulo(4);
  for (const p of all) {
    if (three.targets[three.route(p)]!.mount_target_id !== four.targets[four.route(p)]!.mount_target_id) movedRendezvous++;
    if (m3(p) !== m4(p)) movedModulo++;
  }
  const n = all.length;
  return [
    { name: `rendezvous route, 4 targets (${n.toLocaleString('en')} paths)`, value: rendezvousRate / 1e6, unit: 'M paths/s', note: `anchor hash % 4: ${(moduloRate / 1e6).toFixed(2)} M paths/s, ratio ${(rendezvousRate / moduloRate).toFixed(2)}` },
    { name: 'paths moved when a 4th target is added', value: (100 * movedRendezvous) / n, unit: '%', note: `goal ≈ 25 %; anchor hash % N moves ${((100 * movedModulo) / n).toFixed(1)} %` },
  ];
}
