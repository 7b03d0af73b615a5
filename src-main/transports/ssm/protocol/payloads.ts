// The payloads carried inside ClientMessages (and the text frame that opens the channel). JSON
// ones are checked with zod; field names are the wire's PascalCase so a payload reads like the
// notes (/work/shared/protocols/ssm-data-channel.md §2–5). Parsers are liberal the way Go's
// encoding/json is on the reference sides (missing fields take their zero value, unknown fields
// are kept or ignored) but refuse wrong types, and throw only SsmProtocolError('bad_payload').
// Builders exist for both ends so the local emulator speaks the same shapes.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HeaderFlags, isUuid, MessageType, newClientMessage, PayloadType, SsmProtocolError, type ClientMessage } from './client-message.js';

// ---------------------------------------------------------------- acknowledge

export const acknowledgeContentSchema = z.object({
  AcknowledgedMessageType: z.string(),
  // Senders match acks by sequence number; the id is only echoed, so any case is accepted and
  // lowered to the canonical form.
  AcknowledgedMessageId: z.string().refine(isUuid, 'not a UUID').transform((s) => s.toLowerCase()),
  AcknowledgedMessageSequenceNumber: z.number().int().refine(Number.isSafeInteger, 'not a safe integer'),
  IsSequentialMessage: z.boolean().default(false),
});
export type AcknowledgeContent = z.infer<typeof acknowledgeContentSchema>;

export function acknowledgeContentFor(message: Pick<ClientMessage, 'messageType' | 'messageId' | 'sequenceNumber'>): AcknowledgeContent {
  return {
    AcknowledgedMessageType: message.messageType,
    AcknowledgedMessageId: message.messageId.toLowerCase(),
    AcknowledgedMessageSequenceNumber: message.sequenceNumber,
    IsSequentialMessage: true,
  };
}

/** The acknowledge message for a received stream message: seq 0, flags 3, payload type 0. */
export function ackFor(message: Pick<ClientMessage, 'messageType' | 'messageId' | 'sequenceNumber'>, now = Date.now()): ClientMessage {
  return newClientMessage({
    messageType: MessageType.Acknowledge,
    sequenceNumber: 0,
    flags: HeaderFlags.Ack,
    payloadType: PayloadType.None,
    createdDate: now,
    payload: jsonPayload(acknowledgeContentFor(message)),
  });
}

export function parseAcknowledge(payload: Buffer): AcknowledgeContent {
  return parsePayload(acknowledgeContentSchema, payload, 'acknowledge');
}

// ---------------------------------------------------------------- OpenDataChannel (text frame)

export const openDataChannelInputSchema = z.object({
  MessageSchemaVersion: z.string(),
  RequestId: z.string(),
  TokenValue: z.string(),
  ClientId: z.string().default(''),
  ClientVersion: z.string().default(''),
});
export type OpenDataChannelInput = z.infer<typeof openDataChannelInputSchema>;

/** The JSON text of the first WebSocket frame; a fresh RequestId on every (re)open. */
export function buildOpenDataChannelInput(p: { tokenValue: string; clientId: string; clientVersion: string; requestId?: string }): string {
  const body: OpenDataChannelInput = {
    MessageSchemaVersion: '1.0',
    RequestId: p.requestId ?? randomUUID(),
    TokenValue: p.tokenValue,
    ClientId: p.clientId,
    ClientVersion: p.clientVersion,
  };
  return JSON.stringify(body);
}

/** For the emulator: the first frame it receives. */
export function parseOpenDataChannelInput(text: string): OpenDataChannelInput {
  return parseJsonValue(openDataChannelInputSchema, text, 'OpenDataChannelInput');
}

// ---------------------------------------------------------------- handshake

export const ActionType = { SessionType: 'SessionType', KMSEncryption: 'KMSEncryption' } as const;
export const ActionStatus = { Success: 1, Failed: 2, Unsupported: 3 } as const;
export type ActionStatus = (typeof ActionStatus)[keyof typeof ActionStatus];

export const requestedClientActionSchema = z.object({
  // Unknown action types are kept so the client can answer each one Unsupported.
  ActionType: z.string(),
  ActionParameters: z.unknown().optional(),
});
export type RequestedClientAction = z.infer<typeof requestedClientActionSchema>;

export const handshakeRequestSchema = z.object({
  AgentVersion: z.string().default(''),
  RequestedClientActions: z.array(requestedClientActionSchema).nullable().default([]).transform((a) => a ?? []),
});
export type HandshakeRequest = z.infer<typeof handshakeRequestSchema>;

/**
 * One port property as a string. The document fills `{{ portNumber }}` in as a string, but the
 * StartSession parameters are lists and hand-written documents use numbers, so take a number or
 * the first element of a list too. Absent or null is "", as Go reads it.
 */
const propertyValue = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))])
  .optional()
  .transform((v) => {
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined || first === null ? '' : String(first);
  });

export const portPropertiesSchema = z
  .looseObject({
    type: propertyValue,
    portNumber: propertyValue,
    localPortNumber: propertyValue,
    host: propertyValue,
  })
  .transform(({ host, ...rest }) => (host === '' ? rest : { ...rest, host }));
/** `type`, `portNumber`, `localPortNumber` ("" when absent), `host` when set, and anything else as sent. */
export type PortProperties = z.infer<typeof portPropertiesSchema>;

export const sessionTypeParametersSchema = z.object({
  SessionType: z.string(),
  // Properties is free-form in the agent (interface{}); accept a JSON string holding an object too.
  Properties: z.preprocess((v) => (typeof v === 'string' ? tryJson(v) : (v ?? {})), portPropertiesSchema),
});
export type SessionTypeParameters = z.infer<typeof sessionTypeParametersSchema>;

export function parseHandshakeRequest(payload: Buffer): HandshakeRequest {
  return parsePayload(handshakeRequestSchema, payload, 'HandshakeRequest');
}

/** The ActionParameters of a "SessionType" action. */
export function parseSessionTypeParameters(parameters: unknown): SessionTypeParameters {
  return check(sessionTypeParametersSchema, parameters, 'SessionType action parameters');
}

export const processedClientActionSchema = z.object({
  ActionType: z.string(),
  ActionStatus: z.number().int(),
  ActionResult: z.unknown().nullable().default(null),
  Error: z.string().default(''),
});
export type ProcessedClientAction = z.infer<typeof processedClientActionSchema>;

export const handshakeResponseSchema = z.object({
  ClientVersion: z.string().default(''),
  ProcessedClientActions: z.array(processedClientActionSchema).nullable().default([]).transform((a) => a ?? []),
  Errors: z.array(z.string()).nullable().default(null),
});
export type HandshakeResponse = z.infer<typeof handshakeResponseSchema>;

export function processedAction(actionType: string, status: ActionStatus, error = ''): ProcessedClientAction {
  return { ActionType: actionType, ActionStatus: status, ActionResult: null, Error: error };
}

/** Errors is null when there are none, as the plugin sends it (a nil Go slice). */
export function buildHandshakeResponse(clientVersion: string, actions: ProcessedClientAction[], errors: string[] = []): Buffer {
  const body: HandshakeResponse = { ClientVersion: clientVersion, ProcessedClientActions: actions, Errors: errors.length > 0 ? errors : null };
  return jsonPayload(body);
}

/** For the emulator. */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  return parsePayload(handshakeResponseSchema, payload, 'HandshakeResponse');
}

/** For the emulator: the agent's HandshakeRequest with one SessionType "Port" action. */
export function buildHandshakeRequest(agentVersion: string, properties: Record<string, unknown>): Buffer {
  return jsonPayload({
    AgentVersion: agentVersion,
    RequestedClientActions: [{ ActionType: ActionType.SessionType, ActionParameters: { SessionType: 'Port', Properties: properties } }],
  });
}

export const handshakeCompleteSchema = z.object({
  // A Go time.Duration: integer nanoseconds (a fraction would fail the plugin's unmarshal too).
  HandshakeTimeToComplete: z.number().int().default(0),
  CustomerMessage: z.string().default(''),
});
export type HandshakeComplete = z.infer<typeof handshakeCompleteSchema>;

export function parseHandshakeComplete(payload: Buffer): HandshakeComplete {
  return parsePayload(handshakeCompleteSchema, payload, 'HandshakeComplete');
}

export function buildHandshakeComplete(timeToCompleteNs: number, customerMessage = ''): Buffer {
  const body: HandshakeComplete = { HandshakeTimeToComplete: Math.round(timeToCompleteNs), CustomerMessage: customerMessage };
  return jsonPayload(body);
}

// ---------------------------------------------------------------- channel_closed

export const channelClosedSchema = z.looseObject({
  Output: z.string().nullable().default('').transform((s) => s ?? ''),
  MessageId: z.string().optional(),
  CreatedDate: z.string().optional(),
  DestinationId: z.string().optional(),
  SessionId: z.string().optional(),
  MessageType: z.string().optional(),
  SchemaVersion: z.number().optional(),
});
export type ChannelClosed = z.infer<typeof channelClosedSchema>;

export function parseChannelClosed(payload: Buffer): ChannelClosed {
  return parsePayload(channelClosedSchema, payload, 'channel_closed');
}

/** For the emulator: what the service sends when a session ends. */
export function buildChannelClosed(p: { sessionId: string; output: string; messageId?: string; createdDate?: number }): Buffer {
  return jsonPayload({
    MessageId: p.messageId ?? randomUUID(),
    CreatedDate: String(p.createdDate ?? Date.now()),
    DestinationId: '',
    SessionId: p.sessionId,
    MessageType: MessageType.ChannelClosed,
    SchemaVersion: 1,
    Output: p.output,
  });
}

// ---------------------------------------------------------------- Flag payload

export const FlagValue = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;
export type FlagValue = (typeof FlagValue)[keyof typeof FlagValue];

export function encodeFlag(flag: FlagValue): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flag, 0);
  return b;
}

/** The u32 in a Flag payload; an unknown value is returned as is for the caller to ignore. */
export function decodeFlag(payload: Buffer): number {
  if (payload.length !== 4) throw new SsmProtocolError('bad_payload', `flag payload of ${payload.length} bytes, expected 4`);
  return payload.readUInt32BE(0);
}

// ---------------------------------------------------------------- helpers

export function jsonPayload(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function parsePayload<T>(schema: z.ZodType<T>, payload: Buffer, what: string): T {
  return parseJsonValue(schema, payload.toString('utf8'), what);
}

function parseJsonValue<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SsmProtocolError('bad_payload', `${what}: not JSON`);
  }
  return check(schema, raw, what);
}

function check<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new SsmProtocolError('bad_payload', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return r.data;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s; // left for the schema to refuse
  }
}
