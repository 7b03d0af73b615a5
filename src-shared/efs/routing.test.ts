import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRouter, mountPointFor, normalizePath, resolvePath, routePath, type RouteTarget } from './routing.js';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const idArb = fc.oneof(hex(8), hex(17)).map((h) => `fsmt-${h}`);
const idsArb = (min: number, max: number) => fc.uniqueArray(idArb, { minLength: min, maxLength: max });
const targetsOf = (ids: readonly string[]): RouteTarget[] => ids.map((mount_target_id) => ({ mount_target_id }));
const permutationOf = <T>(list: readonly T[]) => fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });

const segmentArb = fc.string({ unit: fc.oneof(fc.constantFrom(...'abcxyz019_-. '), fc.constantFrom('é', 'ü', '日', '本', '😀')), minLength: 1, maxLength: 12 }).filter(
  (s) => s !== '.' && s !== '..',
);
/** A clean relative path: what normalizePath returns. */
const pathArb = fc.array(segmentArb, { minLength: 1, maxLength: 6 }).map((segments) => segments.join('/'));
/** The target id a router picks for path: the answer that must not depend on order or instance. */
const chosenId = (targets: readonly RouteTarget[], path: string): string => targets[routePath(path, targets)]!.mount_target_id;

/** mulberry32: a tiny seeded PRNG, so the bulk paths of a run follow from fast-check's seed. */
function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type PathStyle = 'sequential' | 'dated' | 'random';
/** count distinct paths in one of the shapes real trees have; sequential names are the hard case for weak hashes. */
function bulkPaths(style: PathStyle, seed: number, count: number): string[] {
  const rnd = prng(seed);
  const pick = (s: string): string => s[Math.floor(rnd() * s.length)]!;
  const prefix = `tenant-${seed >>> 0}`;
  return Array.from({ length: count }, (_, i) => {
    if (style === 'sequential') return `${prefix}/file-${i}.dat`;
    if (style === 'dated') return `${prefix}/2024/${(i % 12) + 1}/${i % 28}/img_${String(i).padStart(7, '0')}.jpg`;
    let name = 'f'; // never "." or ".."
    for (let k = 0; k < 4 + Math.floor(rnd() * 20); k++) name += pick('abcdefghijklmnopqrstuvwxyz0123456789_-.éü日');
    return `${prefix}/${name}/${i}`;
  });
}
const styleArb = fc.constantFrom<PathStyle>('sequential', 'dated', 'random');

// χ² critical values at the 0.999 quantile (upper tail 0.001) for 3…7 degrees of freedom, from the
// NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4 "Critical Values of the Chi-Square
// Distribution" (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3674.htm).
const CHI2_999: Readonly<Record<number, number>> = { 3: 16.266, 4: 18.467, 5: 20.515, 6: 22.458, 7: 24.322 };

function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('normalizePath', () => {
  it.each([
    ['a/b', 'a/b'],
    ['/a/b', 'a/b'],
    ['./a/b', 'a/b'],
    ['././a//b/', 'a/b'],
    ['a/./b', 'a/b'],
    ['//a///b//', 'a/b'],
    ['', ''],
    ['/', ''],
    ['.', ''],
    ['.hidden/..x/x..', '.hidden/..x/x..'],
  ])('%j is %j', (path, normal) => expect(normalizePath(path)).toBe(normal));

  it('refuses ".." rather than guess what it climbs to', () => {
    expect(() => normalizePath('a/../../etc/passwd')).toThrow('".." segments are not allowed');
    expect(() => normalizePath('..')).toThrow('".."');
  });

  it('leaves Unicode as it is: NFC and NFD are different names on NFS', () => {
    expect(normalizePath('caf\u00e9')).not.toBe(normalizePath('cafe\u0301'));
  });

  it('is idempotent and leaves clean paths alone', () => {
    fc.assert(
      fc.property(pathArb, (p) => {
        expect(normalizePath(p)).toBe(p);
        expect(normalizePath(normalizePath(`/./${p}//`))).toBe(p);
      }),
    );
  });
});

describe('routing', () => {
  it('Feature: efs-mount-target-autoscaling, Property 5: ハッシュベースルーティングの一貫性 (a path always goes to the same target, in any router, in any order)', () => {
    fc.assert(
      fc.property(
        idsArb(1, 8).chain((ids) => fc.tuple(fc.constant(ids), permutationOf(ids))),
        fc.array(pathArb, { minLength: 1, maxLength: 20 }),
        ([ids, shuffled], paths) => {
          const a = createRouter(targetsOf(ids));
          const b = createRouter(targetsOf(ids));
          const c = createRouter(targetsOf(shuffled));
          for (const p of paths) {
            const id = a.targets[a.route(p)]!.mount_target_id;
            expect(a.targets[a.route(p)]!.mount_target_id).toBe(id);
            expect(b.targets[b.route(p)]!.mount_target_id).toBe(id);
            expect(c.targets[c.route(p)]!.mount_target_id).toBe(id);
            expect(chosenId(targetsOf(shuffled), p)).toBe(id);
            // Equivalent spellings of the path go to the same target.
            for (const spelling of [`/${p}`, `./${p}`, `${p}/`, p.replace('/', '//'), p.replace('/', '/./')])
              expect(c.targets[c.route(spelling)]!.mount_target_id).toBe(id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('Feature: efs-mount-target-autoscaling, Property 6: ハッシュベースルーティングの分散性 (χ² of 20,000 paths over 4–8 targets below the 0.999 critical value)', () => {
    // A test at the 0.999 level fails one run in a thousand even for a perfect hash, so 100 runs with
    // fresh random inputs would fail about one CI run in ten. The fast-check seed is fixed: the runs
    // are still 100 different target sets and path sets, but the same ones every time.
    fc.assert(
      fc.property(idsArb(4, 8), styleArb, fc.integer(), (ids, style, seed) => {
        const router = createRouter(targetsOf(ids));
        const counts = new Array<number>(ids.length).fill(0);
        for (const p of bulkPaths(style, seed, 20_000)) counts[router.route(p)]!++;
        expect(chiSquare(counts)).toBeLessThan(CHI2_999[ids.length - 1]!);
      }),
      { numRuns: 100, seed: 20240611 },
    );
  });

  it('adding a target moves only paths that now go to it', () => {
    fc.assert(
      fc.property(idsArb(2, 9), fc.array(pathArb, { minLength: 1, maxLength: 200 }), (ids, paths) => {
        const before = targetsOf(ids.slice(1));
        const after = targetsOf(ids);
        for (const p of paths) {
          const now = chosenId(after, p);
          if (now !== chosenId(before, p)) expect(now).toBe(ids[0]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('removing a target moves only the paths it had', () => {
    fc.assert(
      fc.property(idsArb(2, 9), fc.array(pathArb, { minLength: 1, maxLength: 200 }), (ids, paths) => {
        const all = targetsOf(ids);
        const rest = targetsOf(ids.slice(1));
        for (const p of paths) if (chosenId(all, p) !== ids[0]) expect(chosenId(rest, p)).toBe(chosenId(all, p));
      }),
      { numRuns: 300 },
    );
  });

  it('going from 3 to 4 targets moves a quarter of 20,000 paths (0.25 ± 0.03)', () => {
    fc.assert(
      fc.property(idsArb(4, 4), styleArb, fc.integer(), (ids, style, seed) => {
        const three = createRouter(targetsOf(ids.slice(0, 3)));
        const four = createRouter(targetsOf(ids));
        const paths = bulkPaths(style, seed, 20_000);
        let moved = 0;
        for (const p of paths) if (three.route(p) !== four.route(p)) moved++;
        expect(Math.abs(moved / paths.length - 0.25)).toBeLessThanOrEqual(0.03);
      }),
      { numRuns: 100 },
    );
  });

  it('is frozen: these answers must never change, or tasks of two versions would disagree', () => {
    const router = createRouter(targetsOf(['fsmt-12345678', 'fsmt-87654321', 'fsmt-0abc1234def567890']));
    const answers = ['', 'a', 'data/2024/01/img_0000001.jpg', 'ユーザー/写真.png', 'logs/app.log', 'x/y/z'].map((p) => router.route(p));
    expect(answers).toEqual([2, 1, 0, 2, 1, 1]);
  });

  it('mounts target N on /mnt/efs-N and resolves paths under it', () => {
    expect(mountPointFor(0)).toBe('/mnt/efs-0');
    expect(mountPointFor(12)).toBe('/mnt/efs-12');
    expect(() => mountPointFor(-1)).toThrow(RangeError);
    expect(() => mountPointFor(1.5)).toThrow(RangeError);
    const router = createRouter(targetsOf(['fsmt-12345678', 'fsmt-87654321', 'fsmt-0abc1234def567890']));
    expect(resolvePath('data/2024/01/img_0000001.jpg', router)).toBe('/mnt/efs-0/data/2024/01/img_0000001.jpg');
    expect(resolvePath('//./logs//app.log', router)).toBe('/mnt/efs-1/logs/app.log');
    expect(resolvePath('/', router)).toBe('/mnt/efs-2');
  });

  it("uses a target's own mount point number when it has one", () => {
    fc.assert(
      fc.property(idsArb(1, 8), fc.array(pathArb, { minLength: 1, maxLength: 20 }), (ids, paths) => {
        const router = createRouter(ids.map((mount_target_id, i) => ({ mount_target_id, index: 10 + 2 * i })));
        for (const p of paths) {
          const position = router.route(p);
          expect(router.mountIndex(p)).toBe(10 + 2 * position);
          expect(router.resolve(p)).toBe(`/mnt/efs-${10 + 2 * position}/${p}`);
        }
      }),
    );
  });

  it('refuses what it cannot route', () => {
    expect(() => createRouter([])).toThrow('there is no mount target');
    expect(() => createRouter(targetsOf(['fsmt-12345678', 'fsmt-12345678']))).toThrow('listed twice');
    expect(() => createRouter([{ mount_target_id: 'fsmt-12345678', index: 1 }, { mount_target_id: 'fsmt-87654321' }])).toThrow('share mount point /mnt/efs-1');
  });
});
