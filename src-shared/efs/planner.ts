// Whether the Lambda should add a mount target, and where. Pure so the decision can be tested on
// its own and shown in a dry run: the caller gathers the inputs (file count, DescribeMountTargets,
// DescribeSubnets) and carries out the plan.
//
// EFS allows one mount target per availability zone, so "where" means an AZ of the VPC that has
// none yet. Every choice is made by sorting, never by input order, so the same state of the account
// gives the same plan however the APIs happened to list it.

export interface PlannerMountTarget {
  mount_target_id: string;
  subnet_id: string;
  availability_zone: string;
  /** EFS's LifeCycleState: creating | available | updating | deleting | deleted | error. */
  lifecycle_state: string;
}

export interface PlannerSubnet {
  subnet_id: string;
  availability_zone: string;
  vpc_id: string;
  /** EC2's AvailableIpAddressCount, when known. A mount target takes one address of its subnet. */
  available_ip_count?: number;
}

export interface ScaleUpInput {
  fileCount: number;
  threshold: number;
  mountTargets: readonly PlannerMountTarget[];
  subnets: readonly PlannerSubnet[];
  vpcId: string;
}

export type ScaleUpPlan =
  | { action: 'none'; reason: 'below_threshold' }
  | { action: 'skip'; reason: 'no_subnet'; message: string }
  | { action: 'create'; subnet_id: string; availability_zone: string };

/**
 * A mount target in these states no longer holds its AZ: EFS lets a new one be created there once
 * the old is gone, and one that is going is about to be. Every other state — including "creating"
 * and "error" — still occupies the AZ, so creating another there would fail.
 */
const RELEASING_STATES: ReadonlySet<string> = new Set(['deleting', 'deleted']);

/** Code-unit order, not localeCompare: the same in every locale and every runtime. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Unknown counts rank below every known count: a subnet known to have room is the safer pick. */
const roomOf = (s: PlannerSubnet): number => s.available_ip_count ?? -1;

/** True when the file count calls for scaling: strictly above the threshold (design property 2). */
export function exceedsThreshold(fileCount: number, threshold: number): boolean {
  return fileCount > threshold;
}

export function planScaleUp(input: ScaleUpInput): ScaleUpPlan {
  const { fileCount, threshold, vpcId } = input;
  if (!Number.isFinite(fileCount) || fileCount < 0) throw new RangeError(`fileCount must be a number ≥ 0, got ${fileCount}`);
  if (!Number.isFinite(threshold) || threshold < 0) throw new RangeError(`threshold must be a number ≥ 0, got ${threshold}`);
  if (!exceedsThreshold(fileCount, threshold)) return { action: 'none', reason: 'below_threshold' };

  const occupied = new Map<string, string[]>();
  for (const mt of input.mountTargets) {
    if (RELEASING_STATES.has(mt.lifecycle_state)) continue;
    occupied.set(mt.availability_zone, [...(occupied.get(mt.availability_zone) ?? []), mt.mount_target_id]);
  }

  const candidates = new Map<string, PlannerSubnet[]>();
  const full: string[] = []; // AZs free of mount targets whose subnets have no address left
  for (const s of input.subnets) {
    if (s.vpc_id !== vpcId || occupied.has(s.availability_zone)) continue;
    candidates.set(s.availability_zone, [...(candidates.get(s.availability_zone) ?? []), s]);
  }

  for (const az of [...candidates.keys()].sort(byText)) {
    const usable = candidates
      .get(az)!
      .filter((s) => s.available_ip_count !== 0)
      .sort((a, b) => roomOf(b) - roomOf(a) || byText(a.subnet_id, b.subnet_id));
    const best = usable[0];
    if (best) return { action: 'create', subnet_id: best.subnet_id, availability_zone: az };
    full.push(az);
  }

  return { action: 'skip', reason: 'no_subnet', message: noSubnetMessage(vpcId, occupied, full) };
}

function noSubnetMessage(vpcId: string, occupied: ReadonlyMap<string, readonly string[]>, full: readonly string[]): string {
  const taken = [...occupied.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([az, ids]) => `${az}: ${[...ids].sort(byText).join(', ')}`)
    .join('; ');
  const parts = [`no availability zone of ${vpcId} is left for a new mount target (EFS allows one per zone)`];
  if (taken !== '') parts.push(`zones already served: ${taken}`);
  if (full.length > 0) parts.push(`zones whose subnets have no free IP address: ${full.join(', ')}`);
  if (taken === '' && full.length === 0) parts.push(`no subnet of ${vpcId} was given`);
  return parts.join('; ');
}
