// Conduit's wire format inside TLS: every frame is
//   u32 length (of everything after these 4 bytes) | u8 type | u32 stream id | payload
// Control payloads are small UTF-8 JSON objects (validated with zod in messages.ts); DATA and
// DATAGRAM payloads are raw bytes. Big-endian throughout.

export const FRAME_HEADER_BYTES = 9;
/** Bytes counted by the length prefix besides the payload (type + stream id). */
export const FRAME_LENGTH_OVERHEAD = 5;
/** Default largest frame a peer accepts (length prefix value). Larger prefixes close the connection. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/** DATA payloads are cut to this size: big enough for throughput, small enough to interleave streams. */
export const MAX_DATA_PAYLOAD = 64 * 1024;

export const FrameType = {
  Hello: 0x01,
  HelloAck: 0x02,
  Error: 0x03,
  Open: 0x10,
  OpenOk: 0x11,
  OpenFail: 0x12,
  Data: 0x13,
  Window: 0x14,
  Fin: 0x15,
  Reset: 0x16,
  Datagram: 0x17,
  /** "May I reach this source?" — answered with OPEN_OK / OPEN_FAIL, nothing is dialed. */
  Check: 0x18,
  Ping: 0x20,
  Pong: 0x21,
  StatsRequest: 0x30,
  Stats: 0x31,
  Rotate: 0x40,
  RotateAck: 0x41,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

const knownTypes = new Set<number>(Object.values(FrameType));
export function isFrameType(n: number): n is FrameType {
  return knownTypes.has(n);
}

export interface Frame {
  type: FrameType;
  stream: number;
  payload: Buffer;
}

export function encodeFrame(type: FrameType, stream: number, payload?: Buffer | Uint8Array): Buffer {
  const len = payload?.length ?? 0;
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + len);
  out.writeUInt32BE(FRAME_LENGTH_OVERHEAD + len, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(stream >>> 0, 5);
  if (payload && len > 0) out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Just the 9 header bytes of a frame whose payload is written separately. */
export function encodeFrameHeader(type: FrameType, stream: number, payloadLength: number): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  out.writeUInt32BE(FRAME_LENGTH_OVERHEAD + payloadLength, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(stream >>> 0, 5);
  return out;
}

export function encodeJsonFrame(type: FrameType, stream: number, body: unknown): Buffer {
  return encodeFrame(type, stream, Buffer.from(JSON.stringify(body), 'utf8'));
}

export function encodeU32Frame(type: FrameType, stream: number, value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(value >>> 0, 0);
  return encodeFrame(type, stream, b);
}
