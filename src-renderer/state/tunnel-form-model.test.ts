import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conduitStartParamsSchema, ErrorCode } from '../../src-shared/api/index.js';
import { bindAddress, emptyTunnelForm, tunnelFieldForCode, validateTunnel, type TunnelFormValues } from './tunnel-form-model.js';

const fp = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const base: TunnelFormValues = { ...emptyTunnelForm(), router: '10.0.0.1:9999', source: 'db.internal:5432', bind: '127.0.0.1:15432' };

describe('validateTunnel', () => {
  it('builds conduit.start params, leaving name and pin out when empty', () => {
    expect(validateTunnel(base)).toEqual({ ok: true, params: { router: '10.0.0.1:9999', source: 'db.internal:5432', bind: '127.0.0.1:15432', protocol: 'tcp' } });
    const full = validateTunnel({ ...base, name: ' db ', protocol: 'udp', router_key: ` ${fp} ` });
    expect(full).toEqual({ ok: true, params: { router: '10.0.0.1:9999', source: 'db.internal:5432', bind: '127.0.0.1:15432', protocol: 'udp', name: 'db', router_key: fp } });
  });

  it('takes a source name and a bare bind port', () => {
    const r = validateTunnel({ ...base, source: 'postgres', bind: ' 9000 ' });
    expect(r.ok && r.params).toMatchObject({ source: 'postgres', bind: '127.0.0.1:9000' });
    expect(bindAddress('[::1]:53')).toBe('[::1]:53');
  });

  it('reports every bad field at once', () => {
    const r = validateTunnel({ router: 'nope', source: '', bind: '127.0.0.1:70000', name: '-x', protocol: 'tcp', router_key: 'SHA256:short' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['bind', 'name', 'router', 'router_key', 'source']);
    expect(r.errors.source).toMatch(/host:port or a source name/);
    expect(r.errors.router_key).toMatch(/SHA256/);
  });

  it('whatever it accepts, the daemon schema accepts too', () => {
    const hostPort = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 12 }),
      fc.tuple(fc.constantFrom('127.0.0.1', 'db', '[::1]', 'a b', ''), fc.integer({ min: -1, max: 70000 })).map(([h, p]) => `${h}:${p}`),
    );
    fc.assert(
      fc.property(
        fc.record({
          router: hostPort,
          source: fc.oneof(hostPort, fc.constantFrom('postgres', 'web-pool', '')),
          bind: fc.oneof(hostPort, fc.integer({ min: 0, max: 70000 }).map(String)),
          name: fc.oneof(fc.constant(''), fc.string({ maxLength: 8 })),
          protocol: fc.constantFrom('tcp' as const, 'udp' as const),
          router_key: fc.oneof(fc.constant(''), fc.constant(fp), fc.string({ maxLength: 10 })),
        }),
        (values) => {
          const r = validateTunnel(values);
          if (r.ok) expect(conduitStartParamsSchema.safeParse(r.params).success).toBe(true);
        },
      ),
    );
  });
});

describe('tunnelFieldForCode', () => {
  it('points conduit refusals at the field they concern', () => {
    expect(tunnelFieldForCode(ErrorCode.RouterKeyMismatch)).toBe('router_key');
    expect(tunnelFieldForCode(ErrorCode.SourceNotAllowed)).toBe('source');
    expect(tunnelFieldForCode(ErrorCode.SourceUnavailable)).toBe('source');
    expect(tunnelFieldForCode(ErrorCode.PortConflict)).toBe('bind');
    // Not about one field: the message alone says it (who is refused, or which command fixes it).
    expect(tunnelFieldForCode(ErrorCode.ClientNotAuthorized)).toBeUndefined();
    expect(tunnelFieldForCode(ErrorCode.KeyMissing)).toBeUndefined();
  });
});
