// Wire-level checks of SsmDataChannel against a scripted peer (a bare WebSocketServer on loopback):
// what the client sends, in which order, and what it holds back.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeClientMessage, encodeClientMessage, HeaderFlags, isUuid, MessageType, newClientMessage, PayloadType, type ClientMessage } from '../protocol/client-message.js';
import { ackFor, ActionStatus, buildHandshakeComplete, jsonPayload, parseAcknowledge, parseHandshakeResponse, parseOpenDataChannelInput } from '../protocol/payloads.js';
import { WARREN_CLIENT_VERSION } from '../protocol/versions.js';
import { encodeSmuxFrame, SmuxCmd } from '../protocol/smux.js';
import { SsmDataChannel, WITHHELD_SOCKET_PAUSE } from './data-channel.js';
import { SsmLink } from './ssm-link.js';

interface Peer {
  url: string;
  texts: string[];
  frames: ClientMessage[];
  socket(): WebSocket;
  send(m: ClientMessage): void;
  waitFrames(pred: (f: ClientMessage[]) => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function startPeer(): Promise<Peer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const texts: string[] = [];
  const frames: ClientMessage[] = [];
  let current: WebSocket | undefined;
  wss.on('connection', (ws) => {
    current = ws;
    ws.on('message', (data: Buffer, isBinary) => (isBinary ? frames.push(decodeClientMessage(Buffer.from(data))) : texts.push(data.toString())));
  });
  const peer: Peer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/data-channel/s-1?role=publish_subscribe`,
    texts,
    frames,
    socket: () => current!,
    send: (m) => current!.send(encodeClientMessage(m)),
    async waitFrames(pred, what) {
      for (let i = 0; i < 200 && !pred(frames); i++) await new Promise((r) => setTimeout(r, 10));
      if (!pred(frames)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(frames.map((f) => [f.messageType, f.payloadType, f.sequenceNumber]))}`);
    },
    close: () => {
      for (const c of wss.clients) c.terminate();
      return new Promise((r) => wss.close(() => r()));
    },
  };
  cleanup.push(() => peer.close());
  return peer;
}

const agentMsg = (seq: number, payloadType: number, payload: Buffer): ClientMessage =>
  newClientMessage({ messageType: MessageType.OutputStreamData, sequenceNumber: seq, payloadType, payload, flags: seq === 0 ? HeaderFlags.Syn : HeaderFlags.None });

const handshakeRequest = (actions: unknown[]): ClientMessage => agentMsg(0, PayloadType.HandshakeRequest, jsonPayload({ AgentVersion: '3.3.2299.0', RequestedClientActions: actions }));
const portAction = { ActionType: 'SessionType', ActionParameters: { SessionType: 'Port', Properties: { type: 'LocalPortForwarding', portNumber: '80', localPortNumber: '0' } } };
/** Polls a condition (generous bound: thousands of messages on a loaded 2-core machine). */
async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const streamFrames = (p: Peer) => p.frames.filter((f) => f.messageType === MessageType.InputStreamData);

/** Runs the agent's side of the handshake by hand; resolves with the opened channel. */
async function handshake(peer: Peer, opening: Promise<SsmDataChannel>): Promise<SsmDataChannel> {
  await peer.waitFrames(() => peer.texts.length === 1, 'the OpenDataChannel text frame');
  peer.send(handshakeRequest([{ ActionType: 'Mystery' }, portAction]));
  await peer.waitFrames((f) => f.some((m) => m.payloadType === PayloadType.HandshakeResponse), 'HandshakeResponse');
  peer.send(agentMsg(1, PayloadType.HandshakeComplete, buildHandshakeComplete(1e6)));
  const ch = await opening;
  cleanup.push(() => ch.close());
  return ch;
}

describe('SsmDataChannel on the wire', () => {
  it('opens with the text frame, answers the handshake, and sends nothing else before HandshakeComplete', async () => {
    const peer = await startPeer();
    const opening = SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 'tok-1', sessionId: 's-1' });
    await peer.waitFrames(() => peer.texts.length === 1, 'the text frame');
    const open = parseOpenDataChannelInput(peer.texts[0]!);
    expect(open).toMatchObject({ MessageSchemaVersion: '1.0', TokenValue: 'tok-1', ClientVersion: WARREN_CLIENT_VERSION });
    expect(isUuid(open.RequestId) && isUuid(open.ClientId)).toBe(true);
    // Nothing binary until the agent speaks.
    await new Promise((r) => setTimeout(r, 50));
    expect(peer.frames).toHaveLength(0);

    peer.send(handshakeRequest([{ ActionType: 'Mystery' }, portAction]));
    await peer.waitFrames((f) => f.length >= 2, 'ack + HandshakeResponse');
    const ack = peer.frames.find((f) => f.messageType === MessageType.Acknowledge)!;
    expect(ack.flags).toBe(HeaderFlags.Ack);
    expect(parseAcknowledge(ack.payload)).toMatchObject({ AcknowledgedMessageType: 'output_stream_data', AcknowledgedMessageSequenceNumber: 0, IsSequentialMessage: true });
    const [resp] = streamFrames(peer);
    expect(resp).toMatchObject({ sequenceNumber: 0, payloadType: PayloadType.HandshakeResponse, flags: HeaderFlags.Syn });
    const body = parseHandshakeResponse(resp!.payload);
    expect(body.ClientVersion).toBe(WARREN_CLIENT_VERSION);
    expect(body.ProcessedClientActions.map((a) => [a.ActionType, a.ActionStatus])).toEqual([
      ['Mystery', ActionStatus.Unsupported],
      ['SessionType', ActionStatus.Success],
    ]);
    // Still nothing but the response, and open() has not resolved yet.
    let resolved = false;
    void opening.then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toBe(false);
    expect(streamFrames(peer)).toHaveLength(1);

    peer.send(agentMsg(1, PayloadType.HandshakeComplete, buildHandshakeComplete(1e6)));
    const ch = await opening;
    cleanup.push(() => ch.close());
    expect(ch.mode).toBe('mux');
    const seq = ch.writeOutput(Buffer.alloc(2500, 7));
    expect(seq).toBe(3); // 1024 + 1024 + 452 after the response's seq 0
    await peer.waitFrames((f) => f.filter((m) => m.payloadType === PayloadType.Output).length === 3, 'three Output messages');
    expect(streamFrames(peer).map((m) => m.payload.length)).toEqual([expect.any(Number), 1024, 1024, 452]);
  });

  it('holds sends while publication is paused and releases them on start_publication', async () => {
    const peer = await startPeer();
    const ch = await handshake(peer, SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 't' }));
    peer.send(newClientMessage({ messageType: MessageType.PausePublication, sequenceNumber: 0, payloadType: 0, payload: Buffer.alloc(0) }));
    await new Promise((r) => setTimeout(r, 30));
    ch.writeOutput(Buffer.from('held'));
    await new Promise((r) => setTimeout(r, 50));
    expect(streamFrames(peer).filter((m) => m.payloadType === PayloadType.Output)).toHaveLength(0);
    peer.send(newClientMessage({ messageType: MessageType.StartPublication, sequenceNumber: 0, payloadType: 0, payload: Buffer.alloc(0) }));
    await peer.waitFrames((f) => f.some((m) => m.payloadType === PayloadType.Output), 'the held Output');
  });

  it('resume() reopens with the new token and the same ClientId, and resends what was not acknowledged', async () => {
    const peer = await startPeer();
    const ch = await handshake(peer, SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 'first' }));
    const dropped = new Promise((r) => ch.onDisconnect(r));
    const seq = ch.writeOutput(Buffer.from('unacked'));
    await peer.waitFrames((f) => f.some((m) => m.sequenceNumber === seq && m.payloadType === PayloadType.Output), 'the Output');
    peer.socket().terminate();
    await dropped;
    expect(ch.connected).toBe(false);
    const queued = ch.writeOutput(Buffer.from('queued'));
    peer.frames.length = 0;
    await ch.resume('second', peer.url);
    await peer.waitFrames(() => peer.texts.length === 2, 'the second text frame');
    const [first, second] = peer.texts.map((t) => parseOpenDataChannelInput(t));
    expect(second).toMatchObject({ TokenValue: 'second', ClientId: first!.ClientId });
    expect(second!.RequestId).not.toBe(first!.RequestId);
    await peer.waitFrames((f) => [seq, queued].every((s) => f.some((m) => m.sequenceNumber === s && m.messageType === MessageType.InputStreamData)), 'both messages again');
    // Acked ones are not resent; an ack stops the resends.
    for (const m of streamFrames(peer)) peer.send(ackFor(m));
    expect(ch.state().nextOutgoing).toBe(queued + 1);
  });

  it('refuses a non-Port session and closes', async () => {
    const peer = await startPeer();
    const opening = SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 't' });
    await peer.waitFrames(() => peer.texts.length === 1, 'the text frame');
    peer.send(handshakeRequest([{ ActionType: 'SessionType', ActionParameters: { SessionType: 'Standard_Stream', Properties: {} } }]));
    await expect(opening).rejects.toThrow(/handshake refused: session type "Standard_Stream" is not a port session/);
    await peer.waitFrames((f) => f.some((m) => m.payloadType === PayloadType.HandshakeResponse), 'the Failed response');
    const resp = streamFrames(peer).find((m) => m.payloadType === PayloadType.HandshakeResponse);
    expect(parseHandshakeResponse(resp!.payload).ProcessedClientActions[0]!.ActionStatus).toBe(ActionStatus.Failed);
  });

  it('reports which handshake stage timed out', async () => {
    const peer = await startPeer();
    const opening = SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 't', handshakeTimeoutMs: 200 });
    await peer.waitFrames(() => peer.texts.length === 1, 'the text frame');
    peer.send(handshakeRequest([portAction]));
    await expect(opening).rejects.toThrow(/within 200 ms \(HandshakeResponse sent, no HandshakeComplete came back\)/);
  });

  it('a windowless agent flooding a stalled reader: the socket stops being read past the withheld limit, nothing is acked or lost, and all of it flows once ready', async () => {
    // The real agent has no send window (datachannel.go SendStreamDataMessage sends at once); what
    // stops it is its WebSocket write blocking on a full TCP connection. This peer writes the same
    // way: at most `inFlight` sends not yet handed to the kernel.
    const peer = await startPeer();
    const ch = await handshake(peer, SsmDataChannel.open({ streamUrl: peer.url, tokenValue: 't' }));
    const link = new SsmLink(ch, 's-1');
    const got: Buffer[] = [];
    ch.onOutput((b) => got.push(b));
    ch.setReady(false); // the local reader has stalled
    const total = 4 * WITHHELD_SOCKET_PAUSE;
    // PSH frames for a stream nobody opened: smux drops them, the test reads them through onOutput.
    const payload = (i: number): Buffer => encodeSmuxFrame(SmuxCmd.Psh, 99, Buffer.alloc(1016, i & 0xff));
    const inFlight = 64;
    let next = 0;
    let pending = 0;
    const flood = (): void => {
      while (next < total && pending < inFlight) {
        const seq = 2 + next;
        const data = payload(next++);
        pending++;
        peer.socket().send(encodeClientMessage(agentMsg(seq, PayloadType.Output, data)), () => {
          pending--;
          flood();
        });
      }
    };
    flood();
    const acksOfOutput = (): number => peer.frames.filter((f) => f.messageType === MessageType.Acknowledge && parseAcknowledge(f.payload).AcknowledgedMessageSequenceNumber >= 2).length;
    let maxWithheld = 0;
    const watch = (): boolean => {
      maxWithheld = Math.max(maxWithheld, ch.state().withheld);
      return ch.receivePaused && (pending === inFlight || next === total);
    };
    await until(watch, 'the client to stop reading, and the flood to block or finish');
    // One WebSocket read may carry a few dozen more messages past the limit, never more.
    expect(maxWithheld).toBeGreaterThanOrEqual(WITHHELD_SOCKET_PAUSE);
    expect(ch.state().withheld).toBeLessThan(WITHHELD_SOCKET_PAUSE + 200);
    expect(acksOfOutput()).toBe(0);
    expect(got).toHaveLength(0);
    // A stalled reader is not a dead link: the probe cannot read an ack now, so it reports the RTT.
    await expect(link.probe(1000)).resolves.toBe(ch.srttMs);

    ch.setReady(true);
    expect(ch.receivePaused).toBe(false);
    await until(() => got.length === total && acksOfOutput() === total, `all ${total} messages delivered and acked`);
    expect(got.every((b, i) => b.equals(payload(i)))).toBe(true);
    expect(ch.state()).toMatchObject({ withheld: 0, buffered: 0, nextExpected: 2 + total });
  });
});
