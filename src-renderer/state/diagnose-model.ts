// A diagnose.run as the panel shows it: the progress built from event.diagnose (stage n/m, each
// finished item), then the report. Pure, so every step is unit-tested.
import { diagnoseRunParamsSchema, type DiagnoseEvent, type DiagnoseRunParams, type DiagnoseRunResult } from '../../src-shared/api/diagnose-contract.js';
import {
  diagnosticItemNames,
  type CouldNotCheckReason,
  type DiagnosticItemName,
  type DiagnosticResult,
  type PreventiveStage,
  type Severity,
} from '../../src-shared/api/diagnostics.js';
import type { Tone } from './routers-model.js';

/** The preventive stages in order, as the daemon runs them (src-main/aws/diagnostics/run.ts). */
export const PREVENTIVE_STAGES: ReadonlyArray<{ stage: PreventiveStage; items: readonly DiagnosticItemName[] }> = [
  { stage: 'ec2', items: ['instance_state'] },
  { stage: 'ssm', items: ['ssm_agent'] },
  { stage: 'iam', items: ['iam_permissions'] },
  { stage: 'network', items: ['vpc_endpoints', 'security_groups', 'network_connectivity', 'local_port_availability'] },
];

export type DiagnoseMode = 'preventive' | 'full';

export interface DiagnoseFormValues {
  mode: DiagnoseMode;
  local_port: string;
  remote_port: string;
}

export interface DiagnoseRun {
  phase: 'idle' | 'running' | 'done' | 'failed';
  instanceId: string;
  mode: DiagnoseMode;
  /** Items finished so far, in the order they were reported. */
  progress: DiagnoseEvent[];
  report?: DiagnoseRunResult;
  error?: string;
}

export type DiagnoseAction =
  | { type: 'start'; instanceId: string; mode: DiagnoseMode }
  | { type: 'event'; event: DiagnoseEvent }
  | { type: 'finished'; report: DiagnoseRunResult }
  | { type: 'failed'; error: string };

export function idleRun(instanceId: string, mode: DiagnoseMode = 'preventive'): DiagnoseRun {
  return { phase: 'idle', instanceId, mode, progress: [] };
}

export function diagnoseReducer(run: DiagnoseRun, action: DiagnoseAction): DiagnoseRun {
  switch (action.type) {
    case 'start':
      return { phase: 'running', instanceId: action.instanceId, mode: action.mode, progress: [] };
    case 'event': {
      // Only this run's instance, only while running, one entry per item.
      const e = action.event;
      if (run.phase !== 'running' || e.instance_id !== run.instanceId) return run;
      if (run.progress.some((p) => p.item === e.item)) return run;
      return { ...run, progress: [...run.progress, e] };
    }
    case 'finished':
      return { ...run, phase: 'done', report: action.report };
    case 'failed':
      return { ...run, phase: 'failed', error: action.error };
  }
}

/** What is being checked now, as the spinner's words: "Stage 2/4: ssm …" or "Item 3/7 …". */
export function runningText(run: DiagnoseRun): string {
  const done = new Set(run.progress.map((p) => p.item));
  if (run.mode === 'preventive') {
    const total = run.progress.at(-1)?.total_stages ?? PREVENTIVE_STAGES.length;
    const n = PREVENTIVE_STAGES.findIndex((s) => s.items.some((i) => !done.has(i)));
    if (n === -1) return `Stage ${total}/${total}: finishing…`;
    const stage = PREVENTIVE_STAGES[n]!;
    const left = stage.items.filter((i) => !done.has(i));
    return `Stage ${n + 1}/${total}: ${stage.stage} — checking ${left[0]}…`;
  }
  const total = diagnosticItemNames.length;
  return `Item ${Math.min(done.size + 1, total)}/${total}: checking…`;
}

/** A finished item's stage label for the progress list ("1/4 ec2"), when the run is staged. */
export function stageLabel(e: DiagnoseEvent): string | undefined {
  if (!e.stage) return undefined;
  return e.stage_number && e.total_stages ? `${e.stage_number}/${e.total_stages} ${e.stage}` : e.stage;
}

/**
 * How a result reads: a pass or skip is calm whatever its severity; a failure by its severity; a
 * check that could not run is a caution (nothing was found, but nothing is known either).
 */
export function resultTone(r: Pick<DiagnosticResult, 'status' | 'severity'>): Tone {
  if (r.status === 'pass') return 'ok';
  if (r.status === 'skip') return 'muted';
  if (r.status === 'could_not_check') return 'warn';
  return severityTone(r.severity, r.status);
}

export function severityTone(severity: Severity, status: DiagnosticResult['status'] = 'fail'): Tone {
  if (severity === 'CRITICAL' || severity === 'ERROR') return status === 'warn' ? 'warn' : 'bad';
  return severity === 'WARNING' ? 'warn' : 'muted';
}

export function likelihoodTone(percent: number): Tone {
  if (percent >= 80) return 'ok';
  return percent >= 40 ? 'warn' : 'bad';
}

/** Problems first (worst severity first), then the rest in the daemon's order. */
export function orderedResults(results: DiagnosticResult[]): DiagnosticResult[] {
  const rank = (r: DiagnosticResult): number =>
    r.status === 'fail' || r.status === 'warn' ? ['CRITICAL', 'ERROR', 'WARNING', 'INFO'].indexOf(r.severity) : r.status === 'could_not_check' ? 5 : 10;
  return results.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map(({ r }) => r);
}

function port(text: string): number | undefined | 'bad' {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return /^\d+$/.test(t) && n >= 1 && n <= 65535 ? n : 'bad';
}

/** The diagnose.run params for the form, or the errors of the port fields. */
export function validateDiagnose(
  instanceId: string,
  target: { profile?: string; region?: string },
  values: DiagnoseFormValues,
): { ok: true; params: DiagnoseRunParams } | { ok: false; errors: Partial<Record<'local_port' | 'remote_port', string>> } {
  const local = port(values.local_port);
  const remote = port(values.remote_port);
  const errors: Partial<Record<'local_port' | 'remote_port', string>> = {};
  if (local === 'bad') errors.local_port = 'a port is a whole number 1–65535';
  if (remote === 'bad') errors.remote_port = 'a port is a whole number 1–65535';
  if (local === 'bad' || remote === 'bad') return { ok: false, errors };
  const params: DiagnoseRunParams = {
    instance_id: instanceId,
    mode: values.mode,
    ...(values.mode === 'preventive' ? { abort_on_critical: true } : {}),
    ...(local !== undefined ? { local_port: local } : {}),
    ...(remote !== undefined ? { remote_port: remote } : {}),
    ...target,
  };
  const checked = diagnoseRunParamsSchema.safeParse(params);
  if (!checked.success) return { ok: false, errors: { local_port: checked.error.issues[0]?.message ?? 'invalid' } };
  return { ok: true, params };
}

/** Why a check could not run, in the window's words. */
export const COULD_NOT_CHECK_WHY: Readonly<Record<CouldNotCheckReason, string>> = {
  auth: 'AWS did not accept the credentials of this profile',
  access_denied: 'this profile may not make the call the check needs',
  network: 'AWS could not be reached from this machine',
  throttled: 'AWS throttled the request',
  api_error: 'AWS answered with an error',
};

/** The fixes the window can do itself for a check that could not run: check again, and for rejected credentials an SSO sign-in. */
export function couldNotCheckFixes(r: Pick<DiagnosticResult, 'status' | 'reason'>): Array<'retry' | 'sso_login'> {
  if (r.status !== 'could_not_check') return [];
  return r.reason === 'auth' ? ['sso_login', 'retry'] : ['retry'];
}
