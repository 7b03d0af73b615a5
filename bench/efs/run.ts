// `npm run bench -- efs [--quick]`: the EFS autoscaler's file count (src-main/aws/efs/file-counter.ts)
// against `find DIR -type f | wc -l` on the same trees, in the same run: 1,000,000 empty files in
// one directory (counted top level) and 1,000 directories × 1,000 files (counted recursively);
// --quick uses 100,000 (flat, and 100 × 1,000). Goal (issue): countFiles ≤ 1.0× find's time.
// Prints medians, minimums and ratios; asserts nothing. The trees live in a temp dir that is
// removed at the end, on failure, and on Ctrl-C. Routing figures, when bench/efs/routing.ts has
// some, follow.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countFiles, nativeCounterAvailable } from '../../src-main/aws/efs/file-counter.js';
import { JS_OPTIONS } from './js-options.js';
import { routingFigures } from './routing.js';
import { makeFlat, makeNested, removeTree } from './tree.js';

interface Variant {
  label: string;
  dir: string;
  files: number;
  recursive: boolean;
}

interface Contender {
  label: string;
  /** Counts once; returns the number of files it found. */
  run: (v: Variant) => Promise<number>;
}

const find: Contender = {
  label: 'find DIR -type f | wc -l',
  run: async (v) => {
    const r = spawnSync('sh', ['-c', 'find "$1" -type f | wc -l', 'sh', v.dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`find failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  },
};

function contenders(): Contender[] {
  const list: Contender[] = [find];
  if (nativeCounterAvailable()) list.push({ label: 'countFiles native (count_files addon)', run: async (v) => (await countFiles(v.dir, { recursive: v.recursive, method: 'native' })).files });
  list.push({ label: 'countFiles js (worker, readSync)', run: async (v) => (await countFiles(v.dir, { recursive: v.recursive, method: 'js' })).files });
  return list;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function timeOnce(c: Contender, v: Variant): Promise<{ ms: number; files: number }> {
  const t = performance.now();
  const files = await c.run(v);
  return { ms: performance.now() - t, files };
}

async function measureVariant(v: Variant, rounds: number): Promise<void> {
  const cs = contenders();
  const times = new Map<Contender, number[]>(cs.map((c) => [c, []]));
  const counts = new Map<Contender, number>();
  await timeOnce(find, v); // warm the dentry/inode caches; not counted
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no contender always runs right after another.
    for (let i = 0; i < cs.length; i++) {
      const c = cs[(i + r) % cs.length]!;
      const { ms, files } = await timeOnce(c, v);
      times.get(c)!.push(ms);
      counts.set(c, files);
    }
  }
  const findMedian = median(times.get(find)!);
  console.log(`\n${v.label}: ${v.files.toLocaleString('en')} files, ${v.recursive ? 'recursive' : 'top level'}; median of ${rounds} runs`);
  console.log(`  ${'method'.padEnd(48)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'files'.padStart(10)}  ÷ find (goal ≤ 1.00)`);
  for (const c of cs) {
    const ts = times.get(c)!;
    const m = median(ts);
    const n = counts.get(c)!;
    const ratio = m / findMedian;
    const verdict = c === find ? '' : ratio <= 1 ? '  met' : '  MISSED';
    const wrong = n === v.files ? '' : `  WRONG COUNT (want ${v.files})`;
    console.log(`  ${c.label.padEnd(48)} ${m.toFixed(1).padStart(10)} ${Math.min(...ts).toFixed(1).padStart(9)} ${String(n).padStart(10)}  ${ratio.toFixed(2)}${verdict}${wrong}`);
  }
  console.log('  pure-JS alternatives weighed for the fallback (once each, for the record):');
  for (const [label, count] of JS_OPTIONS) {
    const t = performance.now();
    const n = await count(v.dir, v.recursive);
    const ms = performance.now() - t;
    const wrong = n === v.files ? '' : `  WRONG COUNT ${n}`;
    console.log(`  ${label.padEnd(48)} ${ms.toFixed(1).padStart(10)}                      ${(ms / findMedian).toFixed(2)}${wrong}`);
  }
}

function generate(label: string, make: () => void, files: number): void {
  const t = performance.now();
  make();
  const s = (performance.now() - t) / 1000;
  console.log(`generated ${label}: ${files.toLocaleString('en')} files in ${s.toFixed(1)} s (${Math.round(files / s).toLocaleString('en')} files/s)`);
}

export async function runEfsBench(quick: boolean): Promise<void> {
  const flatCount = quick ? 100_000 : 1_000_000;
  const nestedDirs = quick ? 100 : 1_000;
  const perDir = 1_000;
  const rounds = quick ? 3 : 5;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-efs-'));
  // Remove the trees whatever happens: normal end and failure (finally), Ctrl-C/kill (signals),
  // process.exit from the bench runner (exit).
  let removed = false;
  const cleanup = (): void => {
    if (removed) return;
    removed = true;
    removeTree(root);
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', cleanup);
  try {
    console.log(`EFS file count benchmark: ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, ${os.platform()} ${os.release()}, Node ${process.version}, tmp ${root}`);
    console.log(`native count_files addon: ${nativeCounterAvailable() ? 'loaded' : 'NOT BUILT (only the JS walker is measured)'}`);
    const flat: Variant = { label: 'flat', dir: path.join(root, 'flat'), files: flatCount, recursive: false };
    const nested: Variant = { label: `nested (${nestedDirs} dirs × ${perDir} files)`, dir: path.join(root, 'nested'), files: nestedDirs * perDir, recursive: true };
    generate('flat', () => makeFlat(flat.dir, flat.files), flat.files);
    generate('nested', () => makeNested(nested.dir, nestedDirs, perDir), nested.files);
    await measureVariant(flat, rounds);
    await measureVariant(nested, rounds);

    const routing = await routingFigures(quick);
    console.log('\nrouting (bench/efs/routing.ts):');
    if (routing.length === 0) console.log('  (no figures yet)');
    for (const f of routing) console.log(`  ${f.name.padEnd(48)} ${f.value.toFixed(2)} ${f.unit}${f.note ? `  ${f.note}` : ''}`);
  } finally {
    const t = performance.now();
    cleanup();
    console.log(`\nremoved ${root} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', cleanup);
  }
}
