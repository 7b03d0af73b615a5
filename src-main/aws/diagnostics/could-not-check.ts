// "Could not check": a check whose AWS call got no usable answer (credentials rejected, no network,
// throttled, an AWS-side error) has learnt nothing about the instance. It must not read as a failure
// (fix would plan changes for a problem nobody saw) nor as a pass (the connection would look
// likely). This file classifies the error and words the result: what could not be checked, why,
// and what to try.
import { diagnosticItemDescriptions } from '../../../src-shared/api/diagnose-contract.js';
import type { CouldNotCheckReason, DiagnosticItemName, Severity } from '../../../src-shared/api/diagnostics.js';
import { awsErrorRow } from '../../../src-shared/aws/error-table.js';
import { describeAwsFailure } from '../aws-error.js';
import { errorName, isAccessDenied } from './aws-facts.js';
import type { CheckOutcome } from './types.js';

/**
 * The worst an item can find, which is what an unchecked item may be hiding: the instance's state
 * and its agent are CRITICAL (no session without them), the rest at most ERROR.
 */
export const HIDDEN_SEVERITY: Readonly<Record<DiagnosticItemName, Severity>> = {
  instance_state: 'CRITICAL',
  ssm_agent: 'CRITICAL',
  iam_permissions: 'ERROR',
  vpc_endpoints: 'ERROR',
  security_groups: 'ERROR',
  network_connectivity: 'ERROR',
  local_port_availability: 'ERROR',
};

interface SdkErrorShape {
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function httpStatus(e: unknown): number | undefined {
  return e instanceof Error ? (e as SdkErrorShape).$metadata?.httpStatusCode : undefined;
}

export function couldNotCheckReason(e: unknown): CouldNotCheckReason {
  const name = errorName(e);
  if (isAccessDenied(e)) return 'access_denied';
  // One table says which codes are credential or throttling problems, for every AWS caller.
  const kind = awsErrorRow(name).kind;
  if (kind === 'auth') return 'auth';
  const status = httpStatus(e);
  if (kind === 'throttled' || status === 429) return 'throttled';
  // No HTTP status and not a modelled service error: the request never got an answer.
  if (status === undefined && !(e instanceof Error && '$fault' in e)) return 'network';
  return 'api_error';
}

const WHY: Readonly<Record<CouldNotCheckReason, string>> = {
  auth: 'AWS did not accept the credentials',
  access_denied: 'the credentials may not make the call this check needs',
  network: 'AWS could not be reached',
  throttled: 'AWS throttled the call',
  api_error: 'AWS answered with an error',
};

const TRY: Readonly<Record<CouldNotCheckReason, string>> = {
  auth: 'Refresh the credentials of this AWS profile (sign in again for IAM Identity Center, or replace expired or unknown access keys), then run the diagnostics again.',
  access_denied: 'Grant the permission named in the error to this AWS profile, then run the diagnostics again.',
  network: "Check this machine's connection to AWS (proxy, VPN, firewall, endpoint settings), then run the diagnostics again.",
  throttled: 'Wait a minute and run the diagnostics again; other tools using the same account may be taking the request rate.',
  api_error: 'Run the diagnostics again; if the error persists, check the AWS Health Dashboard for the service.',
};

/** The result for an item whose AWS call failed with `e`. `target` is " --region r [--profile p]". */
export function couldNotCheck(item: DiagnosticItemName, e: unknown, target: string | undefined): CheckOutcome {
  const reason = couldNotCheckReason(e);
  const code = errorName(e);
  const status = httpStatus(e);
  // Service, operation, status and AWS's words, never the SDK's internals.
  const cause = describeAwsFailure(e);
  return {
    status: 'could_not_check',
    reason,
    severity: HIDDEN_SEVERITY[item],
    message: `Could not check that ${diagnosticItemDescriptions[item]}: ${WHY[reason]} (${cause}).`,
    details: { error: code, ...(status !== undefined ? { http_status: status } : {}) },
    recommendation: {
      summary: TRY[reason],
      // The one command that shows whether the credentials work, for the CLI's users.
      ...(reason === 'auth' && target !== undefined ? { commands: [`aws sts get-caller-identity${target}`] } : {}),
    },
  };
}
