// Version gates, as tables: the boundaries themselves, the comparison rules each reference side uses
// (plugin: same part count or "not greater"; agent: shorter prefix is lesser), and the conservative
// answer for anything malformed. Both ends must pick the same mode and keepalive for Warren's version.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentDisablesKeepalive,
  agentUsesMux,
  clientDisablesKeepalive,
  compareAnyLength,
  compareSameLength,
  LOCAL_PORT_FORWARDING,
  parseVersion,
  useMux,
  WARREN_CLIENT_VERSION,
} from './versions.js';

const malformed = ['', '3', '3.0.196', '3.0.196.0.1', '3.x.y.z', '3.0.196.a', ' 3.0.197.0', '3.0.197.0 ', '3..197.0', '+3.0.197.0', '-3.0.197.0', '3.0.197.0-beta', 'v3.1.0.0', '3,1,0,0'];

describe('parseVersion', () => {
  it.each([
    ['3.1.1511.0', [3, 1, 1511, 0]],
    ['1.1.70', [1, 1, 70]],
    ['007.1', [7, 1]],
    ['', undefined],
    ['1..2', undefined],
    ['1.2.', undefined],
    ['1.-2', undefined],
    ['1.2e3', undefined],
    ['1.9999999999999999', undefined],
  ])('%s → %j', (v, want) => expect(parseVersion(v)).toEqual(want));
  it('is undefined for null and undefined', () => {
    expect(parseVersion(undefined)).toBeUndefined();
    expect(parseVersion(null)).toBeUndefined();
  });
});

describe('comparisons', () => {
  it('compares numerically, not as text', () => {
    expect(compareSameLength('3.0.1000.0', '3.0.196.0')).toBe(1);
    expect(compareSameLength('3.0.196.0', '3.0.196.0')).toBe(0);
    expect(compareSameLength('2.9.9999.9', '3.0.196.0')).toBe(-1);
    expect(compareSameLength('3.1.0', '3.0.196.0')).toBeUndefined(); // plugin: length mismatch
    expect(compareAnyLength('1.1.70.0', '1.1.70')).toBe(1); // agent: more parts, equal prefix
    expect(compareAnyLength('1.1.70', '1.1.70.0')).toBe(-1);
    expect(compareAnyLength('1.2', '1.1.70')).toBe(1);
    expect(compareAnyLength('x', '1.1.70')).toBeUndefined();
  });
  it('is antisymmetric', () => {
    const v = fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 5 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(v, v, (a, b) => {
        expect(compareAnyLength(a, b)).toBe(-(compareAnyLength(b, a) ?? NaN) || 0);
        const s = compareSameLength(a, b);
        if (s !== undefined) expect(s).toBe(compareAnyLength(a, b));
      }),
    );
  });
});

describe('client gates (on AgentVersion)', () => {
  it.each<[string | undefined, string, boolean]>([
    [LOCAL_PORT_FORWARDING, '3.0.196.0', false],
    [LOCAL_PORT_FORWARDING, '3.0.196.1', true],
    [LOCAL_PORT_FORWARDING, '3.0.195.999', false],
    [LOCAL_PORT_FORWARDING, '3.0.197.0', true],
    [LOCAL_PORT_FORWARDING, '3.1.0.0', true],
    [LOCAL_PORT_FORWARDING, '3.3.1142.0', true],
    [LOCAL_PORT_FORWARDING, '2.3.722.0', false],
    [LOCAL_PORT_FORWARDING, '10.0.0.0', true],
    ['', '3.3.1142.0', false],
    ['Port', '3.3.1142.0', false],
    ['localportforwarding', '3.3.1142.0', false],
    [undefined, '3.3.1142.0', false],
    ...malformed.map((v): [string, string, boolean] => [LOCAL_PORT_FORWARDING, v, false]),
  ])('useMux(%j, %j) = %s', (type, agent, want) => expect(useMux(type, agent)).toBe(want));

  it.each<[string, boolean]>([
    ['3.1.1511.0', false],
    ['3.1.1511.1', true],
    ['3.1.1512.0', true],
    ['3.1.1510.99', false],
    ['3.2.0.0', true],
    ['3.0.196.1', false],
    ...malformed.map((v): [string, boolean] => [v, false]),
  ])('clientDisablesKeepalive(%j) = %s', (agent, want) => expect(clientDisablesKeepalive(agent)).toBe(want));
});

describe('agent gates (on ClientVersion, for the emulator)', () => {
  it.each<[string, boolean]>([
    ['1.2.331.0', false],
    ['1.2.331.1', true],
    ['1.2.332.0', true],
    ['1.2.323.0', false],
    ['1.2.331', false], // shorter prefix is the lesser
    ['1.2.331.0.1', true],
    ['1.3', true],
    [WARREN_CLIENT_VERSION, true],
    ...malformed.filter((v) => parseVersion(v) === undefined).map((v): [string, boolean] => [v, false]),
  ])('agentDisablesKeepalive(%j) = %s', (client, want) => expect(agentDisablesKeepalive(client)).toBe(want));

  it.each([
    ['1.1.70', LOCAL_PORT_FORWARDING, true],
    ['1.1.70.0', LOCAL_PORT_FORWARDING, true],
    ['1.1.69.9', LOCAL_PORT_FORWARDING, false],
    ['1.1.69', LOCAL_PORT_FORWARDING, false],
    ['1.1.61.0', LOCAL_PORT_FORWARDING, false],
    ['1.2.0.0', LOCAL_PORT_FORWARDING, true],
    [WARREN_CLIENT_VERSION, LOCAL_PORT_FORWARDING, true],
    [WARREN_CLIENT_VERSION, 'Port', false],
    ['', LOCAL_PORT_FORWARDING, false],
    ['1.x', LOCAL_PORT_FORWARDING, false],
  ])('agentUsesMux(%j, %j) = %s', (client, type, want) => expect(agentUsesMux(client, type)).toBe(want));
});

describe("Warren's claimed ClientVersion", () => {
  it('is four numeric parts, ≥ 1.1.70 and > 1.2.331.0', () => {
    expect(parseVersion(WARREN_CLIENT_VERSION)).toHaveLength(4);
    expect(agentUsesMux(WARREN_CLIENT_VERSION, LOCAL_PORT_FORWARDING)).toBe(true);
    expect(agentDisablesKeepalive(WARREN_CLIENT_VERSION)).toBe(true);
  });

  it('makes both ends agree on mode and keepalive for every agent that multiplexes with the keepalive gate', () => {
    // Agents > 3.1.1511.0 gate their keepalive on our version; the client gates on theirs.
    for (const agent of ['3.1.1511.1', '3.2.0.0', '3.3.1142.0']) {
      expect(useMux(LOCAL_PORT_FORWARDING, agent)).toBe(agentUsesMux(WARREN_CLIENT_VERSION, LOCAL_PORT_FORWARDING));
      expect(clientDisablesKeepalive(agent)).toBe(agentDisablesKeepalive(WARREN_CLIENT_VERSION));
    }
  });
});

describe('never throws', () => {
  it('for any strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        useMux(a, b);
        clientDisablesKeepalive(a);
        agentDisablesKeepalive(a);
        agentUsesMux(a, b);
        compareSameLength(a, b);
        compareAnyLength(a, b);
      }),
    );
  });
});
