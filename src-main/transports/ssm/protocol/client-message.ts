// The binary frame of the SSM data channel: after the text OpenDataChannel frame, every WebSocket
// frame in either direction is one ClientMessage (docs: /work/shared/protocols/ssm-data-channel.md §2).
//
//   off size field
//     0    4 HeaderLength u32      = 116, everything before PayloadLength
//     4   32 MessageType           ASCII, space padded
//    36    4 SchemaVersion u32
//    40    8 CreatedDate u64       epoch ms
//    48    8 SequenceNumber i64
//    56    8 Flags u64
//    64   16 MessageId             UUID bytes 8–15, then 0–7 (halves swapped)
//    80   32 PayloadDigest         SHA-256 of the payload
//   112    4 PayloadType u32
//   116    4 PayloadLength u32
//   120    n Payload
// Big-endian throughout. This is the first place bytes from the network reach, so decode checks
// every length before reading and throws nothing but SsmProtocolError.
import { createHash, randomUUID } from 'node:crypto';

export const HEADER_LENGTH = 116;
/** HeaderLength + the PayloadLength field: where the payload starts in every real message. */
export const PAYLOAD_OFFSET = HEADER_LENGTH + 4;
export const MESSAGE_TYPE_BYTES = 32;
export const SCHEMA_VERSION = 1;

const OFF_MESSAGE_TYPE = 4;
const OFF_SCHEMA_VERSION = 36;
const OFF_CREATED_DATE = 40;
const OFF_SEQUENCE = 48;
const OFF_FLAGS = 56;
const OFF_MESSAGE_ID = 64;
const OFF_DIGEST = 80;
const OFF_PAYLOAD_TYPE = 112;
const DIGEST_BYTES = 32;

export const MessageType = {
  InputStreamData: 'input_stream_data',
  OutputStreamData: 'output_stream_data',
  Acknowledge: 'acknowledge',
  ChannelClosed: 'channel_closed',
  StartPublication: 'start_publication',
  PausePublication: 'pause_publication',
} as const;
export type KnownMessageType = (typeof MessageType)[keyof typeof MessageType];

export const PayloadType = {
  /** Nothing set: acknowledge messages carry 0. */
  None: 0,
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;
export type KnownPayloadType = (typeof PayloadType)[keyof typeof PayloadType];

/**
 * Header Flags bits (bit 0 SYN, bit 1 FIN). Nobody reads them; we send what the reference sides
 * send: 1 (SYN) on a side's sequence-0 stream message, 0 on the others, 3 on acknowledges.
 */
export const HeaderFlags = { None: 0n, Syn: 1n, Fin: 2n, Ack: 3n } as const;

export type SsmProtocolErrorCode =
  | 'truncated'
  | 'bad_header_length'
  | 'length_mismatch'
  | 'digest_mismatch'
  | 'bad_message_type'
  | 'missing_created_date'
  | 'field_out_of_range'
  | 'invalid_message'
  | 'bad_payload';

export class SsmProtocolError extends Error {
  constructor(
    readonly code: SsmProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SsmProtocolError';
  }
}

export interface ClientMessage {
  /** Any string up to 32 ASCII bytes; unknown types decode fine and are the caller's to ignore. */
  messageType: string;
  schemaVersion: number;
  /** Epoch milliseconds. */
  createdDate: number;
  /**
   * i64 on the wire, a number here: the reliable layer does arithmetic and keys maps with it, and
   * a session would need 2^53 messages (centuries) to leave the safe-integer range, so decode
   * refuses anything outside it rather than rounding silently.
   */
  sequenceNumber: number;
  /** u64 bit field nobody reads. Either type is encoded; decode always gives a bigint (exact). */
  flags: bigint | number;
  /** Canonical lowercase UUID; decode always yields this form, encode accepts any case. */
  messageId: string;
  payloadType: number;
  payload: Buffer;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const U64_MAX = (1n << 64n) - 1n;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** A message with the usual defaults: schema 1, now, a fresh id, no flags. */
export function newClientMessage(
  fields: Pick<ClientMessage, 'messageType' | 'sequenceNumber' | 'payloadType' | 'payload'> & Partial<Pick<ClientMessage, 'flags' | 'createdDate' | 'messageId'>>,
): ClientMessage {
  return {
    schemaVersion: SCHEMA_VERSION,
    createdDate: fields.createdDate ?? Date.now(),
    flags: fields.flags ?? HeaderFlags.None,
    messageId: fields.messageId ?? randomUUID(),
    messageType: fields.messageType,
    sequenceNumber: fields.sequenceNumber,
    payloadType: fields.payloadType,
    payload: fields.payload,
  };
}

export function payloadDigest(payload: Buffer | Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest();
}

export function encodeClientMessage(m: ClientMessage): Buffer {
  const type = m.messageType;
  if (type.length === 0 || type.length > MESSAGE_TYPE_BYTES || !/^[\x21-\x7e]+$/.test(type))
    throw new SsmProtocolError('invalid_message', `message type ${JSON.stringify(type)} is not 1–32 printable ASCII characters`);
  if (!UUID_RE.test(m.messageId)) throw new SsmProtocolError('invalid_message', `message id ${JSON.stringify(m.messageId)} is not a UUID`);
  checkU32(m.schemaVersion, 'schema version');
  checkU32(m.payloadType, 'payload type');
  if (!Number.isSafeInteger(m.createdDate) || m.createdDate < 0) throw new SsmProtocolError('invalid_message', `created date ${m.createdDate} is not a non-negative integer`);
  if (!Number.isSafeInteger(m.sequenceNumber)) throw new SsmProtocolError('invalid_message', `sequence number ${m.sequenceNumber} is not a safe integer`);
  const flags = toU64(m.flags);
  if (m.payload.length > 0xffff_ffff) throw new SsmProtocolError('invalid_message', 'payload longer than 4 GiB');

  const out = Buffer.alloc(PAYLOAD_OFFSET + m.payload.length);
  out.writeUInt32BE(HEADER_LENGTH, 0);
  out.fill(0x20, OFF_MESSAGE_TYPE, OFF_MESSAGE_TYPE + MESSAGE_TYPE_BYTES);
  out.write(type, OFF_MESSAGE_TYPE, 'ascii');
  out.writeUInt32BE(m.schemaVersion, OFF_SCHEMA_VERSION);
  out.writeBigUInt64BE(BigInt(m.createdDate), OFF_CREATED_DATE);
  out.writeBigInt64BE(BigInt(m.sequenceNumber), OFF_SEQUENCE);
  out.writeBigUInt64BE(flags, OFF_FLAGS);
  const id = Buffer.from(m.messageId.replaceAll('-', ''), 'hex');
  // The reference code writes the UUID's low 64 bits first (Java's UUID LSB/MSB order).
  id.copy(out, OFF_MESSAGE_ID, 8, 16);
  id.copy(out, OFF_MESSAGE_ID + 8, 0, 8);
  payloadDigest(m.payload).copy(out, OFF_DIGEST);
  out.writeUInt32BE(m.payloadType, OFF_PAYLOAD_TYPE);
  out.writeUInt32BE(m.payload.length, HEADER_LENGTH);
  out.set(m.payload, PAYLOAD_OFFSET);
  return out;
}

/**
 * Reads one message. The payload is a copy-free view into `buf`.
 * Stricter than the reference readers where they would read garbage (a HeaderLength shorter than
 * the fixed fields, bytes after the payload); as lax where they are lax on purpose:
 * start/pause_publication skip the digest and CreatedDate checks, as the plugin's Validate does.
 */
export function decodeClientMessage(buf: Buffer): ClientMessage {
  if (buf.length < PAYLOAD_OFFSET) throw new SsmProtocolError('truncated', `message of ${buf.length} bytes is shorter than the ${PAYLOAD_OFFSET}-byte header`);
  const headerLength = buf.readUInt32BE(0);
  if (headerLength < HEADER_LENGTH) throw new SsmProtocolError('bad_header_length', `header length ${headerLength} is below ${HEADER_LENGTH}`);
  // HeaderLength counts everything before PayloadLength, so a longer header (a future field) still
  // puts PayloadLength at headerLength and the payload right after it.
  if (headerLength > buf.length - 4) throw new SsmProtocolError('bad_header_length', `header length ${headerLength} runs past the ${buf.length}-byte message`);
  const payloadLength = buf.readUInt32BE(headerLength);
  const payloadStart = headerLength + 4;
  if (payloadLength !== buf.length - payloadStart)
    throw new SsmProtocolError('length_mismatch', `payload length ${payloadLength} but ${buf.length - payloadStart} bytes follow the header`);

  const messageType = buf
    .toString('latin1', OFF_MESSAGE_TYPE, OFF_MESSAGE_TYPE + MESSAGE_TYPE_BYTES)
    .replace(/^[\s\0]+|[\s\0]+$/g, '');
  if (!/^[\x21-\x7e]+$/.test(messageType)) throw new SsmProtocolError('bad_message_type', `message type ${JSON.stringify(messageType)} is empty or not printable ASCII`);
  const isPublication = messageType === MessageType.StartPublication || messageType === MessageType.PausePublication;

  const createdDate = safeNumber(buf.readBigUInt64BE(OFF_CREATED_DATE), 'created date');
  if (createdDate === 0 && !isPublication) throw new SsmProtocolError('missing_created_date', `${messageType} message has no created date`);
  const sequenceNumber = safeNumber(buf.readBigInt64BE(OFF_SEQUENCE), 'sequence number');

  const payload = buf.subarray(payloadStart);
  if (payload.length > 0 && !isPublication && !payloadDigest(payload).equals(buf.subarray(OFF_DIGEST, OFF_DIGEST + DIGEST_BYTES)))
    throw new SsmProtocolError('digest_mismatch', `${messageType} payload does not match its SHA-256 digest`);

  return {
    messageType,
    schemaVersion: buf.readUInt32BE(OFF_SCHEMA_VERSION),
    createdDate,
    sequenceNumber,
    flags: buf.readBigUInt64BE(OFF_FLAGS),
    messageId: uuidFromWire(buf.subarray(OFF_MESSAGE_ID, OFF_MESSAGE_ID + 16)),
    payloadType: buf.readUInt32BE(OFF_PAYLOAD_TYPE),
    payload,
  };
}

function uuidFromWire(wire: Buffer): string {
  const hex = Buffer.concat([wire.subarray(8, 16), wire.subarray(0, 8)]).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function safeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new SsmProtocolError('field_out_of_range', `${what} ${v} is beyond 2^53`);
  return Number(v);
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new SsmProtocolError('invalid_message', `${what} ${v} is not a u32`);
}

function toU64(v: bigint | number): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new SsmProtocolError('invalid_message', `flags ${v} is not an integer`);
  const b = BigInt(v);
  if (b < 0n || b > U64_MAX) throw new SsmProtocolError('invalid_message', `flags ${v} is not a u64`);
  return b;
}
