// SOCKS5 (RFC 1928) server-side codec for the dynamic forward: greeting, CONNECT request, reply.
// Pure and incremental: each parser takes the bytes received so far and says "need more", "bad"
// or "done, and this many bytes were consumed".

export const SOCKS_VERSION = 5;
export const AUTH_NONE = 0x00;
export const AUTH_NO_ACCEPTABLE = 0xff;
export const CMD_CONNECT = 0x01;
export const ATYP_IPV4 = 0x01;
export const ATYP_DOMAIN = 0x03;
export const ATYP_IPV6 = 0x04;

export const Reply = {
  Succeeded: 0x00,
  GeneralFailure: 0x01,
  NotAllowed: 0x02,
  NetworkUnreachable: 0x03,
  HostUnreachable: 0x04,
  ConnectionRefused: 0x05,
  TtlExpired: 0x06,
  CommandNotSupported: 0x07,
  AddressTypeNotSupported: 0x08,
} as const;

export type ParseResult<T> = { kind: 'more' } | { kind: 'bad'; reason: string; reply?: number } | { kind: 'ok'; value: T; used: number };

export interface Greeting {
  methods: number[];
}

export function parseGreeting(buf: Uint8Array): ParseResult<Greeting> {
  if (buf.length < 2) return { kind: 'more' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'bad', reason: `not SOCKS5 (version byte ${buf[0]})` };
  const n = buf[1]!;
  if (n === 0) return { kind: 'bad', reason: 'no authentication methods offered' };
  if (buf.length < 2 + n) return { kind: 'more' };
  return { kind: 'ok', value: { methods: Array.from(buf.subarray(2, 2 + n)) }, used: 2 + n };
}

export interface ConnectRequest {
  host: string;
  port: number;
  atyp: typeof ATYP_IPV4 | typeof ATYP_DOMAIN | typeof ATYP_IPV6;
}

export function parseRequest(buf: Uint8Array): ParseResult<ConnectRequest> {
  if (buf.length < 4) return { kind: 'more' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'bad', reason: `not SOCKS5 (version byte ${buf[0]})`, reply: Reply.GeneralFailure };
  const cmd = buf[1]!;
  const atyp = buf[3]!;
  let host: string;
  let off: number;
  if (atyp === ATYP_IPV4) {
    if (buf.length < 10) return { kind: 'more' };
    host = Array.from(buf.subarray(4, 8)).join('.');
    off = 8;
  } else if (atyp === ATYP_IPV6) {
    if (buf.length < 22) return { kind: 'more' };
    host = formatIpv6(buf.subarray(4, 20));
    off = 20;
  } else if (atyp === ATYP_DOMAIN) {
    if (buf.length < 5) return { kind: 'more' };
    const len = buf[4]!;
    if (len === 0) return { kind: 'bad', reason: 'empty domain name', reply: Reply.GeneralFailure };
    if (buf.length < 5 + len + 2) return { kind: 'more' };
    host = new TextDecoder().decode(buf.subarray(5, 5 + len));
    off = 5 + len;
  } else {
    return { kind: 'bad', reason: `address type ${atyp} not supported`, reply: Reply.AddressTypeNotSupported };
  }
  if (cmd !== CMD_CONNECT) return { kind: 'bad', reason: `command ${cmd} not supported (only CONNECT)`, reply: Reply.CommandNotSupported };
  const port = (buf[off]! << 8) | buf[off + 1]!;
  return { kind: 'ok', value: { host, port, atyp }, used: off + 2 };
}

export function encodeMethodChoice(method: number): Uint8Array {
  return Uint8Array.of(SOCKS_VERSION, method);
}

/** A reply with bound address 0.0.0.0:0 (clients ignore it for CONNECT). */
export function encodeReply(code: number): Uint8Array {
  return Uint8Array.of(SOCKS_VERSION, code, 0x00, ATYP_IPV4, 0, 0, 0, 0, 0, 0);
}

/** Client side, for tests and benchmarks: a CONNECT request for host:port. */
export function encodeRequest(req: ConnectRequest): Uint8Array {
  let addr: Uint8Array;
  if (req.atyp === ATYP_IPV4) addr = Uint8Array.from(req.host.split('.').map(Number));
  else if (req.atyp === ATYP_IPV6) addr = parseIpv6(req.host);
  else {
    const name = new TextEncoder().encode(req.host);
    if (name.length > 255) throw new Error('domain name longer than 255 bytes');
    addr = Uint8Array.of(name.length, ...name);
  }
  return Uint8Array.of(SOCKS_VERSION, CMD_CONNECT, 0, req.atyp, ...addr, req.port >> 8, req.port & 0xff);
}

export function formatIpv6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

export function parseIpv6(s: string): Uint8Array {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail ? tail.split(':').filter(Boolean) : [];
  const missing = 8 - h.length - t.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) throw new Error(`bad IPv6 address ${s}`);
  const groups = [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!(g >= 0 && g <= 0xffff)) throw new Error(`bad IPv6 address ${s}`);
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
