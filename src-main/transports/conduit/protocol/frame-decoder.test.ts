// The frame decoder is the first thing hostile bytes reach: whatever arrives, in whatever pieces,
// it yields exactly the frames a whole-buffer reading would, or a ProtocolError (and then nothing
// ever again), without buffering more than one frame's worth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, ProtocolError } from './frame-decoder.js';
import { encodeFrame, FRAME_HEADER_BYTES, FrameType, isFrameType, type Frame } from './frames.js';
import { decodeHello, encodeHello, HELLO_MAGIC, PROTOCOL_VERSION } from './messages.js';

const MAX = 256; // small so random input often forms real frames
const frameTypes = Object.values(FrameType);

type Outcome = { frames: Frame[]; error?: ProtocolError['code'] };

/** The specification, read off one whole buffer: frames up to the first malformed header. */
function reference(bytes: Buffer, max: number): Outcome {
  const frames: Frame[] = [];
  let off = 0;
  for (;;) {
    const left = bytes.length - off;
    if (left < 4) return { frames };
    const length = bytes.readUInt32BE(off);
    if (length > max) return { frames, error: 'frame_too_large' };
    if (length < 5) return { frames, error: 'frame_too_small' };
    if (left >= 5 && !isFrameType(bytes[off + 4]!)) return { frames, error: 'unknown_frame_type' };
    if (left < 4 + length) return { frames };
    frames.push({ type: bytes[off + 4] as FrameType, stream: bytes.readUInt32BE(off + 5), payload: Buffer.from(bytes.subarray(off + 9, off + 4 + length)) });
    off += 4 + length;
  }
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed: empty chunks are fine too). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  const out: Buffer[] = [];
  for (let i = 1; i < points.length; i++) out.push(bytes.subarray(points[i - 1]!, points[i]!));
  return out;
}

/** Feeds the chunks; checks the buffering bound after every push. */
function feed(decoder: FrameDecoder, chunks: Buffer[], max: number): Outcome & { thrown?: unknown } {
  const frames: Frame[] = [];
  for (const c of chunks) {
    try {
      decoder.push(c, (f) => frames.push({ ...f, payload: Buffer.from(f.payload) }));
    } catch (e) {
      return { frames, thrown: e, ...(e instanceof ProtocolError ? { error: e.code } : {}) };
    }
    // Between pushes at most one incomplete frame is held: its length is known and ≤ max.
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(max + 3);
  }
  return { frames };
}

const arbFrame = fc.record({
  type: fc.constantFrom(...frameTypes),
  stream: fc.integer({ min: 0, max: 0xffff_ffff }),
  payload: fc.uint8Array({ maxLength: MAX - 5 }),
});

/** Streams that are partly real frames and partly junk, so both paths get exercised. */
const arbStream = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  fc
    .array(fc.oneof(arbFrame.map((f) => encodeFrame(f.type, f.stream, f.payload)), fc.uint8Array({ minLength: 1, maxLength: 12 }).map((a) => Buffer.from(a))), { maxLength: 8 })
    .map((parts) => Buffer.concat(parts)),
  // A plausible header with a random type byte and small length.
  fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 })).map(([len, type, rest]) => {
    const h = Buffer.alloc(5);
    h.writeUInt32BE(len, 0);
    h.writeUInt8(type, 4);
    return Buffer.concat([h, rest]);
  }),
);
const arbCuts = fc.array(fc.nat(), { maxLength: 12 });

describe('FrameDecoder', () => {
  it('any bytes in any chunking: the frames of a whole reading, or a ProtocolError, and failed stays failed', () => {
    fc.assert(
      fc.property(arbStream, arbCuts, (bytes, cuts) => {
        const want = reference(bytes, MAX);
        const decoder = new FrameDecoder(MAX);
        const got = feed(decoder, split(bytes, cuts), MAX);
        if (got.thrown !== undefined) expect(got.thrown).toBeInstanceOf(ProtocolError);
        expect(got.error).toBe(want.error);
        expect(got.frames).toEqual(want.frames);
        if (want.error) {
          expect(decoder.bufferedBytes).toBe(0);
          // Nothing more is accepted, not even a perfectly good frame.
          const later: Frame[] = [];
          expect(() => decoder.push(encodeFrame(FrameType.Ping, 0, Buffer.alloc(8)), (f) => later.push(f))).toThrow(ProtocolError);
          expect(() => decoder.push(Buffer.from([0]), (f) => later.push(f))).toThrow(ProtocolError);
          expect(later).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('encodeFrame → any split → decode gives back exactly the frames sent', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 10 }), arbCuts, (sent, cuts) => {
        const wire = Buffer.concat(sent.map((f) => encodeFrame(f.type, f.stream, f.payload)));
        const decoder = new FrameDecoder(MAX);
        const got = feed(decoder, split(wire, cuts), MAX);
        expect(got.thrown).toBeUndefined();
        expect(got.frames.map((f) => ({ type: f.type, stream: f.stream, payload: [...f.payload] }))).toEqual(
          sent.map((f) => ({ type: f.type, stream: f.stream, payload: [...f.payload] })),
        );
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a frame of exactly the maximum is accepted; one byte more is not', () => {
    const decoder = new FrameDecoder(MAX);
    const frames: Frame[] = [];
    decoder.push(encodeFrame(FrameType.Data, 7, Buffer.alloc(MAX - 5, 0xab)), (f) => frames.push(f));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload.length).toBe(MAX - 5);
    expect(() => decoder.push(encodeFrame(FrameType.Data, 7, Buffer.alloc(MAX - 4)), () => undefined)).toThrow(
      expect.objectContaining({ code: 'frame_too_large' }),
    );
  });

  it('a huge length prefix fails as soon as the prefix is read, never buffering the claimed frame', () => {
    const max = 1024 * 1024;
    fc.assert(
      fc.property(fc.integer({ min: max + 1, max: 0xffff_ffff }), fc.uint8Array({ minLength: 20, maxLength: 64 }), (length, tail) => {
        const bytes = Buffer.concat([Buffer.alloc(4), Buffer.from([FrameType.Data]), Buffer.from(tail)]);
        bytes.writeUInt32BE(length, 0);
        const decoder = new FrameDecoder(max);
        let fed = 0;
        let error: unknown;
        for (const b of bytes) {
          try {
            decoder.push(Buffer.from([b]), () => expect.unreachable('no frame may come out'));
          } catch (e) {
            error = e;
            fed++;
            break;
          }
          fed++;
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(max + FRAME_HEADER_BYTES);
        }
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe('frame_too_large');
        expect(fed).toBeGreaterThanOrEqual(4);
        expect(fed).toBeLessThanOrEqual(9);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('a length below the header size is frame_too_small', () => {
    for (let len = 0; len < 5; len++) {
      const b = Buffer.alloc(12);
      b.writeUInt32BE(len, 0);
      b.writeUInt8(FrameType.Ping, 4);
      const decoder = new FrameDecoder(MAX);
      expect(() => decoder.push(b, () => expect.unreachable('no frame'))).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'frame_too_small' }));
    }
  });

  it('an unknown type is refused from the header alone, before its payload arrives', () => {
    for (const type of [0x00, 0x04, 0x19, 0x22, 0x42, 0xff]) {
      const b = Buffer.alloc(5);
      b.writeUInt32BE(100, 0);
      b.writeUInt8(type, 4);
      const decoder = new FrameDecoder(MAX);
      decoder.push(b.subarray(0, 4), () => expect.unreachable('no frame'));
      expect(() => decoder.push(b.subarray(4), () => expect.unreachable('no frame'))).toThrow(expect.objectContaining({ code: 'unknown_frame_type' }));
    }
  });

  it('a truncated frame just waits: no frame, no error, until the rest arrives', () => {
    fc.assert(
      fc.property(arbFrame, fc.nat(), (f, cut) => {
        const wire = encodeFrame(f.type, f.stream, f.payload);
        const at = cut % wire.length; // strictly short of the whole frame
        const decoder = new FrameDecoder(MAX);
        const frames: Frame[] = [];
        decoder.push(wire.subarray(0, at), (x) => frames.push(x));
        expect(frames).toEqual([]);
        expect(decoder.bufferedBytes).toBe(at);
        decoder.push(wire.subarray(at), (x) => frames.push(x));
        expect(frames).toHaveLength(1);
        expect(frames[0]!.type).toBe(f.type);
        expect(frames[0]!.stream).toBe(f.stream);
        expect([...frames[0]!.payload]).toEqual([...f.payload]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeHello', () => {
  const hello = { client: 'warren/test', features: ['udp'] };

  it('round-trips a hello of this version', () => {
    expect(decodeHello(encodeHello(hello))).toEqual({ version: PROTOCOL_VERSION, hello });
  });

  it('wrong magic (or too short to have one) is bad_message', () => {
    const good = encodeHello(hello);
    const wrong = Buffer.from(good);
    wrong.write('HTTP', 0, 'ascii');
    for (const payload of [wrong, HELLO_MAGIC, Buffer.alloc(0), Buffer.from('CND')]) {
      expect(() => decodeHello(payload)).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'bad_message' }));
    }
  });

  it('another protocol version is unsupported_version, whatever follows it', () => {
    for (const version of [0, 2, 99, 0xffff]) {
      let err: unknown;
      try {
        decodeHello(encodeHello(hello, version));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('unsupported_version');
      expect((err as ProtocolError).message).toContain(String(version));
    }
    const v2Junk = Buffer.concat([HELLO_MAGIC, Buffer.from([0, 2]), Buffer.from('not json')]);
    expect(() => decodeHello(v2Junk)).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
  });

  it('this version with a body that is not a valid hello is bad_message', () => {
    const head = Buffer.concat([HELLO_MAGIC, Buffer.from([0, PROTOCOL_VERSION])]);
    for (const body of ['not json', '[]', '{"client": 5}', JSON.stringify({ client: 'x'.repeat(201) })]) {
      expect(() => decodeHello(Buffer.concat([head, Buffer.from(body)]))).toThrow(expect.objectContaining({ code: 'bad_message' }));
    }
  });
});
