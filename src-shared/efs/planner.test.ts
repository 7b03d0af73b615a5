import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planScaleUp, type PlannerMountTarget, type PlannerSubnet, type ScaleUpInput } from './planner.js';

const VPC = 'vpc-0a1b2c3d';
const OTHER_VPC = 'vpc-99999999';
const ZONES = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d', 'us-west-2-lax-1a'];
const STATES = ['creating', 'available', 'updating', 'deleting', 'deleted', 'error'];
const RELEASING = new Set(['deleting', 'deleted']);

const subnetArb: fc.Arbitrary<PlannerSubnet> = fc.record(
  {
    subnet_id: fc.integer({ min: 0, max: 0xffff }).map((n) => `subnet-${n.toString(16).padStart(8, '0')}`),
    availability_zone: fc.constantFrom(...ZONES),
    vpc_id: fc.constantFrom(VPC, VPC, OTHER_VPC),
    available_ip_count: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 250 })),
  },
  { requiredKeys: ['subnet_id', 'availability_zone', 'vpc_id'] },
);
const mountTargetArb: fc.Arbitrary<PlannerMountTarget> = fc.record({
  mount_target_id: fc.integer({ min: 0, max: 0xffff }).map((n) => `fsmt-${n.toString(16).padStart(8, '0')}`),
  subnet_id: fc.constant('subnet-00000000'),
  availability_zone: fc.constantFrom(...ZONES),
  lifecycle_state: fc.constantFrom(...STATES),
});
/** Above the threshold, with some mount targets and subnets (ids unique, as AWS gives them). */
const stateArb = fc.record({
  mountTargets: fc.uniqueArray(mountTargetArb, { maxLength: 6, selector: (m) => m.mount_target_id }),
  subnets: fc.uniqueArray(subnetArb, { maxLength: 10, selector: (s) => s.subnet_id }),
});
const inputArb: fc.Arbitrary<ScaleUpInput> = fc
  .record({ threshold: fc.nat(1_000_000), extra: fc.integer({ min: 1, max: 1_000_000 }), state: stateArb })
  .map(({ threshold, extra, state }) => ({ fileCount: threshold + extra, threshold, vpcId: VPC, ...state }));
const permutationOf = <T>(list: readonly T[]) => fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });

const occupiedZones = (input: ScaleUpInput): Set<string> =>
  new Set(input.mountTargets.filter((m) => !RELEASING.has(m.lifecycle_state)).map((m) => m.availability_zone));

describe('planScaleUp', () => {
  it('Feature: efs-mount-target-autoscaling, Property 2: 閾値判定の一貫性 (scales only when the file count exceeds the threshold)', () => {
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.nat(2_000_000), stateArb, (fileCount, threshold, state) => {
        const plan = planScaleUp({ fileCount, threshold, vpcId: VPC, ...state });
        expect(plan.action !== 'none').toBe(fileCount > threshold);
        if (plan.action === 'none') expect(plan.reason).toBe('below_threshold');
      }),
      { numRuns: 500 },
    );
  });

  it('the boundary: equal is not above', () => {
    const state = { mountTargets: [], subnets: [{ subnet_id: 'subnet-00000001', availability_zone: 'ap-northeast-1a', vpc_id: VPC }], vpcId: VPC };
    expect(planScaleUp({ fileCount: 100_000, threshold: 100_000, ...state }).action).toBe('none');
    expect(planScaleUp({ fileCount: 100_001, threshold: 100_000, ...state }).action).toBe('create');
  });

  it('never picks a zone that has a mount target, nor a subnet of another VPC, nor a full subnet', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planScaleUp(input);
        if (plan.action !== 'create') return;
        const subnet = input.subnets.find((s) => s.subnet_id === plan.subnet_id);
        expect(subnet).toBeDefined();
        expect(subnet!.vpc_id).toBe(VPC);
        expect(subnet!.availability_zone).toBe(plan.availability_zone);
        expect(subnet!.available_ip_count).not.toBe(0);
        expect(occupiedZones(input).has(plan.availability_zone)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('skips exactly when no free zone has a usable subnet, and otherwise takes the first free zone and its roomiest subnet', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planScaleUp(input);
        const occupied = occupiedZones(input);
        const usable = input.subnets.filter((s) => s.vpc_id === VPC && !occupied.has(s.availability_zone) && s.available_ip_count !== 0);
        if (usable.length === 0) {
          expect(plan).toMatchObject({ action: 'skip', reason: 'no_subnet' });
          return;
        }
        const zone = usable.map((s) => s.availability_zone).sort()[0];
        const inZone = usable.filter((s) => s.availability_zone === zone);
        const most = Math.max(...inZone.map((s) => s.available_ip_count ?? -1));
        const best = inZone.filter((s) => (s.available_ip_count ?? -1) === most).map((s) => s.subnet_id).sort()[0];
        expect(plan).toEqual({ action: 'create', subnet_id: best, availability_zone: zone });
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same plan however the APIs ordered their answers', () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) => fc.tuple(fc.constant(input), permutationOf(input.mountTargets), permutationOf(input.subnets))),
        ([input, mountTargets, subnets]) => {
          expect(planScaleUp({ ...input, mountTargets, subnets })).toEqual(planScaleUp(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a zone as taken in every state but deleting and deleted', () => {
    const subnets = [{ subnet_id: 'subnet-0000000a', availability_zone: 'ap-northeast-1a', vpc_id: VPC, available_ip_count: 10 }];
    for (const state of STATES) {
      const plan = planScaleUp({ fileCount: 2, threshold: 1, vpcId: VPC, subnets, mountTargets: [{ mount_target_id: 'fsmt-00000001', subnet_id: 'subnet-0000000a', availability_zone: 'ap-northeast-1a', lifecycle_state: state }] });
      expect(plan.action, state).toBe(RELEASING.has(state) ? 'create' : 'skip');
    }
  });

  it("explains a skip: the design's case of every zone already served", () => {
    const plan = planScaleUp({
      fileCount: 150_000,
      threshold: 100_000,
      vpcId: VPC,
      mountTargets: [
        { mount_target_id: 'fsmt-87654321', subnet_id: 'subnet-87654321', availability_zone: 'ap-northeast-1c', lifecycle_state: 'available' },
        { mount_target_id: 'fsmt-12345678', subnet_id: 'subnet-12345678', availability_zone: 'ap-northeast-1a', lifecycle_state: 'available' },
      ],
      subnets: [
        { subnet_id: 'subnet-12345678', availability_zone: 'ap-northeast-1a', vpc_id: VPC },
        { subnet_id: 'subnet-87654321', availability_zone: 'ap-northeast-1c', vpc_id: VPC },
        { subnet_id: 'subnet-55555555', availability_zone: 'ap-northeast-1d', vpc_id: OTHER_VPC },
      ],
    });
    expect(plan).toEqual({
      action: 'skip',
      reason: 'no_subnet',
      message: `no availability zone of ${VPC} is left for a new mount target (EFS allows one per zone); zones already served: ap-northeast-1a: fsmt-12345678; ap-northeast-1c: fsmt-87654321`,
    });
  });

  it('moves on to the next free zone when the first one has no address left, and says so when none has', () => {
    const subnets = [
      { subnet_id: 'subnet-0000000a', availability_zone: 'ap-northeast-1a', vpc_id: VPC, available_ip_count: 0 },
      { subnet_id: 'subnet-0000000c', availability_zone: 'ap-northeast-1c', vpc_id: VPC, available_ip_count: 3 },
    ];
    expect(planScaleUp({ fileCount: 2, threshold: 1, vpcId: VPC, mountTargets: [], subnets })).toEqual({
      action: 'create',
      subnet_id: 'subnet-0000000c',
      availability_zone: 'ap-northeast-1c',
    });
    const full = planScaleUp({ fileCount: 2, threshold: 1, vpcId: VPC, mountTargets: [], subnets: [subnets[0]!] });
    expect(full.action === 'skip' && full.message).toContain('zones whose subnets have no free IP address: ap-northeast-1a');
    const none = planScaleUp({ fileCount: 2, threshold: 1, vpcId: VPC, mountTargets: [], subnets: [] });
    expect(none.action === 'skip' && none.message).toContain(`no subnet of ${VPC} was given`);
  });

  it('prefers a subnet known to have room over one whose room is unknown', () => {
    const plan = planScaleUp({
      fileCount: 2,
      threshold: 1,
      vpcId: VPC,
      mountTargets: [],
      subnets: [
        { subnet_id: 'subnet-00000001', availability_zone: 'ap-northeast-1a', vpc_id: VPC },
        { subnet_id: 'subnet-00000002', availability_zone: 'ap-northeast-1a', vpc_id: VPC, available_ip_count: 1 },
      ],
    });
    expect(plan).toMatchObject({ subnet_id: 'subnet-00000002' });
  });

  it('refuses counts that are not numbers', () => {
    const state = { mountTargets: [], subnets: [], vpcId: VPC };
    expect(() => planScaleUp({ fileCount: Number.NaN, threshold: 1, ...state })).toThrow('fileCount');
    expect(() => planScaleUp({ fileCount: 1, threshold: -1, ...state })).toThrow('threshold');
  });
});
