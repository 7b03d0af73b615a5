// Which sources a conduit client may reach: the router checks each request against the client's
// `allow` list. A pattern is an exact "host:port", a "CIDR:port", either with "*" or a "from-to"
// port range, or the bare NAME of a source group defined on the router. Pure (runs in the UI too),
// so the IPv4/IPv6 parsing and the prefix compare are written here rather than taken from node:net.

export interface HostPort {
  host: string;
  port: number;
}

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: readonly number[];
}

export interface PortRange {
  from: number;
  to: number;
}

export type SourcePattern =
  /** A source group defined in the router's [[sources]]; matches requests that name it. */
  | { kind: 'name'; text: string; name: string }
  /** One host (a lower-cased name or a canonical IP) on some ports. */
  | { kind: 'host'; text: string; host: string; ports: PortRange }
  | { kind: 'cidr'; text: string; network: IpAddress; prefix: number; ports: PortRange };

/** What a client asked for: a source group by name (then host/port is the endpoint chosen) or an address. */
export interface SourceRequest {
  name?: string;
  host: string;
  port: number;
}

const ANY_PORT: PortRange = { from: 1, to: 65535 };
/** Source names start with a letter so they can never be mistaken for an address. */
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

// ---- addresses ---------------------------------------------------------------------------------

export function parseIPv4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    // Leading zeros are refused: some tools read "010" as octal, so its meaning is ambiguous.
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return { family: 4, bytes };
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

export function parseIPv6(text: string): IpAddress | undefined {
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    // An embedded IPv4 tail ("::ffff:10.0.0.1") stands for the last two groups.
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    const [a, b, c, d] = v4.bytes as [number, number, number, number];
    body = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0]!);
    const tail = groupsOf(halves[1]!);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = groupsOf(body);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return { family: 6, bytes: groups.flatMap((g) => [g >> 8, g & 0xff]) };
}

/** An IPv4 or IPv6 literal (no brackets, no zone). */
export function parseIp(text: string): IpAddress | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

/** ::ffff:a.b.c.d is the IPv4 address a.b.c.d as a dual-stack socket reports it. */
export function unmapIp(addr: IpAddress): IpAddress {
  const b = addr.bytes;
  if (addr.family === 6 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return { family: 4, bytes: b.slice(12) };
  return addr;
}

/** Dotted quad, or RFC 5952 text (lower case, the longest run of zero groups as "::"). */
export function formatIp(addr: IpAddress): string {
  if (addr.family === 4) return addr.bytes.join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((addr.bytes[i]! << 8) | addr.bytes[i + 1]!);
  let best = -1;
  let bestLen = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Whether addr lies in network/prefix. An IPv4-mapped IPv6 address counts as its IPv4 address. */
export function ipInCidr(addr: IpAddress, network: IpAddress, prefix: number): boolean {
  const a = unmapIp(addr);
  const n = unmapIp(network);
  if (a.family !== n.family) return false;
  const whole = Math.floor(prefix / 8);
  for (let i = 0; i < whole; i++) if (a.bytes[i] !== n.bytes[i]) return false;
  const rest = prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a.bytes[whole]! & mask) === (n.bytes[whole]! & mask);
}

function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  if (!labels.every((l) => HOST_LABEL.test(l))) return false;
  // All-numeric names are IPv4 attempts ("10.0.0.256"): they must parse as addresses instead.
  return !labels.every((l) => /^\d+$/.test(l));
}

/** Lower-cased name without a trailing dot, or the canonical text of an IP (IPv4-mapped unmapped). */
export function canonicalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIp(bare);
  if (ip) return formatIp(unmapIp(ip));
  return bare.toLowerCase().replace(/\.$/, '');
}

export function isLoopbackHost(host: string): boolean {
  const c = canonicalHost(host);
  if (c === 'localhost') return true;
  const ip = parseIp(c);
  return !!ip && (ip.family === 4 ? ip.bytes[0] === 127 : c === '::1');
}

/** 0.0.0.0 or ::, which listen on every address (so they clash with any bind on the same port). */
export function isWildcardHost(host: string): boolean {
  const c = canonicalHost(host);
  return c === '0.0.0.0' || c === '::';
}

// ---- host:port ---------------------------------------------------------------------------------

function parsePortNumber(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new Error(`port must be a number from 1 to 65535 in "${whole}"`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new Error(`port must be from 1 to 65535, got ${n} in "${whole}"`);
  return n;
}

/** Split "host:port" / "[v6]:port" into the host text (brackets removed) and the text after the colon. */
function splitHostAndPort(text: string): { host: string; bracketed: boolean; port: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new Error(`unclosed "[" in "${text}"`);
    if (text[close + 1] !== ':') throw new Error(`expected host:port, got "${text}" (a port must follow "]:")`);
    return { host: text.slice(1, close), bracketed: true, port: text.slice(close + 2) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new Error(`expected host:port, got "${text}"`);
  const host = text.slice(0, colon);
  if (host.includes(':')) throw new Error(`put IPv6 addresses in brackets, like "[::1]:80" (got "${text}")`);
  return { host, bracketed: false, port: text.slice(colon + 1) };
}

function checkHost(host: string, bracketed: boolean, whole: string): string {
  if (bracketed) {
    if (!parseIPv6(host)) throw new Error(`"[${host}]" is not an IPv6 address in "${whole}"`);
    return host;
  }
  if (host === '') throw new Error(`expected host:port, got "${whole}" (the host is missing)`);
  if (!parseIPv4(host) && !isHostName(host)) throw new Error(`"${host}" is not a host name or address in "${whole}"`);
  return host;
}

/** "10.0.0.1:80", "db.internal:5432", "[::1]:80". Throws an Error saying what was expected. */
export function parseHostPort(text: string): HostPort {
  const t = text.trim();
  const parts = splitHostAndPort(t);
  const host = checkHost(parts.host, parts.bracketed, t);
  return { host, port: parsePortNumber(parts.port, t) };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function isSourceName(text: string): boolean {
  return SOURCE_NAME.test(text);
}

// ---- patterns ----------------------------------------------------------------------------------

function parsePorts(text: string, whole: string): PortRange {
  if (text === '*') return ANY_PORT;
  const dash = text.indexOf('-');
  if (dash < 0) {
    const p = parsePortNumber(text, whole);
    return { from: p, to: p };
  }
  const from = parsePortNumber(text.slice(0, dash), whole);
  const to = parsePortNumber(text.slice(dash + 1), whole);
  if (from > to) throw new Error(`port range ${from}-${to} runs backwards in "${whole}"`);
  return { from, to };
}

function parseCidr(text: string, bracketed: boolean, whole: string): { network: IpAddress; prefix: number } {
  const slash = text.indexOf('/');
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const addr = bracketed ? parseIPv6(addrText) : parseIPv4(addrText);
  if (!addr) throw new Error(`"${addrText}" is not an ${bracketed ? 'IPv6' : 'IPv4'} address in "${whole}"`);
  const max = addr.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
    throw new Error(`prefix length must be 0 to ${max} in "${whole}"`);
  let network = addr;
  let prefix = Number(prefixText);
  const unmapped = unmapIp(addr);
  if (unmapped !== addr && prefix >= 96) [network, prefix] = [unmapped, prefix - 96];
  const zeroed = network.bytes.map((b, i) => (i * 8 >= prefix ? 0 : i * 8 + 8 <= prefix ? b : b & ((0xff << (8 - (prefix % 8))) & 0xff)));
  if (zeroed.some((b, i) => b !== network.bytes[i])) {
    const fixed = formatIp({ family: network.family, bytes: zeroed });
    throw new Error(`"${text}" has bits set after the prefix; did you mean ${fixed}/${prefix}?`);
  }
  return { network, prefix };
}

/** Parse one allow-list entry. Throws an Error naming the problem and the entry. */
export function parseSourcePattern(text: string): SourcePattern {
  const t = text.trim();
  if (t === '') throw new Error('empty source pattern');
  if (!t.includes(':')) {
    if (isSourceName(t)) return { kind: 'name', text: t, name: t };
    if (parseIp(t) || t.includes('/') || isHostName(t))
      throw new Error(`"${t}" needs a port: write "${t}:PORT", "${t}:FROM-TO" or "${t}:*"`);
    throw new Error(`"${t}" is not a source name (letters, digits, . _ - starting with a letter) nor host:port`);
  }
  const parts = splitHostAndPort(t);
  const ports = parsePorts(parts.port, t);
  if (parts.host.includes('/')) return { kind: 'cidr', text: t, ...parseCidr(parts.host, parts.bracketed, t), ports };
  return { kind: 'host', text: t, host: canonicalHost(checkHost(parts.host, parts.bracketed, t)), ports };
}

export function matchesSource(pattern: SourcePattern, request: SourceRequest): boolean {
  if (pattern.kind === 'name') return request.name === pattern.name;
  const { port } = request;
  if (!Number.isInteger(port) || port < pattern.ports.from || port > pattern.ports.to) return false;
  if (pattern.kind === 'host') return canonicalHost(request.host) === pattern.host;
  const host = request.host.startsWith('[') && request.host.endsWith(']') ? request.host.slice(1, -1) : request.host;
  const ip = parseIp(host);
  // A CIDR says nothing about names: the router resolves names before it asks.
  return !!ip && ipInCidr(ip, pattern.network, pattern.prefix);
}

/** The first pattern that allows the request (for logs: "allowed by 10.0.0.0/8:*"), if any. */
export function allowedBy(patterns: readonly SourcePattern[], request: SourceRequest): SourcePattern | undefined {
  return patterns.find((p) => matchesSource(p, request));
}

export function isAllowed(patterns: readonly SourcePattern[], request: SourceRequest): boolean {
  return allowedBy(patterns, request) !== undefined;
}
