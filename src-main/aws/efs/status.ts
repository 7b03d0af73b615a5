// The AWS half of efs.status: the file system's mount targets by AZ, each marked when the SSM
// parameter lists it (a target that is available but not listed was created by a run that failed
// before publishing). Never throws: status must answer even when AWS does not, so a failure comes
// back as aws_error beside whatever could be read.
import type { EfsMountTargetStatus, EfsScalerConfig, EfsStatusResult } from '../../../src-shared/api/index.js';
import { decodeMountTargetParameter, type MountTarget } from '../../../src-shared/efs/index.js';
import { awsError } from '../../transports/ssm/aws-errors.js';
import type { EfsAwsPort } from './aws-port.js';

type AwsPart = Pick<EfsStatusResult, 'mount_targets' | 'parameter' | 'zones' | 'aws_error'>;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function mountTargetStatus(port: Pick<EfsAwsPort, 'listMountTargets' | 'getParameter' | 'listSubnets'>, config: EfsScalerConfig): Promise<AwsPart> {
  const errors: string[] = [];
  const [targets, text, subnets] = await Promise.all([
    port.listMountTargets(config.file_system_id).catch((e: unknown) => void errors.push(awsError(e, `DescribeMountTargets ${config.file_system_id}`).message)),
    port.getParameter(config.ssm_parameter).catch((e: unknown) => void errors.push(awsError(e, `GetParameter ${config.ssm_parameter}`).message)),
    // The VPC's zones, so a view can show the free ones (where the next mount target would go).
    port.listSubnets(config.vpc_id).catch((e: unknown) => void errors.push(awsError(e, `DescribeSubnets ${config.vpc_id}`).message)),
  ]);
  let parameter: MountTarget[] | undefined;
  if (typeof text === 'string') {
    try {
      parameter = decodeMountTargetParameter(text);
    } catch (e) {
      errors.push(`${config.ssm_parameter}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const listed = new Set(parameter?.map((m) => m.mount_target_id));
  const out: AwsPart = {};
  if (targets)
    out.mount_targets = targets
      .map((m): EfsMountTargetStatus => ({
        mount_target_id: m.mount_target_id,
        availability_zone: m.availability_zone,
        subnet_id: m.subnet_id,
        ...(m.ip_address ? { ip_address: m.ip_address } : {}),
        lifecycle_state: m.lifecycle_state,
        in_parameter: listed.has(m.mount_target_id),
      }))
      .sort((a, b) => byText(a.availability_zone, b.availability_zone) || byText(a.mount_target_id, b.mount_target_id));
  if (parameter) out.parameter = parameter;
  if (subnets) out.zones = [...new Set(subnets.map((s) => s.availability_zone))].sort(byText);
  if (errors.length > 0) out.aws_error = errors.join('; ');
  return out;
}
