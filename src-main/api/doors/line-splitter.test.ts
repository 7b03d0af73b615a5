import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineEvent } from './line-splitter.js';

function feed(max: number, chunks: Buffer[]): LineEvent[] {
  const s = new LineSplitter(max);
  return chunks.flatMap((c) => s.push(c));
}

describe('LineSplitter', () => {
  it('yields the same lines however the bytes are chunked, and over-long lines as overflow', () => {
    const line = fc.oneof(fc.string({ maxLength: 40 }).map((t) => t.replace(/[\r\n]/g, ' ')), fc.constant('x'.repeat(100)));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const whole = Buffer.from(lines.map((l) => l + '\n').join(''));
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, whole.length]) {
          chunks.push(whole.subarray(prev, p));
          prev = p;
        }
        const expected: LineEvent[] = lines
          .filter((l) => l.trim() !== '')
          .map((l) => (Buffer.byteLength(l) > 64 ? { kind: 'overflow', bytes: Buffer.byteLength(l) } : { kind: 'line', text: l }));
        expect(feed(64, chunks)).toEqual(expected);
      }),
    );
  });

  it('keeps memory bounded while a huge line streams in, and recovers at its newline', () => {
    const s = new LineSplitter(1024);
    for (let i = 0; i < 100; i++) expect(s.push(Buffer.alloc(100_000, 0x61))).toEqual([]);
    expect(s.overflowing).toBe(true);
    expect(s.push(Buffer.from('\n{"ok":1}\n'))).toEqual([
      { kind: 'overflow', bytes: 10_000_000 },
      { kind: 'line', text: '{"ok":1}' },
    ]);
  });
});
