// The ClientMessage codec is where the network's bytes arrive first: whatever comes in yields a
// message or an SsmProtocolError, never a RangeError from a read past the end. The fixed vector is
// written out field by field from the table in the notes, not produced by the encoder.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeClientMessage,
  encodeClientMessage,
  HEADER_LENGTH,
  MessageType,
  newClientMessage,
  PAYLOAD_OFFSET,
  PayloadType,
  SsmProtocolError,
  type ClientMessage,
  type SsmProtocolErrorCode,
} from './client-message.js';

const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const arbMessage = fc.record({
  messageType: fc.oneof(fc.constantFrom(...Object.values(MessageType)), fc.string({ unit: printable, minLength: 1, maxLength: 32 })),
  schemaVersion: fc.integer({ min: 0, max: 0xffff_ffff }),
  createdDate: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sequenceNumber: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  flags: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  messageId: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }),
  upper: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 0xffff_ffff }),
  payload: fc.oneof({ weight: 1, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 4, arbitrary: fc.uint8Array({ maxLength: 3000 }) }),
});

function sha256(b: Uint8Array): Buffer {
  return createHash('sha256').update(b).digest();
}

function codeOf(f: () => unknown): SsmProtocolErrorCode | 'no error' {
  try {
    f();
    return 'no error';
  } catch (e) {
    if (e instanceof SsmProtocolError) return e.code;
    throw e;
  }
}

function valid(overrides: Partial<ClientMessage> = {}): Buffer {
  return encodeClientMessage(
    newClientMessage({ messageType: MessageType.OutputStreamData, sequenceNumber: 4, payloadType: PayloadType.Output, payload: Buffer.from('hello'), ...overrides }),
  );
}

describe('encodeClientMessage / decodeClientMessage', () => {
  it('round-trips any message; digest, swapped id halves and padding sit where the table says', () => {
    fc.assert(
      fc.property(arbMessage, ({ upper, ...m }) => {
        const payload = Buffer.from(m.payload);
        const message: ClientMessage = { ...m, messageId: upper ? m.messageId.toUpperCase() : m.messageId, payload };
        const wire = encodeClientMessage(message);

        expect(wire.length).toBe(PAYLOAD_OFFSET + payload.length);
        expect(wire.readUInt32BE(0)).toBe(HEADER_LENGTH);
        const padded = Buffer.alloc(32, 0x20);
        padded.write(m.messageType, 'ascii');
        expect(wire.subarray(4, 36)).toEqual(padded);
        const id = Buffer.from(m.messageId.replaceAll('-', ''), 'hex');
        expect(wire.subarray(64, 72)).toEqual(id.subarray(8, 16));
        expect(wire.subarray(72, 80)).toEqual(id.subarray(0, 8));
        expect(wire.subarray(80, 112)).toEqual(sha256(payload));
        expect(wire.readUInt32BE(116)).toBe(payload.length);

        const back = decodeClientMessage(wire);
        expect(back).toEqual({ ...m, messageId: m.messageId.toLowerCase(), payload });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips a large payload', () => {
    const payload = Buffer.alloc(1024 * 1024 + 7, 0xab);
    const m = newClientMessage({ messageType: MessageType.InputStreamData, sequenceNumber: 1, payloadType: PayloadType.Output, payload });
    const back = decodeClientMessage(encodeClientMessage(m));
    expect(back.payload.equals(payload)).toBe(true);
    expect(back.flags).toBe(0n);
  });

  it('matches a vector built by hand from the table', () => {
    const fields: Array<[offset: number, hex: string]> = [
      [0, '00000074'], // HeaderLength 116
      [4, Buffer.from('acknowledge').toString('hex') + '20'.repeat(21)], // 11 chars + 21 spaces
      [36, '00000001'], // SchemaVersion
      [40, '0000018f2a3b4c5d'], // CreatedDate
      [48, '0000000000000007'], // SequenceNumber 7
      [56, '0000000000000003'], // Flags 3
      [64, '8899aabbccddeeff' + '0011223344556677'], // MessageId 00112233-4455-6677-8899-aabbccddeeff, halves swapped
      [80, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'], // SHA-256("abc")
      [112, '00000000'], // PayloadType 0
      [116, '00000003'], // PayloadLength
      [120, '616263'], // "abc"
    ];
    const expected = Buffer.from(fields.map(([, hex]) => hex).join(''), 'hex');
    const message: ClientMessage = {
      messageType: 'acknowledge',
      schemaVersion: 1,
      createdDate: 0x18f2a3b4c5d,
      sequenceNumber: 7,
      flags: 3,
      messageId: '00112233-4455-6677-8899-aabbccddeeff',
      payloadType: 0,
      payload: Buffer.from('abc'),
    };
    const wire = encodeClientMessage(message);
    expect(wire.length).toBe(123);
    for (const [offset, hex] of fields) {
      const want = Buffer.from(hex, 'hex');
      for (let i = 0; i < want.length; i++) expect({ at: offset + i, byte: wire[offset + i] }).toEqual({ at: offset + i, byte: want[i] });
    }
    expect(wire.equals(expected)).toBe(true);
    expect(decodeClientMessage(expected)).toEqual({ ...message, flags: 3n });
  });

  it('strips NUL and whitespace padding from the message type', () => {
    const wire = valid();
    wire.fill(0, 4, 36);
    wire.write('acknowledge', 4, 'ascii');
    expect(decodeClientMessage(wire).messageType).toBe('acknowledge');
    wire.fill(0x20, 4, 36);
    wire.write('channel_closed', 10, 'ascii'); // leading spaces, trailing spaces
    wire[35] = 0;
    expect(decodeClientMessage(wire).messageType).toBe('channel_closed');
  });

  it('finds the payload after a longer header (HeaderLength, then PayloadLength, then payload)', () => {
    const base = valid();
    const extra = Buffer.from([9, 9, 9, 9]);
    const wire = Buffer.concat([base.subarray(0, 116), extra, base.subarray(116)]);
    wire.writeUInt32BE(120, 0);
    const m = decodeClientMessage(wire);
    expect(m.payload.toString()).toBe('hello');
  });
});

describe('decodeClientMessage refuses malformed input', () => {
  it('short buffers', () => {
    for (let n = 0; n < PAYLOAD_OFFSET; n++) expect(codeOf(() => decodeClientMessage(valid().subarray(0, n)))).toBe('truncated');
  });

  it('a HeaderLength that lies', () => {
    for (const hl of [0, 4, 115]) {
      const wire = valid();
      wire.writeUInt32BE(hl, 0);
      expect(codeOf(() => decodeClientMessage(wire))).toBe('bad_header_length');
    }
    for (const hl of [123, 122, 0xffff_ffff]) {
      const wire = valid(); // 125 bytes: HeaderLength may be at most 121
      wire.writeUInt32BE(hl, 0);
      expect(codeOf(() => decodeClientMessage(wire))).toBe('bad_header_length');
    }
    const wire = valid();
    wire.writeUInt32BE(117, 0); // plausible, but PayloadLength is then read from the wrong place
    expect(codeOf(() => decodeClientMessage(wire))).toBe('length_mismatch');
  });

  it('a PayloadLength beyond the buffer, or short of it', () => {
    for (const len of [6, 1000, 0xffff_ffff, 4, 0]) {
      const wire = valid();
      wire.writeUInt32BE(len, 116);
      expect(codeOf(() => decodeClientMessage(wire))).toBe('length_mismatch');
    }
    expect(codeOf(() => decodeClientMessage(valid().subarray(0, 124)))).toBe('length_mismatch');
  });

  it('a digest that does not match a non-empty payload', () => {
    const wire = valid();
    wire[PAYLOAD_OFFSET] = wire[PAYLOAD_OFFSET]! ^ 1;
    expect(codeOf(() => decodeClientMessage(wire))).toBe('digest_mismatch');
    const wire2 = valid();
    wire2[90] = wire2[90]! ^ 0x80;
    expect(codeOf(() => decodeClientMessage(wire2))).toBe('digest_mismatch');
  });

  it('but not for an empty payload, nor for start/pause_publication (the plugin skips those checks)', () => {
    const empty = valid({ payload: Buffer.alloc(0) });
    empty.fill(0, 80, 112);
    expect(decodeClientMessage(empty).payload.length).toBe(0);
    const pub = valid({ messageType: MessageType.PausePublication });
    pub.fill(0, 80, 112);
    pub.fill(0, 40, 48);
    expect(decodeClientMessage(pub).messageType).toBe('pause_publication');
  });

  it('an empty or non-ASCII message type, a zero CreatedDate, a sequence number past 2^53', () => {
    const blank = valid();
    blank.fill(0x20, 4, 36);
    expect(codeOf(() => decodeClientMessage(blank))).toBe('bad_message_type');
    const high = valid();
    high[5] = 0xc3;
    expect(codeOf(() => decodeClientMessage(high))).toBe('bad_message_type');
    expect(codeOf(() => decodeClientMessage(valid({ createdDate: 0 })))).toBe('missing_created_date');
    const seq = valid();
    seq.writeBigInt64BE(1n << 53n, 48);
    expect(codeOf(() => decodeClientMessage(seq))).toBe('field_out_of_range');
    seq.writeBigInt64BE(-(1n << 60n), 48);
    expect(codeOf(() => decodeClientMessage(seq))).toBe('field_out_of_range');
  });

  it('random bytes and mutated messages: a message or an SsmProtocolError, nothing else', () => {
    const arbBytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
      // A real message with a few bytes overwritten and maybe cut short, so the deep checks run.
      fc
        .tuple(arbMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat()))
        .map(([{ upper: _upper, ...m }, edits, cut]) => {
          const wire = encodeClientMessage({ ...m, payload: Buffer.from(m.payload) });
          for (const [at, byte] of edits) wire[at % wire.length] = byte;
          return cut === null ? wire : wire.subarray(0, cut % (wire.length + 1));
        }),
    );
    fc.assert(
      fc.property(arbBytes, (bytes) => {
        try {
          const m = decodeClientMessage(bytes);
          expect(PAYLOAD_OFFSET + m.payload.length).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(SsmProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeClientMessage refuses what it cannot write', () => {
  it.each([
    ['an empty type', { messageType: '' }],
    ['a type over 32 bytes', { messageType: 'x'.repeat(33) }],
    ['a type with a space', { messageType: 'a b' }],
    ['a non-UUID id', { messageId: 'not-a-uuid' }],
    ['a fractional sequence number', { sequenceNumber: 1.5 }],
    ['an unsafe sequence number', { sequenceNumber: 2 ** 60 }],
    ['negative flags', { flags: -1n }],
    ['flags past u64', { flags: 1n << 64n }],
    ['a payload type past u32', { payloadType: 2 ** 32 }],
    ['a negative created date', { createdDate: -1 }],
  ])('%s', (_name, overrides) => {
    const m = newClientMessage({ messageType: 'acknowledge', sequenceNumber: 0, payloadType: 0, payload: Buffer.alloc(0) });
    expect(codeOf(() => encodeClientMessage({ ...m, ...overrides }))).toBe('invalid_message');
  });
});
