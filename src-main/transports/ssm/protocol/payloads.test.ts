// Payload shapes: the examples in the protocol notes are accepted as written (placeholders filled in
// only where the notes' text is not JSON), builders produce them byte for byte, and nothing a peer
// sends makes a parser throw anything but SsmProtocolError('bad_payload').
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClientMessage, encodeClientMessage, MessageType, newClientMessage, PayloadType, SsmProtocolError } from './client-message.js';
import {
  ackFor,
  ActionStatus,
  buildChannelClosed,
  buildHandshakeComplete,
  buildHandshakeRequest,
  buildHandshakeResponse,
  buildOpenDataChannelInput,
  decodeFlag,
  encodeFlag,
  FlagValue,
  parseAcknowledge,
  parseChannelClosed,
  parseHandshakeComplete,
  parseHandshakeRequest,
  parseHandshakeResponse,
  parseOpenDataChannelInput,
  parseSessionTypeParameters,
  processedAction,
} from './payloads.js';

const b = (s: string) => Buffer.from(s, 'utf8');

function rejects(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SsmProtocolError);
    expect((e as SsmProtocolError).code).toBe('bad_payload');
    return;
  }
  throw new Error('expected a bad_payload SsmProtocolError');
}

describe('acknowledge', () => {
  const received = newClientMessage({
    messageType: MessageType.OutputStreamData,
    sequenceNumber: 5,
    payloadType: PayloadType.Output,
    payload: b('x'),
    messageId: 'A1B2C3D4-0000-4000-8000-00000000ABCD',
  });

  it('ackFor builds the acknowledge message: seq 0, flags 3, payload type 0, the JSON in field order', () => {
    const ack = ackFor(received, 1_700_000_000_000);
    expect(ack).toMatchObject({ messageType: 'acknowledge', sequenceNumber: 0, flags: 3n, payloadType: 0, schemaVersion: 1, createdDate: 1_700_000_000_000 });
    expect(ack.messageId).not.toBe(received.messageId.toLowerCase());
    expect(ack.payload.toString()).toBe(
      '{"AcknowledgedMessageType":"output_stream_data","AcknowledgedMessageId":"a1b2c3d4-0000-4000-8000-00000000abcd","AcknowledgedMessageSequenceNumber":5,"IsSequentialMessage":true}',
    );
    const back = decodeClientMessage(encodeClientMessage(ack));
    expect(parseAcknowledge(back.payload)).toEqual({
      AcknowledgedMessageType: 'output_stream_data',
      AcknowledgedMessageId: 'a1b2c3d4-0000-4000-8000-00000000abcd',
      AcknowledgedMessageSequenceNumber: 5,
      IsSequentialMessage: true,
    });
  });

  it('parses any-case ids to canonical form and refuses garbage', () => {
    const ok = parseAcknowledge(
      b('{"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"00112233-4455-6677-8899-AABBCCDDEEFF","AcknowledgedMessageSequenceNumber":0,"IsSequentialMessage":true}'),
    );
    expect(ok.AcknowledgedMessageId).toBe('00112233-4455-6677-8899-aabbccddeeff');
    for (const bad of [
      'nope',
      '[]',
      '{}',
      '{"AcknowledgedMessageType":"x","AcknowledgedMessageId":"not-a-uuid","AcknowledgedMessageSequenceNumber":1}',
      '{"AcknowledgedMessageType":"x","AcknowledgedMessageId":"00112233-4455-6677-8899-aabbccddeeff","AcknowledgedMessageSequenceNumber":"1"}',
      '{"AcknowledgedMessageType":"x","AcknowledgedMessageId":"00112233-4455-6677-8899-aabbccddeeff","AcknowledgedMessageSequenceNumber":1.5}',
      '{"AcknowledgedMessageType":1,"AcknowledgedMessageId":"00112233-4455-6677-8899-aabbccddeeff","AcknowledgedMessageSequenceNumber":1}',
    ])
      rejects(() => parseAcknowledge(b(bad)));
  });
});

describe('OpenDataChannelInput', () => {
  it('is the text frame with the documented fields in order, and parses back', () => {
    const text = buildOpenDataChannelInput({ tokenValue: 'tok', clientId: 'c-1', clientVersion: '1.2.694.0', requestId: 'r-1' });
    expect(text).toBe('{"MessageSchemaVersion":"1.0","RequestId":"r-1","TokenValue":"tok","ClientId":"c-1","ClientVersion":"1.2.694.0"}');
    expect(parseOpenDataChannelInput(text).TokenValue).toBe('tok');
    const fresh = JSON.parse(buildOpenDataChannelInput({ tokenValue: 't', clientId: 'c', clientVersion: 'v' })) as { RequestId: string };
    expect(fresh.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    rejects(() => parseOpenDataChannelInput('{"MessageSchemaVersion":"1.0","RequestId":"r"}'));
    rejects(() => parseOpenDataChannelInput('not json'));
  });
});

describe('HandshakeRequest', () => {
  it('accepts the notes example (properties filled in) and the SessionType parameters', () => {
    const req = parseHandshakeRequest(
      b(
        '{"AgentVersion":"3.x.y.z","RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":"Port","Properties":{"portNumber":"80","type":"LocalPortForwarding","localPortNumber":"56789"}}}]}',
      ),
    );
    expect(req.AgentVersion).toBe('3.x.y.z');
    expect(req.RequestedClientActions).toHaveLength(1);
    const params = parseSessionTypeParameters(req.RequestedClientActions[0]!.ActionParameters);
    expect(params).toEqual({ SessionType: 'Port', Properties: { type: 'LocalPortForwarding', portNumber: '80', localPortNumber: '56789' } });
  });

  it('is liberal about property values: numbers, lists (the StartSession parameter form), null, absent; keeps host and unknown keys', () => {
    const p = parseSessionTypeParameters({
      SessionType: 'Port',
      Properties: { portNumber: ['80'], localPortNumber: 56789, host: ['db.internal'], localUnixSocket: '/tmp/x' },
    });
    expect(p.Properties).toEqual({ type: '', portNumber: '80', localPortNumber: '56789', host: 'db.internal', localUnixSocket: '/tmp/x' });
    const q = parseSessionTypeParameters({ SessionType: 'Port', Properties: { type: 'LocalPortForwarding', portNumber: 22, host: '', localPortNumber: null } });
    expect(q.Properties).toEqual({ type: 'LocalPortForwarding', portNumber: '22', localPortNumber: '' });
    expect('host' in q.Properties).toBe(false);
    const s = parseSessionTypeParameters({ SessionType: 'Port', Properties: '{"portNumber":"443","type":"LocalPortForwarding"}' });
    expect(s.Properties.portNumber).toBe('443');
    expect(parseSessionTypeParameters({ SessionType: 'Port' }).Properties).toEqual({ type: '', portNumber: '', localPortNumber: '' });
  });

  it('keeps unknown action types so the client can answer them Unsupported', () => {
    const req = parseHandshakeRequest(
      b('{"AgentVersion":"3.3.0.0","RequestedClientActions":[{"ActionType":"KMSEncryption","ActionParameters":{"KMSKeyId":"k"}},{"ActionType":"Teleport"},{"ActionType":"SessionType","ActionParameters":{"SessionType":"Port","Properties":{}}}],"Extra":1}'),
    );
    expect(req.RequestedClientActions.map((a) => a.ActionType)).toEqual(['KMSEncryption', 'Teleport', 'SessionType']);
    expect(parseHandshakeRequest(b('{"AgentVersion":"3.3.0.0","RequestedClientActions":null}')).RequestedClientActions).toEqual([]);
  });

  it('refuses garbage', () => {
    for (const bad of ['', '"x"', '[]', '{"AgentVersion":3}', '{"RequestedClientActions":"nope"}', '{"RequestedClientActions":[{"ActionParameters":{}}]}', '{"RequestedClientActions":[1]}'])
      rejects(() => parseHandshakeRequest(b(bad)));
    for (const bad of [null, 'x', {}, { SessionType: 1 }, { SessionType: 'Port', Properties: 5 }, { SessionType: 'Port', Properties: { portNumber: { a: 1 } } }, { SessionType: 'Port', Properties: 'not json' }])
      rejects(() => parseSessionTypeParameters(bad));
  });

  it('the emulator builder produces what the parser reads', () => {
    const req = parseHandshakeRequest(buildHandshakeRequest('3.3.1142.0', { type: 'LocalPortForwarding', portNumber: '5432', localPortNumber: '0', host: 'db' }));
    expect(parseSessionTypeParameters(req.RequestedClientActions[0]!.ActionParameters).Properties).toEqual({
      type: 'LocalPortForwarding',
      portNumber: '5432',
      localPortNumber: '0',
      host: 'db',
    });
  });
});

describe('HandshakeResponse', () => {
  const example = '{"ClientVersion":"…","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1,"ActionResult":null,"Error":""}],"Errors":null}';

  it('builds the notes example byte for byte and parses it verbatim', () => {
    expect(buildHandshakeResponse('…', [processedAction('SessionType', ActionStatus.Success)]).toString()).toBe(example);
    expect(parseHandshakeResponse(b(example))).toEqual({
      ClientVersion: '…',
      ProcessedClientActions: [{ ActionType: 'SessionType', ActionStatus: 1, ActionResult: null, Error: '' }],
      Errors: null,
    });
  });

  it('carries failures and errors', () => {
    const r = parseHandshakeResponse(
      buildHandshakeResponse('1.2.694.0', [processedAction('KMSEncryption', ActionStatus.Unsupported, 'not supported'), processedAction('SessionType', ActionStatus.Failed, 'no')], ['boom']),
    );
    expect(r.ProcessedClientActions.map((a) => a.ActionStatus)).toEqual([3, 2]);
    expect(r.Errors).toEqual(['boom']);
    rejects(() => parseHandshakeResponse(b('{"ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":"ok"}]}')));
  });
});

describe('HandshakeComplete', () => {
  it('accepts the notes example with an integer filled in, builds it back byte for byte', () => {
    const text = '{"HandshakeTimeToComplete":1234567890,"CustomerMessage":""}';
    expect(parseHandshakeComplete(b(text))).toEqual({ HandshakeTimeToComplete: 1234567890, CustomerMessage: '' });
    expect(buildHandshakeComplete(1234567890).toString()).toBe(text);
    expect(parseHandshakeComplete(b('{}'))).toEqual({ HandshakeTimeToComplete: 0, CustomerMessage: '' });
  });

  it('refuses a fractional or textual duration and non-objects', () => {
    for (const bad of ['{"HandshakeTimeToComplete":1.5}', '{"HandshakeTimeToComplete":"1s"}', '{"CustomerMessage":7}', '[]', 'null']) rejects(() => parseHandshakeComplete(b(bad)));
  });
});

describe('channel_closed', () => {
  it('parses Output and keeps whatever else is there', () => {
    const c = parseChannelClosed(
      b('{"MessageId":"0d3c1f5e-1b1a-4b5c-9d1e-000000000001","CreatedDate":"1700000000000","DestinationId":"i-x","SessionId":"s-1","MessageType":"channel_closed","SchemaVersion":1,"Output":"Session s-1 terminated","Future":true}'),
    );
    expect(c.Output).toBe('Session s-1 terminated');
    expect(c.SessionId).toBe('s-1');
    expect(c['Future']).toBe(true);
    expect(parseChannelClosed(b('{}')).Output).toBe('');
    expect(parseChannelClosed(b('{"Output":null}')).Output).toBe('');
    expect(parseChannelClosed(buildChannelClosed({ sessionId: 's', output: 'bye' }))).toMatchObject({ Output: 'bye', SessionId: 's', MessageType: 'channel_closed', SchemaVersion: 1 });
    for (const bad of ['{"Output":1}', '"closed"', '{"SchemaVersion":"1"}']) rejects(() => parseChannelClosed(b(bad)));
  });
});

describe('Flag payload', () => {
  it('is a 4-byte big-endian u32', () => {
    expect(encodeFlag(FlagValue.DisconnectToPort)).toEqual(Buffer.from([0, 0, 0, 1]));
    expect(encodeFlag(FlagValue.TerminateSession)).toEqual(Buffer.from([0, 0, 0, 2]));
    expect(encodeFlag(FlagValue.ConnectToPortError)).toEqual(Buffer.from([0, 0, 0, 3]));
    for (const f of Object.values(FlagValue)) expect(decodeFlag(encodeFlag(f))).toBe(f);
    expect(decodeFlag(Buffer.from([0, 0, 1, 0]))).toBe(256);
    for (const n of [0, 3, 5]) rejects(() => decodeFlag(Buffer.alloc(n)));
  });
});

describe('every parser, whatever the peer sends', () => {
  const parsers = [parseAcknowledge, parseHandshakeRequest, parseHandshakeResponse, parseHandshakeComplete, parseChannelClosed];
  it('returns or throws bad_payload, for any JSON value or any bytes', () => {
    const input = fc.oneof(
      fc.jsonValue().map((v) => b(JSON.stringify(v))),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    );
    fc.assert(
      fc.property(input, fc.jsonValue(), (bytes, value) => {
        for (const parse of parsers) {
          try {
            parse(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(SsmProtocolError);
          }
        }
        try {
          parseSessionTypeParameters(value);
        } catch (e) {
          expect(e).toBeInstanceOf(SsmProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
