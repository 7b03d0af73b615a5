// After a burst of traffic, V8 keeps the young generation it grew and the freed Buffers until its
// next collection, which an idle daemon may not run for hours: tens of MB of RSS that no one uses.
// When traffic has gone quiet we ask for one full collection. gc is exposed at run time the way
// Node's v8.setFlagsFromString docs show, so no command-line flag is needed (Electron included);
// then glibc is asked to return the freed pages (malloc_trim).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

// Cap the young generation: a tunnel's garbage is short-lived Buffers, and a big nursery only adds RSS.
v8.setFlagsFromString('--max-semi-space-size=1');

let gcFn: (() => void) | undefined | null;

function getGc(): (() => void) | undefined {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  return gcFn ?? undefined;
}

let trimFn: (() => boolean) | undefined | null;

/**
 * malloc_trim(0) from our small N-API addon (src-main/native/malloc-trim.c, built by `npm ci`
 * through binding.gyp). GC frees the Buffers; only this gives glibc's freed pages back to the OS.
 * Absent (not built, not glibc): a no-op.
 */
function getTrim(): (() => boolean) | undefined {
  if (trimFn === undefined) {
    trimFn = null;
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
      const candidate = path.join(dir, 'build', 'Release', 'malloc_trim.node');
      if (fs.existsSync(candidate)) {
        try {
          trimFn = (createRequire(import.meta.url)(candidate) as { trim: () => boolean }).trim;
        } catch {
          trimFn = null;
        }
        break;
      }
      dir = path.dirname(dir);
    }
  }
  return trimFn ?? undefined;
}

/** Growth since the last collection (RSS) or unused JS heap that warrants another one when quiet. */
const GROWTH_BYTES = 16 * 1024 * 1024;
/** Collections not caused by traffic are at most this frequent. */
const MIN_GAP_MS = 30_000;

export interface MemoryProbe {
  rss(): number;
  /** Bytes the JS heap holds but does not use (total - used). */
  heapSlack(): number;
}

const processMemory: MemoryProbe = {
  rss: () => process.memoryUsage.rss(),
  heapSlack: () => {
    const h = v8.getHeapStatistics();
    return h.total_heap_size - h.used_heap_size;
  },
};

export class IdleCollector {
  private lastTotal = 0;
  private lastChangeAt = 0;
  private dirty = false;
  private rssAfterCollect: number;
  private lastCollectAt = 0;

  constructor(
    private readonly quietMs: number,
    private readonly memory: MemoryProbe = processMemory,
  ) {
    this.rssAfterCollect = memory.rss();
  }

  /**
   * Feed the running byte total about once a second. When bytes have been still for quietMs it
   * collects if they moved since the last collection, or (at most every MIN_GAP_MS) if the process
   * grew by GROWTH_BYTES since then or the JS heap holds that much unused. Returns whether it did.
   */
  observe(totalBytes: number, now = Date.now()): boolean {
    if (totalBytes !== this.lastTotal) {
      this.lastTotal = totalBytes;
      this.lastChangeAt = now;
      this.dirty = true;
      return false;
    }
    if (now - this.lastChangeAt < this.quietMs) return false;
    const grown = now - this.lastCollectAt >= MIN_GAP_MS && (this.memory.rss() - this.rssAfterCollect >= GROWTH_BYTES || this.memory.heapSlack() >= GROWTH_BYTES);
    if (!this.dirty && !grown) return false;
    this.dirty = false;
    getGc()?.();
    getTrim()?.();
    this.lastCollectAt = now;
    this.rssAfterCollect = this.memory.rss();
    return true;
  }
}
