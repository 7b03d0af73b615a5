// How `warren diagnose` / `warren precheck` print: a report as text (table, recommendations with
// their exact commands, likelihood), JSON or YAML; the per-item progress line; the exit verdict;
// and `diagnose aws-config`'s scored checks.
import { stringify as toYaml } from 'yaml';
import type { DiagnoseAwsConfigResult, DiagnoseEvent } from '../../../src-shared/api/diagnose-contract.js';
import type { AwsConfigCheckResult, DiagnosticRecommendation, DiagnosticReport, DiagnosticResult, DiagnosticStatus, Severity } from '../../../src-shared/api/diagnostics.js';
import { LIKELY_THRESHOLD } from '../../aws/diagnostics/likelihood.js';
import { formatTable, paint } from '../format.js';

export const reportFormats = ['text', 'json', 'yaml'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** Likelihood below this, or any CRITICAL failure, makes the command exit 3. */
export const LIKELIHOOD_THRESHOLD = LIKELY_THRESHOLD;

const SEVERITY_COLOUR = { CRITICAL: 'red', ERROR: 'red', WARNING: 'yellow', INFO: 'dim' } as const;
const STATUS_COLOUR = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'dim', could_not_check: 'yellow' } as const;

/**
 * True when the report says "go ahead": likelihood ≥ 50 % and no CRITICAL item failed or went
 * unchecked (an instance or agent nobody could see may be the one that is down).
 */
export function reportIsHealthy(report: Pick<DiagnosticReport, 'likelihood_percent' | 'results'>): boolean {
  return report.likelihood_percent >= LIKELIHOOD_THRESHOLD && !report.results.some((r) => (r.status === 'fail' || r.status === 'could_not_check') && r.severity === 'CRITICAL');
}

/** "could not check (auth)" for humans; JSON and YAML carry status and reason as they are. */
function statusText(r: Pick<DiagnosticResult, 'status' | 'reason'>): string {
  return r.status === 'could_not_check' ? `could not check${r.reason ? ` (${r.reason})` : ''}` : r.status;
}

function paintStatus(status: DiagnosticStatus, colour: boolean, text: string = status): string {
  return paint(text, STATUS_COLOUR[status], colour);
}

function paintSeverity(severity: Severity, colour: boolean): string {
  return paint(severity, SEVERITY_COLOUR[severity], colour);
}

export function formatReportText(report: DiagnosticReport & { run_id?: string }, colour: boolean): string {
  const where = [report.region, report.profile ? `profile ${report.profile}` : undefined].filter(Boolean).join(', ');
  const lines: string[] = [`${report.mode} diagnostics for ${report.instance_id} (${where})`, ''];
  lines.push(
    formatTable(
      ['ITEM', 'STATUS', 'SEVERITY', 'MESSAGE'],
      report.results.map((r) => [r.item, paintStatus(r.status, colour, statusText(r)), r.status === 'pass' || r.status === 'skip' ? '-' : paintSeverity(r.severity, colour), r.message]),
    ).replace(/\n$/, ''),
  );
  const unchecked = report.results.filter((r) => r.status === 'could_not_check');
  if (unchecked.length > 0) {
    lines.push('', `could not check ${unchecked.map((r) => r.item).join(', ')}: nothing is known about ${unchecked.length === 1 ? 'it' : 'them'}, so no fix is planned and the likelihood is lowered`);
  }
  lines.push(...recommendationLines(report.results.filter((r) => r.status !== 'pass').map((r) => ({ name: r.item, severity: r.severity, recommendation: r.recommendation }))));
  if (report.aborted_after_stage) lines.push('', `stopped after the ${report.aborted_after_stage} stage: it found a CRITICAL problem`);
  const pct = `${report.likelihood_percent}%`;
  lines.push('', `connection likelihood: ${colour ? paint(pct, reportIsHealthy(report) ? 'green' : 'red', true) : pct}`);
  return `${lines.join('\n')}\n`;
}

export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value);
}

/** One progress line per finished item; preventive runs say which stage. */
export function formatProgress(e: DiagnoseEvent): string {
  const stage = e.stage_number !== undefined && e.total_stages !== undefined ? `stage ${e.stage_number}/${e.total_stages}${e.stage ? ` (${e.stage})` : ''}: ` : '';
  const sev = e.result.status === 'pass' || e.result.status === 'skip' ? '' : ` ${e.result.severity}`;
  const why = e.result.status === 'could_not_check' && e.result.reason ? ` ${e.result.reason}` : '';
  return `${stage}${e.item}: ${e.result.status}${sev}${why} (${e.result.duration_ms} ms)`;
}

/** The "recommendations:" block: each problem's summary, its exact commands and any policy. */
function recommendationLines(items: ReadonlyArray<{ name: string; severity: Severity; recommendation?: DiagnosticRecommendation | undefined }>): string[] {
  const withRec = items.filter((i) => i.recommendation);
  if (withRec.length === 0) return [];
  const lines = ['', 'recommendations:'];
  for (const { name, severity, recommendation: rec } of withRec) {
    lines.push(`  ${name} (${severity}): ${rec!.summary}`);
    for (const c of rec!.commands ?? []) lines.push(`    $ ${c}`);
    if (rec!.policy_json) {
      lines.push('    policy:');
      for (const l of rec!.policy_json.split('\n')) lines.push(`      ${l}`);
    }
  }
  return lines;
}

/** 20 → "20", 7.5 → "7.5": scores and points have at most one decimal. */
export function formatScore(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function awsConfigStatus(c: AwsConfigCheckResult, colour: boolean): string {
  return c.blocked_by ? paint('blocked', 'yellow', colour) : paintStatus(c.status, colour);
}

/** The line that says the score is below --minimum-score (the CLI then exits 3). */
export function belowMinimumLine(r: Pick<DiagnoseAwsConfigResult, 'score' | 'minimum_score'>): string {
  return `score ${formatScore(r.score)} is below the minimum ${formatScore(r.minimum_score)}`;
}

export function formatAwsConfigText(r: DiagnoseAwsConfigResult, colour: boolean): string {
  const where = [
    `profile "${r.profile}"${r.profile_source === 'default' ? '' : ` (${r.profile_source === 'flag' ? '--profile' : r.profile_source})`}`,
    r.region ? `region ${r.region}` : 'no region',
    r.instance_id ? `instance ${r.instance_id}` : undefined,
  ].filter(Boolean);
  const lines: string[] = [`AWS configuration for SSM port forwarding: ${where.join(', ')}`, ''];
  lines.push(
    formatTable(
      ['CHECK', 'STATUS', 'SEVERITY', 'POINTS', 'MESSAGE'],
      r.checks.map((c) => [
        c.check,
        awsConfigStatus(c, colour),
        c.status === 'pass' || c.status === 'skip' ? '-' : paintSeverity(c.severity, colour),
        `${formatScore(c.points)}/${formatScore(c.weight)}`,
        c.message,
      ]),
    ).replace(/\n$/, ''),
  );
  lines.push(...recommendationLines(r.checks.filter((c) => c.status !== 'pass').map((c) => ({ name: c.check, severity: c.severity, recommendation: c.recommendation }))));
  const score = `${formatScore(r.score)}/100`;
  lines.push('', `score: ${colour ? paint(score, r.meets_minimum ? 'green' : 'red', true) : score}`);
  if (!r.meets_minimum) lines.push(belowMinimumLine(r));
  return `${lines.join('\n')}\n`;
}
