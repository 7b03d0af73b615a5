// How `warren fix` prints: the plan (each action's exact steps, safe / automatic), what was
// applied, skipped or failed, and the likelihood before → after; plus the stderr progress lines
// from event.fix ("waiting for SSM registration: 12 s, check 4"); and `fix history` / `fix show`.
import type { FixAction, FixEvent, FixRunResult, FixRunSummary } from '../../../src-shared/api/fix-contract.js';
import { formatTable, paint } from '../format.js';
import { reportIsHealthy } from './diagnose-format.js';

/** "1.2 s" under ten seconds (short waits in tests still show movement), "12 s" above. */
export function formatElapsed(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** One stderr line per event worth a line; undefined for the ones the summary covers. */
export function formatFixProgress(e: FixEvent): string | undefined {
  switch (e.status) {
    case 'progress':
      return `waiting for SSM registration: ${formatElapsed(e.elapsed_ms ?? 0)}, check ${e.checks ?? 0} (${e.message})`;
    case 'started':
      return `${e.action}: ${e.message} …`;
    case 'applied':
      return `${e.action}: done: ${e.message}`;
    case 'failed':
      return `${e.action}: failed: ${e.message}`;
    case 'skipped':
      return undefined;
  }
}

function flags(a: FixAction): string {
  return [a.safe ? 'safe' : 'NOT SAFE', a.automatic ? 'automatic' : 'manual'].join(', ');
}

/**
 * planOnly: nothing was applied. dryRun: because --dry-run was given (then "run with --auto-fix"
 * would be wrong advice when --auto-fix was given too); otherwise because --auto-fix was not.
 */
export function formatFixText(r: FixRunResult, opts: { colour: boolean; planOnly: boolean; dryRun?: boolean }): string {
  const lines: string[] = [];
  // A CRITICAL failure with no action (a terminated instance): say what it is, not "nothing to fix".
  const beyond = r.plan.length === 0 ? r.report_after.results.find((x) => x.status === 'fail' && x.severity === 'CRITICAL') : undefined;
  if (beyond) lines.push(`nothing Warren can fix for ${r.instance_id}: ${beyond.message}`);
  else if (r.plan.length === 0) lines.push(`nothing to fix for ${r.instance_id}`);
  else {
    lines.push(`fix plan for ${r.instance_id}:`);
    for (const [n, a] of r.plan.entries()) {
      lines.push(`  ${n + 1}. ${a.id} [${flags(a)}]: ${a.title}`);
      for (const s of a.steps) lines.push(`       $ ${s}`);
      if (a.policy_json) {
        lines.push('       policy:');
        for (const l of a.policy_json.split('\n')) lines.push(`         ${l}`);
      }
    }
  }
  if (!opts.planOnly) {
    if (r.applied.length) lines.push('', 'applied:', ...r.applied.map((x) => `  ${x.id}: ${x.message}`));
    if (r.failed.length) lines.push('', 'failed:', ...r.failed.map((x) => `  ${paint(x.id, 'red', opts.colour)}: ${x.error}`));
    if (r.skipped.length) lines.push('', 'skipped:', ...r.skipped.map((x) => `  ${x.id}: ${x.reason}`));
  } else if (opts.dryRun) {
    lines.push('', r.plan.some((a) => a.automatic) ? 'dry run: nothing was changed; run without --dry-run, with --auto-fix, to apply the automatic actions' : 'dry run: nothing was changed');
  } else if (r.plan.some((a) => a.automatic)) {
    lines.push('', 'run with --auto-fix (and --safe-only) to apply the automatic actions');
  }
  const unchecked = r.report_after.results.filter((x) => x.status === 'could_not_check');
  if (unchecked.length > 0) {
    lines.push('', `could not check ${unchecked.map((x) => `${x.item} (${x.reason ?? 'unknown'})`).join(', ')}: no fix is planned for what could not be seen; see \`warren diagnose full\``);
  }
  const healthy = reportIsHealthy(r.report_after);
  const after = `${r.likelihood_after}%`;
  lines.push('', `connection likelihood: ${r.likelihood_before}% → ${opts.colour ? paint(after, healthy ? 'green' : 'red', true) : after}`);
  return `${lines.join('\n')}\n`;
}

export function formatFixHistoryText(runs: readonly FixRunSummary[]): string {
  if (runs.length === 0) return 'no fix runs yet (run `warren fix --instance-id …`)\n';
  return formatTable(
    ['STARTED', 'INSTANCE', 'MODE', 'OUTCOME', 'LIKELIHOOD', 'APPLIED', 'RUN'],
    runs.map((r) => [r.started_at, r.instance_id, r.mode, r.outcome, `${r.likelihood_before}% → ${r.likelihood_after}%`, `${r.applied}/${r.planned}`, r.run_id]),
  );
}

/** A stored run: when, how and how it ended, then the same body `warren fix` printed. */
export function formatFixShowText(r: FixRunResult, colour: boolean): string {
  const head = [
    `fix run ${r.run_id}`,
    `  instance: ${r.instance_id}`,
    `  mode:     ${r.mode}`,
    `  outcome:  ${r.outcome}`,
    `  started:  ${r.started_at}`,
    `  finished: ${r.finished_at}`,
    '',
  ];
  // The stored run keeps why nothing was applied in each skip's reason ("dry run" for --dry-run).
  const dryRun = r.mode === 'dry-run' && r.skipped.some((s) => s.reason === 'dry run');
  return `${head.join('\n')}\n${formatFixText(r, { colour, planOnly: r.mode === 'dry-run', dryRun })}`;
}
