// What a run has done so far, and the record it ends with. The controller fills RunState step by
// step; finishRun turns it into the stored record and validates it against the record schema, whose
// refinements (a failure names its step, "scaled" means created and deployed, a dry run changes
// nothing …) catch a controller that reports something other than what it did.
import { efsRunSchema, type EfsPlan, type EfsRun, type EfsTrigger } from '../../../src-shared/api/efs-contract.js';
import type { MountTarget, RunOutcome, RunStep } from '../../../src-shared/efs/index.js';
import type { AwsMountTarget } from './aws-port.js';

export interface RunIdentity {
  runId: string;
  name: string;
  fileSystemId: string;
  trigger: EfsTrigger;
  dryRun: boolean;
  threshold: number;
  /** ISO time the run began. */
  timestamp: string;
}

export interface RunState {
  fileCount: number | null;
  plan?: EfsPlan;
  /** The mount target this run created or adopted. */
  target?: AwsMountTarget;
  adopted: boolean;
  deployed: boolean;
  after?: MountTarget[];
  warning?: string;
  actions: string[];
}

export const newRunState = (): RunState => ({ fileCount: null, adopted: false, deployed: false, actions: [] });

export function finishRun(id: RunIdentity, st: RunState, outcome: RunOutcome, durationMs: number, failure?: { step: RunStep; error: string }): EfsRun {
  const run: EfsRun = {
    timestamp: id.timestamp,
    file_count: st.fileCount,
    threshold: id.threshold,
    threshold_exceeded: st.fileCount !== null && st.fileCount > id.threshold,
    new_mount_target_created: st.target !== undefined,
    deployment_triggered: st.deployed,
    run_id: id.runId,
    dry_run: id.dryRun,
    outcome,
    duration_ms: Math.max(0, durationMs),
    name: id.name,
    trigger: id.trigger,
    file_system_id: id.fileSystemId,
    actions: st.actions,
  };
  if (st.target) run.new_mount_target_id = st.target.mount_target_id;
  if (st.adopted) run.adopted = true;
  if (st.plan) run.plan = st.plan;
  if (st.after) run.mount_targets_after = st.after;
  if (st.warning !== undefined) run.warning = st.warning;
  if (failure) {
    run.failed_step = failure.step;
    run.error = failure.error;
  }
  return efsRunSchema.parse(run);
}
