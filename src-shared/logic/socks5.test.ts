import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ATYP_DOMAIN, ATYP_IPV4, ATYP_IPV6, Reply, encodeRequest, parseGreeting, parseIpv6, parseRequest, formatIpv6, type ConnectRequest } from './socks5.js';

const reqArb: fc.Arbitrary<ConnectRequest> = fc.oneof(
  fc.record({ atyp: fc.constant(ATYP_IPV4), host: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({
    atyp: fc.constant(ATYP_IPV6),
    host: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':')),
    port: fc.integer({ min: 0, max: 65535 }),
  }),
  fc.record({ atyp: fc.constant(ATYP_DOMAIN), host: fc.domain(), port: fc.integer({ min: 0, max: 65535 }) }),
) as fc.Arbitrary<ConnectRequest>;

describe('socks5 codec', () => {
  it('request encode → parse round-trips for IPv4, IPv6 and domain names', () => {
    fc.assert(
      fc.property(reqArb, (req) => {
        const bytes = encodeRequest(req);
        const r = parseRequest(bytes);
        expect(r.kind).toBe('ok');
        if (r.kind === 'ok') {
          expect(r.value).toEqual(req);
          expect(r.used).toBe(bytes.length);
        }
      }),
    );
  });

  it('any strict prefix of a valid request asks for more, never misparses', () => {
    fc.assert(
      fc.property(reqArb, fc.nat(), (req, cut) => {
        const bytes = encodeRequest(req);
        const n = cut % bytes.length;
        expect(parseRequest(bytes.subarray(0, n)).kind).toBe('more');
      }),
    );
  });

  it('arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(['more', 'bad', 'ok']).toContain(parseRequest(b).kind);
        expect(['more', 'bad', 'ok']).toContain(parseGreeting(b).kind);
      }),
    );
  });

  it('rejects BIND/UDP and unknown address types with the right reply code', () => {
    const bind = encodeRequest({ atyp: ATYP_IPV4, host: '127.0.0.1', port: 80 });
    bind[1] = 2;
    expect(parseRequest(bind)).toMatchObject({ kind: 'bad', reply: Reply.CommandNotSupported });
    expect(parseRequest(Uint8Array.of(5, 1, 0, 9, 0, 0))).toMatchObject({ kind: 'bad', reply: Reply.AddressTypeNotSupported });
  });

  it('IPv6 text forms parse', () => {
    expect(formatIpv6(parseIpv6('::1'))).toBe('0:0:0:0:0:0:0:1');
    expect(formatIpv6(parseIpv6('fe80::1:2'))).toBe('fe80:0:0:0:0:0:1:2');
  });
});
