import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalHost,
  formatHostPort,
  formatIp,
  ipInCidr,
  isAllowed,
  isLoopbackHost,
  matchesSource,
  parseHostPort,
  parseIp,
  parseSourcePattern,
  type IpAddress,
  type SourcePattern,
} from './source-pattern.js';

const req = (host: string, port: number, name?: string) => (name === undefined ? { host, port } : { name, host, port });
const allows = (pattern: string, host: string, port: number, name?: string) => matchesSource(parseSourcePattern(pattern), req(host, port, name));

const v4Arb: fc.Arbitrary<IpAddress> = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((bytes) => ({ family: 4, bytes }));
const v6Arb: fc.Arbitrary<IpAddress> = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }).map((bytes) => ({ family: 6, bytes }));

/** addr with every bit from `prefix` on cleared: the network a CIDR pattern must be written with. */
function networkOf(addr: IpAddress, prefix: number): IpAddress {
  return { family: addr.family, bytes: addr.bytes.map((b, i) => (i * 8 >= prefix ? 0 : i * 8 + 8 <= prefix ? b : b & (0xff << (8 - (prefix % 8)) & 0xff))) };
}
function flipBit(addr: IpAddress, bit: number): IpAddress {
  const bytes = [...addr.bytes];
  bytes[bit >> 3] = bytes[bit >> 3]! ^ (0x80 >> (bit & 7));
  return { family: addr.family, bytes };
}
const cidrText = (net: IpAddress, prefix: number, ports = '*') =>
  net.family === 4 ? `${formatIp(net)}/${prefix}:${ports}` : `[${formatIp(net)}/${prefix}]:${ports}`;
const hostText = (a: IpAddress) => formatIp(a);

describe('parseHostPort / formatHostPort', () => {
  it('reads names, IPv4 and bracketed IPv6', () => {
    expect(parseHostPort('10.2.0.1:9999')).toEqual({ host: '10.2.0.1', port: 9999 });
    expect(parseHostPort('db.internal:5432')).toEqual({ host: 'db.internal', port: 5432 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(formatHostPort('::1', 80)).toBe('[::1]:80');
    expect(formatHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
  });

  it.each([
    ['80', 'expected host:port, got "80"'],
    [':80', 'the host is missing'],
    ['host:0', 'from 1 to 65535'],
    ['host:65536', 'from 1 to 65535'],
    ['host:http', 'a number from 1 to 65535'],
    ['::1:80', 'put IPv6 addresses in brackets'],
    ['[::1]80', 'a port must follow'],
    ['[10.0.0.1]:80', 'is not an IPv6 address'],
    ['10.0.0.256:80', 'is not a host name or address'],
    ['bad host:80', 'is not a host name or address'],
  ])('refuses %s clearly', (text, message) => {
    expect(() => parseHostPort(text)).toThrow(message);
  });

  it('format then parse gives the same host and port', () => {
    fc.assert(
      fc.property(fc.oneof(v4Arb, v6Arb), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const parsed = parseHostPort(formatHostPort(formatIp(ip), port));
        expect(parseIp(parsed.host)).toEqual(ip);
        expect(parsed.port).toBe(port);
      }),
    );
  });
});

describe('IP addresses', () => {
  it('reads the IPv6 shorthands and formats them as RFC 5952 does', () => {
    expect(formatIp(parseIp('2001:DB8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('0:0:0:0:0:0:0:0')!)).toBe('::');
    expect(formatIp(parseIp('::ffff:10.0.0.1')!)).toBe('::ffff:a00:1');
    for (const bad of ['1::2::3', ':::', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '010.0.0.1', '1.2.3', 'g::1']) expect(parseIp(bad)).toBeUndefined();
  });

  it('formatIp and parseIp are inverses', () => {
    fc.assert(
      fc.property(fc.oneof(v4Arb, v6Arb), (ip) => {
        expect(parseIp(formatIp(ip))).toEqual(ip);
      }),
    );
  });

  it('knows loopback', () => {
    for (const h of ['localhost', '127.0.0.1', '127.9.9.9', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('parseSourcePattern', () => {
  it('reads every documented form', () => {
    expect(parseSourcePattern('10.2.0.2:8080')).toMatchObject({ kind: 'host', host: '10.2.0.2', ports: { from: 8080, to: 8080 } });
    expect(parseSourcePattern('10.0.0.0/8:5432')).toMatchObject({ kind: 'cidr', prefix: 8, ports: { from: 5432, to: 5432 } });
    expect(parseSourcePattern('[fd00::/8]:443')).toMatchObject({ kind: 'cidr', prefix: 8, network: { family: 6 } });
    expect(parseSourcePattern('db.internal:*')).toMatchObject({ kind: 'host', ports: { from: 1, to: 65535 } });
    expect(parseSourcePattern('10.0.0.0/24:*')).toMatchObject({ kind: 'cidr', prefix: 24 });
    expect(parseSourcePattern('10.2.0.2:8000-8100')).toMatchObject({ ports: { from: 8000, to: 8100 } });
    expect(parseSourcePattern('web')).toEqual({ kind: 'name', text: 'web', name: 'web' });
  });

  it.each([
    ['', 'empty'],
    ['10.0.0.1', 'needs a port'],
    ['10.0.0.0/8', 'needs a port'],
    ['10.0.0.1/8:80', 'did you mean 10.0.0.0/8'],
    ['10.0.0.0/33:80', 'prefix length must be 0 to 32'],
    ['[fd00::/129]:80', 'prefix length must be 0 to 128'],
    ['10.0.0.0/8:9000-8000', 'runs backwards'],
    ['fd00::/8:443', 'brackets'],
    ['we b', 'is not a source name'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSourcePattern(text)).toThrow(message);
  });

  it('throws only Errors, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\d.:/[\]a-f*-]{0,24}$/)), (text) => {
        try {
          parseSourcePattern(text);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('matchesSource', () => {
  it('compares names case-insensitively and addresses by value', () => {
    expect(allows('DB.internal:5432', 'db.INTERNAL', 5432)).toBe(true);
    expect(allows('db.internal:5432', 'db.internal', 5433)).toBe(false);
    expect(allows('[fd00::1]:80', 'fd00:0:0::1', 80)).toBe(true);
    expect(allows('10.2.0.2:8000-8100', '10.2.0.2', 8100)).toBe(true);
    expect(allows('10.2.0.2:8000-8100', '10.2.0.2', 8101)).toBe(false);
  });

  it('matches a source name only for a request naming it', () => {
    expect(allows('web', '10.0.0.5', 80, 'web')).toBe(true);
    expect(allows('web', 'web', 80)).toBe(false);
    expect(allows('web', '10.0.0.5', 80, 'api')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(allows('10.0.0.0/8:*', '::ffff:10.1.2.3', 22)).toBe(true);
    expect(allows('10.1.2.3:22', '::ffff:10.1.2.3', 22)).toBe(true);
    expect(allows('10.0.0.0/8:*', '[::ffff:10.1.2.3]', 22)).toBe(true);
    expect(allows('10.0.0.0/8:*', '::ffff:11.1.2.3', 22)).toBe(false);
  });

  it('a CIDR never matches a host name (the router resolves names first)', () => {
    expect(allows('0.0.0.0/0:*', 'db.internal', 80)).toBe(false);
  });

  it('an address inside a CIDR matches and one outside does not', () => {
    const arb = fc.oneof(v4Arb, v6Arb).chain((addr) =>
      fc.record({ addr: fc.constant(addr), prefix: fc.integer({ min: 0, max: addr.bytes.length * 8 }), port: fc.integer({ min: 1, max: 65535 }) }),
    );
    fc.assert(
      fc.property(arb, fc.nat(), ({ addr, prefix, port }, pick) => {
        const pattern = parseSourcePattern(cidrText(networkOf(addr, prefix), prefix));
        expect(matchesSource(pattern, req(hostText(addr), port))).toBe(true);
        if (prefix === 0) return; // /0 holds every address of its family
        const outside = flipBit(addr, pick % prefix);
        expect(matchesSource(pattern, req(hostText(outside), port))).toBe(false);
        expect(ipInCidr(outside, networkOf(addr, prefix), prefix)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('an exact pattern matches only its own host and port', () => {
    const host = fc.oneof(v4Arb.map(hostText), v6Arb.map(hostText), fc.constantFrom('db.internal', 'web', 'api.example.com'));
    const port = fc.integer({ min: 1, max: 65535 });
    fc.assert(
      fc.property(host, port, host, port, (h1, p1, h2, p2) => {
        const pattern = parseSourcePattern(formatHostPort(h1, p1));
        expect(matchesSource(pattern, req(h1, p1))).toBe(true);
        expect(matchesSource(pattern, req(h2, p2))).toBe(canonicalHost(h1) === canonicalHost(h2) && p1 === p2);
      }),
    );
  });

  it('isAllowed is true when any pattern matches', () => {
    const patterns: SourcePattern[] = ['web', '10.0.0.0/8:5432'].map(parseSourcePattern);
    expect(isAllowed(patterns, req('10.9.9.9', 5432))).toBe(true);
    expect(isAllowed(patterns, req('10.9.9.9', 5433))).toBe(false);
    expect(isAllowed([], req('10.9.9.9', 5432))).toBe(false);
  });
});
