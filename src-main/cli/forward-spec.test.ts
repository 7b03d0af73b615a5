import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ForwardSpecError, fieldsFromOptions, formatForwardSpec, parseForwardSpec, splitSpec, type ForwardFields } from './forward-spec.js';

describe('parseForwardSpec', () => {
  it('reads ssh -L, -R and -D specs', () => {
    expect(parseForwardSpec('-L', '8080:localhost:80')).toEqual({ type: 'local', local_port: 8080, remote_host: 'localhost', remote_port: 80 });
    expect(parseForwardSpec('-L', '5432:[::1]:5432')).toEqual({ type: 'local', local_port: 5432, remote_host: '::1', remote_port: 5432 });
    expect(parseForwardSpec('-R', '9000:localhost:3000')).toEqual({ type: 'remote', remote_port: 9000, local_port: 3000 });
    expect(parseForwardSpec('-R', '0.0.0.0:9000:127.0.0.1:3000')).toEqual({
      type: 'remote',
      remote_host: '0.0.0.0',
      remote_port: 9000,
      local_port: 3000,
    });
    expect(parseForwardSpec('-D', '1080')).toEqual({ type: 'dynamic', local_port: 1080 });
  });

  it('rejects what ssh would not take or Warren cannot honour, saying why', () => {
    expect(() => parseForwardSpec('-L', '8080:localhost')).toThrow(/local_port:remote_host:remote_port/);
    expect(() => parseForwardSpec('-L', '0.0.0.0:8080:localhost:80')).toThrow(/binds local forwards to 127.0.0.1/);
    expect(() => parseForwardSpec('-L', '70000:localhost:80')).toThrow(/1 to 65535/);
    expect(() => parseForwardSpec('-L', '0:localhost:80')).toThrow(/1 to 65535/);
    expect(() => parseForwardSpec('-L', 'abc:localhost:80')).toThrow(ForwardSpecError);
    expect(() => parseForwardSpec('-L', '8080::80')).toThrow(/not a host name/);
    expect(() => parseForwardSpec('-R', '9000:example.com:3000')).toThrow(/this machine only/);
    expect(() => parseForwardSpec('-D', 'localhost:1080')).toThrow(/-D takes a local port/);
    expect(() => parseForwardSpec('-L', '8080:[::1:80')).toThrow(/unclosed/);
  });
});

describe('splitSpec', () => {
  it('keeps bracketed IPv6 literals whole', () => {
    expect(splitSpec('1:[fe80::1]:2')).toEqual(['1', 'fe80::1', '2']);
    expect(splitSpec('1:a:2')).toEqual(['1', 'a', '2']);
  });
});

const port = fc.integer({ min: 1, max: 65535 });
const hostName = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('localhost', 'db.internal', '10.0.0.5'),
);
const fieldsArb: fc.Arbitrary<ForwardFields> = fc.oneof(
  fc.record({ type: fc.constant('local' as const), local_port: port, remote_host: hostName, remote_port: port }),
  fc.record({ type: fc.constant('remote' as const), local_port: port, remote_port: port, remote_host: hostName }, { requiredKeys: ['type', 'local_port', 'remote_port'] }),
  fc.record({ type: fc.constant('dynamic' as const), local_port: port }),
);

describe('formatForwardSpec', () => {
  it('round-trips: parsing a formatted spec gives back the same fields', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const { flag, spec } = formatForwardSpec(fields);
        expect(parseForwardSpec(flag, spec)).toEqual(fields);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fieldsFromOptions', () => {
  it('builds the same fields as the ssh spelling', () => {
    expect(fieldsFromOptions({ type: 'local', localPort: '8080', remoteHost: 'localhost', remotePort: '80' })).toEqual(
      parseForwardSpec('-L', '8080:localhost:80'),
    );
    expect(fieldsFromOptions({ type: 'remote', localPort: '3000', remotePort: '9000' })).toEqual(parseForwardSpec('-R', '9000:localhost:3000'));
    expect(fieldsFromOptions({ type: 'dynamic', localPort: '1080' })).toEqual(parseForwardSpec('-D', '1080'));
  });

  it('names the missing or contradictory option', () => {
    expect(() => fieldsFromOptions({ localPort: '1' })).toThrow(/or give -L, -R or -D/);
    expect(() => fieldsFromOptions({ type: 'sideways', localPort: '1' })).toThrow(/got "sideways"/);
    expect(() => fieldsFromOptions({ type: 'local', localPort: '1', remotePort: '2' })).toThrow(/--remote-host/);
    expect(() => fieldsFromOptions({ type: 'local', remoteHost: 'h', remotePort: '2' })).toThrow(/--local-port is required/);
    expect(() => fieldsFromOptions({ type: 'dynamic', localPort: '1', remotePort: '2' })).toThrow(/no --remote-host/);
  });
});
