import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMountTargetParameter, encodeMountTargetParameter, MountTargetParameterError, sortMountTargets, type MountTarget } from './mount-targets.js';

// The design's example parameter, verbatim.
const SEED_EXAMPLE = `{
  "mount_targets": [
    {
      "mount_target_id": "fsmt-12345678",
      "ip_address": "10.0.1.100",
      "availability_zone": "ap-northeast-1a",
      "subnet_id": "subnet-12345678"
    },
    {
      "mount_target_id": "fsmt-87654321",
      "ip_address": "10.0.2.100",
      "availability_zone": "ap-northeast-1c",
      "subnet_id": "subnet-87654321"
    }
  ]
}`;

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const awsId = (prefix: string) => fc.oneof(hex(8), hex(17)).map((h) => `${prefix}-${h}`);
const mountTargetArb: fc.Arbitrary<MountTarget> = fc.record({
  mount_target_id: awsId('fsmt'),
  ip_address: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.')),
  availability_zone: fc
    .tuple(fc.constantFrom('ap-northeast-1', 'us-east-1', 'eu-west-2', 'us-gov-west-1', 'us-west-2-lax-1'), fc.constantFrom(...'abcdef'))
    .map(([region, zone]) => `${region}${zone}`),
  subnet_id: awsId('subnet'),
});
/** A list the parameter accepts: one mount target per AZ, ids and IPs unique, at least one. */
const mountTargetListArb = fc
  .uniqueArray(mountTargetArb, { minLength: 1, maxLength: 8, selector: (mt) => mt.availability_zone })
  .filter((l) => new Set(l.map((mt) => mt.mount_target_id)).size === l.length && new Set(l.map((mt) => mt.ip_address)).size === l.length);
const permutationOf = <T>(list: readonly T[]) => fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });

const seedTarget = (over: Partial<MountTarget> = {}): MountTarget => ({
  mount_target_id: 'fsmt-12345678',
  ip_address: '10.0.1.100',
  availability_zone: 'ap-northeast-1a',
  subnet_id: 'subnet-12345678',
  ...over,
});
const param = (mount_targets: unknown[]): string => JSON.stringify({ mount_targets });

describe('SSM mount target parameter', () => {
  it("reads the design's example", () => {
    expect(decodeMountTargetParameter(SEED_EXAMPLE)).toEqual([
      { mount_target_id: 'fsmt-12345678', ip_address: '10.0.1.100', availability_zone: 'ap-northeast-1a', subnet_id: 'subnet-12345678' },
      { mount_target_id: 'fsmt-87654321', ip_address: '10.0.2.100', availability_zone: 'ap-northeast-1c', subnet_id: 'subnet-87654321' },
    ]);
  });

  it('writes compact JSON with the keys in the design order, sorted by zone', () => {
    const [a, c] = decodeMountTargetParameter(SEED_EXAMPLE) as [MountTarget, MountTarget];
    expect(encodeMountTargetParameter([c, a])).toBe(
      '{"mount_targets":[' +
        '{"mount_target_id":"fsmt-12345678","ip_address":"10.0.1.100","availability_zone":"ap-northeast-1a","subnet_id":"subnet-12345678"},' +
        '{"mount_target_id":"fsmt-87654321","ip_address":"10.0.2.100","availability_zone":"ap-northeast-1c","subnet_id":"subnet-87654321"}]}',
    );
  });

  it('Feature: efs-mount-target-autoscaling, Property 4: SSM Parameter Storeの更新整合性 (a list read back equals the list written)', () => {
    fc.assert(
      fc.property(mountTargetListArb, (list) => {
        const text = encodeMountTargetParameter(list);
        const back = decodeMountTargetParameter(text);
        expect(back).toEqual(sortMountTargets(list));
        expect(new Set(back.map((mt) => JSON.stringify(mt)))).toEqual(new Set(list.map((mt) => JSON.stringify(mt))));
        expect(encodeMountTargetParameter(back)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('equal sets give equal text, whatever the order', () => {
    fc.assert(
      fc.property(
        mountTargetListArb.chain((list) => fc.tuple(fc.constant(list), permutationOf(list))),
        ([list, shuffled]) => {
          expect(encodeMountTargetParameter(shuffled)).toBe(encodeMountTargetParameter(list));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the order it reads (the position is the mount point number)', () => {
    const text = param([seedTarget({ availability_zone: 'ap-northeast-1c', mount_target_id: 'fsmt-22222222', ip_address: '10.0.2.1' }), seedTarget()]);
    expect(decodeMountTargetParameter(text).map((mt) => mt.mount_target_id)).toEqual(['fsmt-22222222', 'fsmt-12345678']);
  });

  it('ignores keys it does not know, and does not write them back', () => {
    const text = param([{ ...seedTarget(), lifecycle_state: 'available' }]);
    const list = decodeMountTargetParameter(text);
    expect(list).toEqual([seedTarget()]);
    expect(encodeMountTargetParameter(list)).not.toContain('lifecycle_state');
  });

  it.each([
    ['not JSON', '{"mount_targets": [', 'not JSON'],
    ['no list', '{}', 'mount_targets:'],
    ['an empty list', param([]), 'mount_targets is empty'],
    ['a bad IP', param([seedTarget({ ip_address: '10.0.1.300' })]), 'mount_targets[0].ip_address: expected an IPv4 address like "10.0.1.100", got "10.0.1.300"'],
    ['an IPv4 with leading zeros', param([seedTarget({ ip_address: '10.0.01.1' })]), 'mount_targets[0].ip_address'],
    ['a bad mount target id', param([seedTarget({ mount_target_id: 'fs-12345678' })]), 'mount_targets[0].mount_target_id: expected a mount target id'],
    ['a bad subnet id', param([seedTarget({ subnet_id: 'subnet-XYZ' })]), 'mount_targets[0].subnet_id: expected a subnet id'],
    ['a bad zone', param([seedTarget({ availability_zone: 'Tokyo' })]), 'mount_targets[0].availability_zone'],
    ['a misspelt key', param([{ ...seedTarget(), ip_address: undefined, ip_adress: '10.0.1.100' }]), 'mount_targets[0].ip_address'],
    [
      'two targets in one zone',
      param([seedTarget(), seedTarget({ mount_target_id: 'fsmt-22222222', ip_address: '10.0.1.101' })]),
      `mount_targets[1].availability_zone: availability_zone "ap-northeast-1a" is also mount_targets[0]'s`,
    ],
    ['a repeated id', param([seedTarget(), seedTarget({ availability_zone: 'ap-northeast-1c', ip_address: '10.0.2.1' })]), 'mount_targets[1].mount_target_id'],
    ['a repeated IP', param([seedTarget(), seedTarget({ availability_zone: 'ap-northeast-1c', mount_target_id: 'fsmt-22222222' })]), 'mount_targets[1].ip_address'],
  ])('refuses %s, saying what is wrong', (_what, text, message) => {
    expect(() => decodeMountTargetParameter(text)).toThrow(MountTargetParameterError);
    expect(() => decodeMountTargetParameter(text)).toThrow(message);
  });

  it('refuses to write a list it could not read back', () => {
    expect(() => encodeMountTargetParameter([])).toThrow('mount_targets is empty');
    expect(() => encodeMountTargetParameter([seedTarget({ ip_address: 'not-an-ip' })])).toThrow(MountTargetParameterError);
  });
});
