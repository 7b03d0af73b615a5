// planFixes: one action per problem a diagnostic report found, in the order to do them. Only what
// touches the instance's own run state is automatic (start it, wait for its agent); IAM, security
// groups and VPC endpoints change shared account resources, so they are never applied by Warren:
// the action carries the exact commands from the diagnostic's recommendation instead.
// A could_not_check result is evidence of nothing: the plan is made as if it were absent, so no
// action ever rests on a check that could not run.
import type { FixAction, FixActionId } from '../../../src-shared/api/fix-contract.js';
import type { DiagnosticItemName, DiagnosticReport, DiagnosticResult } from '../../../src-shared/api/diagnostics.js';

/** The wait's defaults (EC2 Connect: poll every 3 s, give up after 5 min). */
export const DEFAULT_POLL_INTERVAL_MS = 3000;
export const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;

const ORDER: readonly FixActionId[] = [
  'start_instance',
  'wait_for_ssm_registration',
  'restart_agent',
  'attach_instance_profile',
  'grant_session_permission',
  'add_egress_443',
  'create_vpc_endpoints',
];

export interface PlanOptions {
  /** What the wait step says it polls at and gives up after; default 3 s and 5 min. */
  pollIntervalMs?: number;
  waitTimeoutMs?: number;
}

/** 300 000 → "5 min", 90 000 → "90 s", 3000 → "3 s", 100 → "100 ms". */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

export function planFixes(report: Pick<DiagnosticReport, 'instance_id' | 'region' | 'profile' | 'results'>, opts: PlanOptions = {}): FixAction[] {
  const id = report.instance_id;
  const target = ` --region ${report.region}${report.profile ? ` --profile ${report.profile}` : ''}`;
  const known = report.results.filter((r) => r.status !== 'could_not_check');
  const byItem = new Map<DiagnosticItemName, DiagnosticResult>(known.map((r) => [r.item, r]));
  const failed = (item: DiagnosticItemName) => byItem.get(item)?.status === 'fail';
  const steps = (item: DiagnosticItemName) => byItem.get(item)?.recommendation?.commands ?? [];
  const state = byItem.get('instance_state')?.details['state'];
  const actions: FixAction[] = [];
  const add = (a: FixAction) => actions.push(a);
  const every = formatWait(opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const upTo = formatWait(opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  const waitStep = `aws ssm describe-instance-information --filters Key=InstanceIds,Values=${id}${target}  # every ${every} until PingStatus is Online (up to ${upTo})`;
  const wait = (): FixAction => ({ id: 'wait_for_ssm_registration', item: 'ssm_agent', title: 'Wait for the SSM agent to register and show Online', safe: true, automatic: true, steps: [waitStep] });

  if (failed('instance_state') && (state === 'stopped' || state === 'stopping')) {
    add({ id: 'start_instance', item: 'instance_state', title: `Start ${id} (it is ${String(state)})`, safe: true, automatic: true, steps: [`aws ec2 start-instances --instance-ids ${id}${target}`] });
    add(wait());
  } else if (state === 'pending') {
    add(wait());
  } else if (failed('ssm_agent') && state === 'running') {
    // The agent itself cannot be reached through SSM while it is down: a person restarts it.
    // A registered agent's recommendation already holds the restart command; a never-registered one
    // needs the agent enabled and started first (then the IAM / network actions below).
    const registered = byItem.get('ssm_agent')?.details['registered'] === true;
    const windows = byItem.get('instance_state')?.details['platform'] === 'windows';
    const start = windows ? 'Set-Service AmazonSSMAgent -StartupType Automatic; Start-Service AmazonSSMAgent  # on the instance' : 'sudo systemctl enable --now amazon-ssm-agent  # on the instance';
    add({
      id: 'restart_agent',
      item: 'ssm_agent',
      title: registered ? 'Restart the SSM agent on the instance (EC2 Instance Connect or the console)' : 'Install / start the SSM agent on the instance',
      safe: true,
      automatic: false,
      steps: registered ? steps('ssm_agent') : [start, ...steps('ssm_agent')],
    });
  }

  const iam = byItem.get('iam_permissions');
  if (iam?.status === 'fail' && iam.recommendation) {
    const noProfile = iam.details['instance_profile_arn'] === null;
    add({
      id: noProfile ? 'attach_instance_profile' : 'grant_session_permission',
      item: 'iam_permissions',
      title: noProfile ? `Attach an instance profile with AmazonSSMManagedInstanceCore to ${id}` : 'Allow this AWS profile to start SSM sessions',
      safe: false,
      automatic: false,
      steps: iam.recommendation.commands ?? [iam.recommendation.summary],
      ...(iam.recommendation.policy_json ? { policy_json: iam.recommendation.policy_json } : {}),
    });
  }
  if (failed('security_groups'))
    add({ id: 'add_egress_443', item: 'security_groups', title: 'Allow outbound HTTPS (443) from the instance', safe: false, automatic: false, steps: steps('security_groups') });
  if (failed('vpc_endpoints'))
    add({ id: 'create_vpc_endpoints', item: 'vpc_endpoints', title: 'Create the ssm, ssmmessages and ec2messages VPC endpoints', safe: false, automatic: false, steps: steps('vpc_endpoints') });

  return actions.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
}
