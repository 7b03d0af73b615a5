// Reading the SSM parameter a scaler publishes (efs.route, efs.mount_plan): missing and malformed
// are told apart, with the codes the CLI turns into hints.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { decodeMountTargetParameter, MountTargetParameterError, type MountTarget } from '../../../src-shared/efs/index.js';
import { awsError } from '../../transports/ssm/aws-errors.js';
import type { EfsAwsPort } from './aws-port.js';

export async function readParameter(port: Pick<EfsAwsPort, 'getParameter'>, parameter: string): Promise<MountTarget[]> {
  let text: string | undefined;
  try {
    text = await port.getParameter(parameter);
  } catch (e) {
    throw awsError(e, `GetParameter ${parameter}`, { parameter });
  }
  if (text === undefined)
    throw new WarrenError(ErrorCode.EfsParameterNotFound, `the SSM parameter ${parameter} does not exist: no run has published mount targets to it yet`, { parameter });
  try {
    return decodeMountTargetParameter(text);
  } catch (e) {
    if (!(e instanceof MountTargetParameterError)) throw e;
    throw new WarrenError(ErrorCode.EfsParameterInvalid, `${parameter}: ${e.message}`, { parameter, reason: e.message });
  }
}
