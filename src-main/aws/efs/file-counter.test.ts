// Feature: efs-mount-target-autoscaling, Property 1: file count accuracy (ファイル数カウントの正確性).
// countFiles against trees whose true counts the generator knows, for both walkers (the count_files
// addon when built, and JavaScript), top level and recursive; plus cancellation, progress, the
// root's errors, unreadable subdirectories and special files against find itself.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countFiles, FileCountError, nativeCounterAvailable, type FileCountProgress } from './file-counter.js';
import { startJsWalk } from './file-counter-js.js';
import { startNativeWalk } from './file-counter-native.js';
import type { RawWalk, RawWalkOptions } from './file-counter-types.js';

const METHODS: ('native' | 'js')[] = nativeCounterAvailable() ? ['native', 'js'] : ['js'];
if (!nativeCounterAvailable()) console.warn('file-counter.test: count_files addon not built; testing the JavaScript walker only');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-file-counter-'));
});
afterAll(() => {
  // rm -rf copes with the deeper-than-PATH_MAX tree of the unreadable test; fs.rmSync may not.
  execFileSync('rm', ['-rf', tmp]);
});

// ---- Property 1 ----------------------------------------------------------------------------

type Entry =
  | { kind: 'file'; name: string }
  | { kind: 'dir'; name: string; children: Entry[] }
  /** Symlinks: to a file outside the tree, to a directory (the tree's root: a loop if followed), dangling. */
  | { kind: 'linkFile' | 'linkDir' | 'linkDangling'; name: string };

// Names with spaces, accents, CJK, emoji, dots and dashes; never '.', '..', '/' or NUL.
const nameChar = fc.constantFrom('a', 'b', 'z', 'Q', '0', '7', ' ', '.', '-', '_', 'é', 'ü', '日', '本', '🙂', 'ß', '\u00a0');
const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 10 }).filter((n) => n !== '.' && n !== '..');
// Unique per directory even on case-insensitive, normalising file systems (macOS).
const nameKey = (e: Entry): string => e.name.normalize('NFC').toLowerCase();

const { entries: arbEntries } = fc.letrec<{ entries: Entry[]; entry: Entry }>((tie) => ({
  entries: fc.uniqueArray(tie('entry'), { maxLength: 7, selector: nameKey }),
  entry: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'tree' },
    fc.record({ kind: fc.constant('file' as const), name }),
    fc.record({ kind: fc.constantFrom('linkFile' as const, 'linkDir' as const, 'linkDangling' as const), name }),
    fc.record({ kind: fc.constant('dir' as const), name, children: tie('entries') }),
  ),
}));

interface Truth {
  top: { files: number; dirs: number };
  all: { files: number; dirs: number };
}

function truthOf(entries: Entry[]): Truth {
  const top = { files: 0, dirs: 0 };
  const all = { files: 0, dirs: 0 };
  const walk = (es: Entry[], depth: number): void => {
    for (const e of es) {
      if (e.kind === 'file') {
        all.files++;
        if (depth === 0) top.files++;
      } else if (e.kind === 'dir') {
        all.dirs++;
        if (depth === 0) top.dirs++;
        walk(e.children, depth + 1);
      }
    }
  };
  walk(entries, 0);
  return { top, all };
}

function materialise(dir: string, entries: Entry[], root: string, outsideFile: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.kind === 'file') fs.writeFileSync(p, '');
    else if (e.kind === 'dir') materialise(p, e.children, root, outsideFile);
    else if (e.kind === 'linkFile') fs.symlinkSync(outsideFile, p);
    else if (e.kind === 'linkDir') fs.symlinkSync(root, p);
    else fs.symlinkSync(path.join(dir, 'no such target'), p);
  }
}

describe('countFiles', () => {
  it('Feature: efs-mount-target-autoscaling, Property 1: file count accuracy', async () => {
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    const outsideFile = path.join(outside, 'target.txt');
    fs.writeFileSync(outsideFile, 'x');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(arbEntries, fc.boolean(), async (entries, lstatAll) => {
        const root = path.join(tmp, `p1-${run++}`);
        materialise(root, entries, root, outsideFile);
        try {
          const truth = truthOf(entries);
          // All four counts at once: the JS walker's worker start-up then overlaps.
          const cases = METHODS.flatMap((method) => [false, true].map((recursive) => ({ method, recursive })));
          const results = await Promise.all(cases.map((c) => countFiles(root, { ...c, lstatAll })));
          cases.forEach((c, i) => {
            const r = results[i]!;
            const want = c.recursive ? truth.all : truth.top;
            expect({ method: r.method, recursive: c.recursive, files: r.files, dirs: r.dirs, unreadable: r.unreadable }).toEqual({
              method: c.method,
              recursive: c.recursive,
              ...want,
              unreadable: [],
            });
          });
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each(METHODS)('%s: counts only regular files among fifos, sockets and symlinks, as find -type f does', async (method) => {
    const root = path.join(tmp, `special-${method}`);
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a.txt'), 'a');
    fs.writeFileSync(path.join(root, 'sub', 'b.txt'), 'b');
    fs.symlinkSync(path.join(root, 'a.txt'), path.join(root, 'link-to-file'));
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'link-to-dir'));
    execFileSync('mkfifo', [path.join(root, 'fifo'), path.join(root, 'sub', 'fifo')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(root, 'sock'), resolve));
    try {
      const find = (args: string[]): number => execFileSync('find', [root, ...args, '-type', 'f'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
      const top = await countFiles(root, { method });
      const all = await countFiles(root, { method, recursive: true });
      expect(top.files).toBe(find(['-maxdepth', '1']));
      expect(all.files).toBe(find([]));
      expect([top.files, top.dirs, all.files, all.dirs]).toEqual([1, 1, 2, 1]);
      // A trailing slash and a symlinked root (e.g. macOS's /tmp) count the same.
      expect((await countFiles(`${root}/`, { method, recursive: true })).files).toBe(2);
      expect((await countFiles(path.join(root, 'link-to-dir'), { method })).files).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each(METHODS)('%s: a missing root fails with an error naming the path and what to check', async (method) => {
    const missing = path.join(tmp, 'not', 'mounted', 'efs');
    const err = await countFiles(missing, { method }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileCountError);
    expect(err).toMatchObject({ code: 'ENOENT', path: missing });
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toMatch(/mounted/);

    const file = path.join(tmp, `plain-file-${method}`);
    fs.writeFileSync(file, '');
    await expect(countFiles(file, { method })).rejects.toMatchObject({ code: 'ENOTDIR', path: file, message: expect.stringContaining('not a directory') });
  });

  it.each(METHODS)('%s: counts what it can read and reports unreadable subdirectories', async (method) => {
    // Deeper than PATH_MAX: open() refuses it (ENAMETOOLONG) for root as for anyone.
    const root = path.join(tmp, `unreadable-${method}`);
    const seg = 'd'.repeat(250);
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'top.txt'), '');
    // Build root/seg/seg/…/seg (17 levels, > 4096 bytes) bottom-up with short renames.
    const levels = 17;
    const stage = path.join(root, 'stage');
    fs.mkdirSync(stage);
    fs.mkdirSync(path.join(stage, 'x'));
    fs.writeFileSync(path.join(stage, 'x', 'deep.txt'), '');
    for (let i = 1; i < levels; i++) {
      fs.mkdirSync(path.join(stage, 'y'));
      fs.renameSync(path.join(stage, 'x'), path.join(stage, 'y', seg));
      fs.renameSync(path.join(stage, 'y'), path.join(stage, 'x'));
    }
    fs.renameSync(path.join(stage, 'x'), path.join(root, seg));
    fs.rmdirSync(stage);
    // Which levels open() accepts: paths shorter than PATH_MAX (4096 on Linux, 1024 on macOS).
    const PATH_MAX = process.platform === 'linux' ? 4096 : 1024;
    const levelPaths: string[] = [];
    for (let p = root, i = 0; i < levels; i++) levelPaths.push((p = path.join(p, seg)));
    const firstBad = levelPaths.findIndex((p) => Buffer.byteLength(p) >= PATH_MAX);
    expect(firstBad).toBeGreaterThan(0); // some readable levels, and deep.txt (in the last) beyond

    let chmodded: string | undefined;
    if (process.getuid?.() !== 0) {
      chmodded = path.join(root, 'locked');
      fs.mkdirSync(chmodded);
      fs.writeFileSync(path.join(chmodded, 'hidden.txt'), '');
      fs.chmodSync(chmodded, 0);
    }
    try {
      const r = await countFiles(root, { method, recursive: true });
      expect(r.files).toBe(1); // top.txt; deep.txt lies beyond PATH_MAX, hidden.txt behind mode 000
      expect(r.unreadable).toContain(levelPaths[firstBad]);
      if (chmodded !== undefined) expect(r.unreadable).toContain(chmodded);
      expect(r.unreadable).toHaveLength(chmodded === undefined ? 1 : 2);
      expect(r.dirs).toBe(firstBad + 1 + (chmodded === undefined ? 0 : 1)); // the readable levels, the first unreadable one, locked
    } finally {
      if (chmodded !== undefined) fs.chmodSync(chmodded, 0o700);
    }
  });
});

// ---- a 50,000-file directory: cancellation and progress --------------------------------------

describe('countFiles on 50,000 files', () => {
  const N = 50_000;
  let big: string;
  beforeAll(() => {
    big = path.join(tmp, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i < N; i++) fs.closeSync(fs.openSync(path.join(big, `f${i}`), 'w'));
  }, 120_000);
  afterEach(() => {
    vi.useRealTimers();
  });

  const walkers: [string, (o: RawWalkOptions) => RawWalk | undefined][] = [
    ['native', startNativeWalk],
    ['js', startJsWalk],
  ];

  it.each(walkers.filter(([m]) => METHODS.includes(m as 'native' | 'js')))('%s walker stops mid-count when cancelled', async (_m, start) => {
    // lstatAll makes each entry cost a syscall, so there is a mid-count to cancel in.
    const walk = start({ dir: big, recursive: false, lstatAll: true })!;
    const t0 = Date.now();
    while (walk.progress().files === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 1));
    walk.cancel();
    const r = await walk.result;
    expect(r).toMatchObject({ ok: true, cancelled: true });
    if (r.ok) {
      expect(r.files).toBeGreaterThan(0);
      expect(r.files).toBeLessThan(N);
    }
  });

  it.each(METHODS)('%s: aborting rejects with an AbortError within 100 ms', async (method) => {
    const ac = new AbortController();
    const counting = countFiles(big, { method, recursive: true, lstatAll: true, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    ac.abort();
    await expect(counting).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t).toBeLessThan(100);
    // An already aborted signal rejects before starting.
    await expect(countFiles(big, { method, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    // And the walker is usable afterwards.
    expect((await countFiles(big, { method })).files).toBe(N);
  });

  it.each(METHODS)('%s: reports progress at most every 250 ms, then the result', async (method) => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const seen: FileCountProgress[] = [];
    const counting = countFiles(big, { method, lstatAll: true, onProgress: (p) => seen.push(p) });
    // Let the walker get going (real time), then move the progress clock.
    const t0 = Date.now();
    let last = 0;
    while (Date.now() - t0 < 5000) {
      await new Promise((r) => setTimeout(r, 10));
      vi.advanceTimersByTime(249);
      expect(seen.length).toBe(last); // not before 250 ms
      vi.advanceTimersByTime(1);
      expect(seen.length).toBe(++last);
      if (seen.at(-1)!.files > 0) break;
    }
    const r = await counting;
    expect(r.files).toBe(N);
    expect(seen.at(-1)!.files).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.files).toBeGreaterThanOrEqual(seen[i - 1]!.files);
    expect(seen.every((p) => p.files <= N && p.dirs === 0 && p.elapsedMs >= 0)).toBe(true);
    const after = seen.length;
    vi.advanceTimersByTime(1000);
    expect(seen.length).toBe(after); // none once the result is in
  });
});
