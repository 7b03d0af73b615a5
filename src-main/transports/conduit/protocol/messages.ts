// The control messages of Conduit's protocol. They cross a network boundary, so every one is
// parsed with zod; a malformed message is a ProtocolError that closes the connection.
import { z } from 'zod';
import { ParseLimitError, parseJsonBounded } from '../../../../src-shared/logic/parse-limits.js';
import { ProtocolError } from './frame-decoder.js';

/** Wire protocol version spoken by this build. A router refuses any other with `unsupported_version`. */
export const PROTOCOL_VERSION = 1;
/** First four bytes of the HELLO payload: a plain TCP/TLS client that is not Conduit fails here. */
export const HELLO_MAGIC = Buffer.from('CNDT', 'ascii');

export const helloSchema = z.object({
  client: z.string().max(200),
  /** Fingerprint of the key the client authenticates with (informational; the TLS cert decides). */
  features: z.array(z.string().max(50)).max(50).default([]),
});
export type Hello = z.infer<typeof helloSchema>;

export const helloAckSchema = z.object({
  version: z.number().int(),
  router: z.string().max(200),
  client_name: z.string().max(200),
  session_id: z.string().max(100),
  max_frame_bytes: z.number().int().positive(),
  initial_window: z.number().int().positive(),
  /** Set when the key used is in its rotation grace period: clients should switch to the new key. */
  key_status: z.enum(['current', 'grace']).default('current'),
  grace_until: z.string().nullable().default(null),
});
export type HelloAck = z.infer<typeof helloAckSchema>;

export const errorCodes = [
  'unsupported_version',
  'unauthorized',
  'key_expired',
  'handshake_timeout',
  'protocol_error',
  'shutting_down',
  'not_allowed',
  'unknown_source',
  'source_unavailable',
  'source_unreachable',
  'stream_limit',
  'bad_request',
  'internal',
] as const;
export type ConduitErrorCode = (typeof errorCodes)[number];

export const errorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string().max(2000),
});
export type ConduitErrorBody = z.infer<typeof errorSchema>;

export const openSchema = z.object({
  /** "host:port" as seen from the router, or the name of a source group defined on the router. */
  source: z.string().min(1).max(300),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  /** Bytes the opener may receive before it sends WINDOW credit. */
  window: z.number().int().positive().max(64 * 1024 * 1024),
});
export type OpenRequest = z.infer<typeof openSchema>;

export const openOkSchema = z.object({
  endpoint: z.string().max(300),
  window: z.number().int().positive().max(64 * 1024 * 1024),
});
export type OpenOk = z.infer<typeof openOkSchema>;

export const rotateSchema = z.object({
  public_key: z.string().max(500),
  /** base64 signature by the NEW key over the TLS exporter bytes of this connection. */
  proof: z.string().max(500),
});
export type RotateRequest = z.infer<typeof rotateSchema>;

export const rotateAckSchema = z.object({
  accepted: z.boolean(),
  grace_until: z.string().nullable(),
  message: z.string().max(2000).optional(),
});
export type RotateAck = z.infer<typeof rotateAckSchema>;

export function encodeHello(hello: Hello, version = PROTOCOL_VERSION): Buffer {
  const head = Buffer.allocUnsafe(6);
  HELLO_MAGIC.copy(head, 0);
  head.writeUInt16BE(version, 4);
  return Buffer.concat([head, Buffer.from(JSON.stringify(hello), 'utf8')]);
}

export function decodeHello(payload: Buffer): { version: number; hello: Hello } {
  if (payload.length < 6 || !payload.subarray(0, 4).equals(HELLO_MAGIC)) throw new ProtocolError('bad_message', 'not a Conduit hello');
  const version = payload.readUInt16BE(4);
  if (version !== PROTOCOL_VERSION)
    throw new ProtocolError('unsupported_version', `protocol version ${version} is not supported (this side speaks ${PROTOCOL_VERSION})`);
  return { version, hello: parseJson(helloSchema, payload.subarray(6), 'hello') };
}

export function parseJson<T>(schema: z.ZodType<T>, payload: Buffer, what: string): T {
  let raw: unknown;
  try {
    // A hostile router or client picks this text: size and depth are checked before JSON.parse.
    raw = parseJsonBounded(payload.toString('utf8'), what);
  } catch (e) {
    if (e instanceof ParseLimitError) throw new ProtocolError('bad_message', e.message);
    throw new ProtocolError('bad_message', `${what}: not JSON`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new ProtocolError('bad_message', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return r.data;
}
