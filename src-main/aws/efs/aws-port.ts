// The AWS calls one scaler run makes, behind a small interface: the controller is written against
// it, the daemon passes the SDK version below, and tests pass a fake (or wrap this one to inject
// faults and reorder calls). Errors are the SDK's own, so callers tell them apart by `name`
// (MountTargetConflict, ParameterNotFound, AccessDeniedException …).
import { DescribeSubnetsCommand, type DescribeSubnetsCommandOutput } from '@aws-sdk/client-ec2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  type DescribeMountTargetsCommandOutput,
  type MountTargetDescription,
} from '@aws-sdk/client-efs';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { PlannerMountTarget, PlannerSubnet } from '../../../src-shared/efs/index.js';
import type { AwsClients } from '../aws-clients.js';

/** A mount target as DescribeMountTargets reports it. */
export interface AwsMountTarget extends PlannerMountTarget {
  ip_address?: string;
}

export interface EfsAwsPort {
  /** DescribeFileSystems for one id: its lifecycle state (throws FileSystemNotFound). */
  describeFileSystem(fileSystemId: string): Promise<{ file_system_id: string; lifecycle_state?: string }>;
  /** Every mount target of the file system (all pages). */
  listMountTargets(fileSystemId: string): Promise<AwsMountTarget[]>;
  /** One mount target, or undefined when it no longer exists. */
  describeMountTarget(mountTargetId: string): Promise<AwsMountTarget | undefined>;
  /** The VPC's subnets (all pages). */
  listSubnets(vpcId: string): Promise<PlannerSubnet[]>;
  createMountTarget(input: { fileSystemId: string; subnetId: string; securityGroupId: string }): Promise<AwsMountTarget>;
  /** The parameter's value, or undefined when it does not exist. */
  getParameter(name: string): Promise<string | undefined>;
  /** PutParameter, Type String, Overwrite. */
  putParameter(name: string, value: string): Promise<void>;
  /** UpdateService with forceNewDeployment. */
  forceNewDeployment(cluster: string, service: string): Promise<void>;
}

/** The SDK error's name ("MountTargetConflict"), or "Error". */
export function awsErrorName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error';
}

function toMountTarget(d: MountTargetDescription): AwsMountTarget {
  const mt: AwsMountTarget = {
    mount_target_id: d.MountTargetId ?? '',
    subnet_id: d.SubnetId ?? '',
    availability_zone: d.AvailabilityZoneName ?? '',
    lifecycle_state: d.LifeCycleState ?? 'unknown',
  };
  if (d.IpAddress) mt.ip_address = d.IpAddress;
  return mt;
}

const MAX_PAGES = 100; // a runaway paginator must not loop forever

export function sdkEfsPort(aws: Pick<AwsClients, 'efs' | 'ec2' | 'ssm' | 'ecs'>): EfsAwsPort {
  return {
    async describeFileSystem(fileSystemId) {
      const out = await aws.efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
      const fs = out.FileSystems?.find((f) => f.FileSystemId === fileSystemId);
      if (!fs) throw Object.assign(new Error(`File system '${fileSystemId}' does not exist.`), { name: 'FileSystemNotFound' });
      return { file_system_id: fileSystemId, ...(fs.LifeCycleState ? { lifecycle_state: fs.LifeCycleState } : {}) };
    },
    async listMountTargets(fileSystemId) {
      const all: AwsMountTarget[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out: DescribeMountTargetsCommandOutput = await aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, ...(marker ? { Marker: marker } : {}) }));
        all.push(...(out.MountTargets ?? []).map(toMountTarget));
        marker = out.NextMarker;
        if (!marker) break;
      }
      return all;
    },
    async describeMountTarget(mountTargetId) {
      try {
        const out = await aws.efs.send(new DescribeMountTargetsCommand({ MountTargetId: mountTargetId }));
        const d = out.MountTargets?.find((m) => m.MountTargetId === mountTargetId);
        return d ? toMountTarget(d) : undefined;
      } catch (e) {
        if (awsErrorName(e) === 'MountTargetNotFound') return undefined;
        throw e;
      }
    },
    async listSubnets(vpcId) {
      const all: PlannerSubnet[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out: DescribeSubnetsCommandOutput = await aws.ec2.send(
          new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], ...(token ? { NextToken: token } : {}) }),
        );
        for (const s of out.Subnets ?? []) {
          if (!s.SubnetId || !s.AvailabilityZone) continue;
          const subnet: PlannerSubnet = { subnet_id: s.SubnetId, availability_zone: s.AvailabilityZone, vpc_id: s.VpcId ?? vpcId };
          if (s.AvailableIpAddressCount !== undefined) subnet.available_ip_count = s.AvailableIpAddressCount;
          all.push(subnet);
        }
        token = out.NextToken;
        if (!token) break;
      }
      return all;
    },
    async createMountTarget({ fileSystemId, subnetId, securityGroupId }) {
      const out = await aws.efs.send(new CreateMountTargetCommand({ FileSystemId: fileSystemId, SubnetId: subnetId, SecurityGroups: [securityGroupId] }));
      return toMountTarget(out);
    },
    async getParameter(name) {
      try {
        const out = await aws.ssm.send(new GetParameterCommand({ Name: name }));
        return out.Parameter?.Value;
      } catch (e) {
        if (awsErrorName(e) === 'ParameterNotFound') return undefined;
        throw e;
      }
    },
    async putParameter(name, value) {
      await aws.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
    },
    async forceNewDeployment(cluster, service) {
      await aws.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
    },
  };
}
