// Splits a byte stream into newline-terminated lines with a hard cap on line length, so a client
// that sends 10 MB without a newline costs us at most the cap in memory and gets a clear error.

export type LineEvent = { kind: 'line'; text: string } | { kind: 'overflow'; bytes: number };

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** After an overflow we drop bytes until the next newline. */
  private skipping = false;
  private skipped = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.skipping) this.skipped += piece.length;
      else if (this.size + piece.length > this.maxLineBytes) {
        this.skipping = true;
        this.skipped = this.size + piece.length;
        this.parts = [];
        this.size = 0;
      } else if (piece.length) {
        this.parts.push(piece);
        this.size += piece.length;
      }
      if (nl === -1) break;
      if (this.skipping) {
        out.push({ kind: 'overflow', bytes: this.skipped });
        this.skipping = false;
        this.skipped = 0;
      } else {
        const text = Buffer.concat(this.parts, this.size).toString('utf8').replace(/\r$/, '');
        this.parts = [];
        this.size = 0;
        if (text.trim() !== '') out.push({ kind: 'line', text });
      }
      start = nl + 1;
    }
    return out;
  }

  /** True while an over-long line is being discarded (the caller may answer before its end). */
  get overflowing(): boolean {
    return this.skipping;
  }
}
