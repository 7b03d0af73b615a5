// Text for `warren efs …`: a scaler's settings and status, a run's record, the runs table and the
// progress lines of event.efs. Pure, so it is unit-tested without a daemon.
import type { EfsEvent, EfsRun, EfsScalerInfo, EfsStatusResult } from '../../../src-shared/api/index.js';
import { formatKeyValues, formatTable, paint } from '../format.js';

const OUTCOME_COLOUR = { scaled: 'green', below_threshold: 'dim', dry_run: 'yellow', no_subnet: 'yellow', failed: 'red' } as const;

export function paintOutcome(outcome: EfsRun['outcome'], colour: boolean): string {
  return paint(outcome, OUTCOME_COLOUR[outcome], colour);
}

export function formatScaler(s: EfsScalerInfo): string {
  const c = s.config;
  return formatKeyValues([
    ['name', s.name],
    ['file system', c.file_system_id],
    ['directory', `${c.directory}${c.recursive ? ' (recursive)' : ''}`],
    ['threshold', `${c.threshold} files`],
    ['ssm parameter', c.ssm_parameter],
    ['ecs service', `${c.ecs_cluster}/${c.ecs_service}`],
    ['vpc', `${c.vpc_id} (security group ${c.security_group_id})`],
    ['aws', `${c.profile ? `profile ${c.profile}` : 'default profile'}${c.region ? `, ${c.region}` : ''}`],
    ['schedule', s.schedule_enabled ? `on, every ${c.interval}${s.next_run_at ? ` (next ${s.next_run_at})` : ''}` : `off (every ${c.interval} when on)`],
    ['wait timeout', c.wait_timeout],
    ...(s.running ? ([['running', 'a run is under way']] as const) : []),
  ]);
}

export function formatRun(r: EfsRun, colour: boolean): string {
  const lines = [
    formatKeyValues([
      ['run', `${r.run_id} (${r.trigger}${r.dry_run ? ', dry run' : ''}) at ${r.timestamp}, ${(r.duration_ms / 1000).toFixed(1)} s`],
      ['outcome', `${paintOutcome(r.outcome, colour)}${r.failed_step ? ` at ${r.failed_step}` : ''}`],
      ['files', r.file_count === null ? 'not counted' : `${r.file_count} (threshold ${r.threshold}${r.threshold_exceeded ? ', exceeded' : ''})`],
      ...(r.plan?.action === 'create' ? ([['plan', `a new mount target in ${r.plan.availability_zone} (${r.plan.subnet_id})`]] as const) : []),
      ...(r.new_mount_target_id ? ([['mount target', `${r.new_mount_target_id}${r.adopted ? ' (adopted: a concurrent run created it)' : ' (created)'}`]] as const) : []),
      ['deployment', r.deployment_triggered ? 'forced' : 'not started'],
    ]),
  ];
  if (r.warning) lines.push(`warning: ${r.warning}`);
  if (r.error) lines.push(paint(`error: ${r.error}`, 'red', colour));
  if (r.actions.length > 0) lines.push(`${r.dry_run ? 'would do' : 'done'}:`, ...r.actions.map((a) => `  ${a}`));
  if (r.mount_targets_after) lines.push(`mount targets${r.deployment_triggered || r.failed_step === 'ecs' ? ' published' : ''}:`, ...r.mount_targets_after.map((m, i) => `  /mnt/efs-${i}  ${m.availability_zone}  ${m.mount_target_id}  ${m.ip_address}`));
  return lines.join('\n');
}

export function formatStatus(s: EfsStatusResult, colour: boolean): string {
  const parts = [formatScaler(s.scaler)];
  if (s.mount_targets) {
    parts.push(
      s.mount_targets.length === 0
        ? 'mount targets: none'
        : formatTable(
            ['AZ', 'MOUNT TARGET', 'STATE', 'IP', 'IN PARAMETER'],
            s.mount_targets.map((m) => [m.availability_zone, m.mount_target_id, m.lifecycle_state, m.ip_address ?? '-', m.in_parameter ? 'yes' : paint('no', 'yellow', colour)]),
          ),
    );
  }
  if (s.aws_error) parts.push(paint(`aws: ${s.aws_error}`, 'red', colour));
  if (s.last_run) parts.push(`last run: ${paintOutcome(s.last_run.outcome, colour)} at ${s.last_run.timestamp}: ${runSummary(s.last_run)}`);
  else parts.push('last run: none yet (`warren efs run`)');
  const last = s.counts.at(-1);
  if (last) parts.push(`files: ${last.file_count} at ${new Date(last.ts).toISOString()} (${s.counts.length} counts: ${s.counts.map((c) => c.file_count).join(' ')})`);
  return parts.join('\n\n');
}

export function runSummary(r: EfsRun): string {
  const files = r.file_count === null ? 'not counted' : `${r.file_count} files`;
  if (r.outcome === 'failed') return `${files}; failed at ${r.failed_step}: ${r.error}`;
  if (r.outcome === 'scaled') return `${files}; ${r.adopted ? 'adopted' : 'added'} ${r.new_mount_target_id} in ${r.plan?.availability_zone ?? '?'}`;
  if (r.outcome === 'no_subnet') return `${files}; no free availability zone`;
  if (r.outcome === 'dry_run') return `${files}; would add a mount target in ${r.plan?.availability_zone ?? '?'}`;
  return `${files}; at or below ${r.threshold}`;
}

export function formatRuns(runs: readonly EfsRun[], colour: boolean): string {
  if (runs.length === 0) return 'no runs yet (`warren efs run`)';
  return formatTable(
    ['RUN', 'SCALER', 'AT', 'TRIGGER', 'OUTCOME', 'FILES', 'WHAT'],
    runs.map((r) => [r.run_id.slice(0, 8), r.name, r.timestamp, r.dry_run ? `${r.trigger} (dry)` : r.trigger, paintOutcome(r.outcome, colour), r.file_count === null ? '-' : String(r.file_count), runSummary(r)]),
  );
}

/** One progress line for an event, or undefined for events not worth a line. */
export function formatEfsProgress(e: EfsEvent): string | undefined {
  const secs = e.elapsed_ms !== undefined ? `${(e.elapsed_ms / 1000).toFixed(1)} s` : undefined;
  if (e.stage === 'count' && e.status === 'progress') return `counting files: ${e.files ?? 0} so far (${e.dirs ?? 0} directories, ${secs ?? '?'})`;
  if (e.stage === 'wait' && e.status === 'progress') return `waiting for the mount target: ${secs ?? '?'}, check ${e.checks ?? '?'}: ${e.message}`;
  if (e.stage === 'done') return `done: ${e.outcome ?? '?'}: ${e.message}`;
  return `${e.stage}: ${e.status === 'started' ? '' : `${e.status}: `}${e.message}`;
}
