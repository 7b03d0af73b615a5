// Which mount target a file path goes through. The design routes with hash(path) % N; this uses
// rendezvous (highest-random-weight) hashing instead: every target scores the path and the highest
// score wins. Both are deterministic and balanced, but with modulo, going from N to N+1 targets
// moves about N/(N+1) of all paths to another target (NFS client caches, attribute caches and open
// handles all start cold), while with rendezvous only the ~1/(N+1) that the new target wins move,
// and a target that disappears only hands on its own paths. The answer depends on the set of
// mount target ids only — not on their order, the parameter's text or the task — so every task
// routes a path the same way.
//
// Speed: the path is hashed once (MurmurHash3 x86_32 over its UTF-8 bytes, see hash.ts) and each
// target's score is fmix32(pathHash XOR targetSeed), where targetSeed is the target id's own hash,
// computed once in createRouter. That is the usual "hash the key once, mix with each node's hash"
// form of rendezvous (as in Go's dgryski/go-rendezvous); it costs one multiply-xorshift round per
// target instead of rehashing the path per target. Equal scores (odds 2^-32 per pair) go to the
// lower id, so even ties do not depend on order.
//
// Which targets take part is the caller's choice: a task routes only among the targets it managed
// to mount (see mount-fallback.ts), so a task with a failed mount still routes every path
// consistently, among the rest.
import { fmix32, murmur3 } from './hash.js';

/** A mount target as routing sees it: its id, and the number N of its mount point /mnt/efs-N. */
export interface RouteTarget {
  readonly mount_target_id: string;
  /** The mount point number; defaults to the target's position in the list given to the router. */
  readonly index?: number;
}

export interface Router {
  /** The targets in the order given; route() answers a position in this list. */
  readonly targets: readonly RouteTarget[];
  /** The position (in `targets`) of the target for path. */
  route(path: string): number;
  /** The mount point number N (/mnt/efs-N) for path: the chosen target's `index`, or its position. */
  mountIndex(path: string): number;
  /** The path on the chosen mount point: /mnt/efs-N/<normalised path>. */
  resolve(path: string): string;
}

export const MOUNT_POINT_PREFIX = '/mnt/efs-';
const PATH_SEED = 0x5a17e11a; // arbitrary, fixed forever: changing either seed reroutes every path
const TARGET_SEED = 0x2f6b4c1d;

/** The directory a task mounts target number `index` on: /mnt/efs-0, /mnt/efs-1, … */
export function mountPointFor(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a mount point number is an integer ≥ 0, got ${index}`);
  return `${MOUNT_POINT_PREFIX}${index}`;
}

/** Whether the segment path[start, end) is "", "." or "..". */
function isDotOrEmpty(path: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0) return true;
  if (len > 2 || path.charCodeAt(start) !== 46) return false;
  return len === 1 || path.charCodeAt(start + 1) === 46;
}

/**
 * The path relative to the file system's root, so that equivalent spellings route (and resolve)
 * the same: "/a/b", "a/b", "./a/b", "a//b/", "a/./b" all become "a/b"; "", "/" and "." become "".
 * Only the spelling is normalised: no Unicode normalisation and no case folding, because NFS
 * compares names byte for byte and "é" (NFC) and "é" (NFD) are different files there.
 * A ".." segment is refused rather than resolved: resolving it by text is wrong across symlinks,
 * and a path that climbs out would leave the mount point.
 */
export function normalizePath(path: string): string {
  // Most paths are already clean: one scan, no allocation.
  let start = 0;
  let clean = true;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 47 /* "/" */) {
      if (isDotOrEmpty(path, start, i)) {
        clean = false;
        break;
      }
      start = i + 1;
    }
  }
  if (clean) return path;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new Error(`cannot route ${JSON.stringify(path)}: ".." segments are not allowed; resolve the path first`);
  return segments.join('/');
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A router over targets, with each target's seed computed once. Throws when there is no target
 * (nothing to route to) or an id or mount point number appears twice.
 */
export function createRouter(targets: readonly RouteTarget[]): Router {
  if (targets.length === 0) throw new Error('cannot route: there is no mount target to route to');
  const list = targets.map((t) => ({ ...t }));
  const ids = new Set<string>();
  const indices = new Set<number>();
  list.forEach((t, position) => {
    if (ids.has(t.mount_target_id)) throw new Error(`cannot route: mount target ${t.mount_target_id} is listed twice`);
    ids.add(t.mount_target_id);
    const index = t.index ?? position;
    mountPointFor(index); // validates it
    if (indices.has(index)) throw new Error(`cannot route: two mount targets share mount point ${mountPointFor(index)}`);
    indices.add(index);
  });

  // Scored in id order and replaced only by a strictly higher score, so a tie goes to the lower id.
  const order = list.map((t, position) => ({ id: t.mount_target_id, position })).sort((a, b) => byText(a.id, b.id));
  const n = order.length;
  const seeds = new Int32Array(n);
  const positions = new Int32Array(n);
  order.forEach((o, j) => {
    seeds[j] = murmur3(o.id, TARGET_SEED);
    positions[j] = o.position;
  });
  const mountIndices = list.map((t, position) => t.index ?? position);

  const routeNormalized = (normalized: string): number => {
    const h = murmur3(normalized, PATH_SEED);
    let best = 0;
    let bestScore = fmix32(h ^ seeds[0]!);
    for (let j = 1; j < n; j++) {
      const score = fmix32(h ^ seeds[j]!);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    return positions[best]!;
  };

  return {
    targets: list,
    route: (path) => routeNormalized(normalizePath(path)),
    mountIndex: (path) => mountIndices[routeNormalized(normalizePath(path))]!,
    resolve: (path) => {
      const normalized = normalizePath(path);
      const mountPoint = mountPointFor(mountIndices[routeNormalized(normalized)]!);
      return normalized === '' ? mountPoint : `${mountPoint}/${normalized}`;
    },
  };
}

/** The position in targets of the target for path. Builds a router each call: keep one with createRouter on a hot path. */
export function routePath(path: string, targets: readonly RouteTarget[]): number {
  return createRouter(targets).route(path);
}

/** /mnt/efs-N/<normalised path> for the target the router chooses. */
export function resolvePath(path: string, router: Router): string {
  return router.resolve(path);
}
