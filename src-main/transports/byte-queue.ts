// Received bytes waiting to be cut into frames, as the chunks they arrived in: a frame that sits
// inside one chunk is returned as a view (no copy); only a frame spanning chunks is copied out.
// Shared by the framed protocols (Conduit's frame decoder, SSM's smux decoder).
export class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  /** Up to n leading bytes without consuming them (fewer when fewer are queued). */
  peek(n: number): Buffer {
    const first = this.chunks[0];
    if (!first) return Buffer.alloc(0);
    if (first.length >= n || this.chunks.length === 1) return first.subarray(0, Math.min(n, first.length));
    return Buffer.concat(this.chunks, Math.min(n, this.size));
  }

  /** Removes and returns exactly n bytes; the caller has checked `length >= n`. */
  take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.size -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, off, 0, want);
        this.chunks[0] = c.subarray(want);
        off += want;
      }
    }
    this.size -= n;
    return out;
  }
}
