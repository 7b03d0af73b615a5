// warren diagnose full|precheck|preventive|item|list|history|aws-config, and the top-level
// `warren precheck`: EC2 Connect's connection diagnostics, run by the daemon through its AWS clients.
// Each finished item prints a progress line on stderr (from event.diagnose); the report goes to
// stdout or --output as text, JSON or YAML. Exit 3 when the connection is unlikely (see EXIT_HELP),
// or, for aws-config, when the score is below --minimum-score (see AWS_CONFIG_HELP).
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { diagnoseEventSchema, type DiagnoseAwsConfigParams, type DiagnoseRunParams } from '../../../src-shared/api/diagnose-contract.js';
import { diagnosticItemNames, type DiagnosticItemName, type DiagnosticMode } from '../../../src-shared/api/diagnostics.js';
import { usageError } from '../cli-error.js';
import { callAnsweringPrompts } from './aws.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../format.js';
import { parseIntOption } from './shared.js';
import {
  belowMinimumLine,
  formatAwsConfigText,
  formatProgress,
  formatReportText,
  formatStructured,
  LIKELIHOOD_THRESHOLD,
  reportFormats,
  reportIsHealthy,
  type ReportFormat,
} from './diagnose-format.js';

const EXIT_HELP = `
Exit status:
  0  connection likelihood is at least ${LIKELIHOOD_THRESHOLD}% and no item is CRITICAL
  3  likelihood below ${LIKELIHOOD_THRESHOLD}%, or a CRITICAL problem (the connection would be aborted)
  other codes as for every command (1 general, 2 usage, 4 AWS access denied)`;

const AWS_CONFIG_HELP = `
Checks (weight): profile (20), region (15), credentials (25), iam_permissions (20, --include-iam),
ssm_endpoint (10), instance (10, --instance-id). Score = weighted share of passes, a warning
earning half; a check blocked by an earlier failure earns nothing. The daemon's AWS environment
is checked (its AWS_PROFILE, AWS_REGION, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE).

Exit status:
  0  the score is at least --minimum-score (default 0)
  3  the score is below --minimum-score (the code every diagnose command uses for "not good enough")
  other codes as for every command (1 general, 2 usage, 4 AWS access denied)`;

/** --minimum-score: a number from 0 to 100, decimals allowed ("75.0", as EC2 Connect takes it). */
export function parseScoreOption(value: string): number {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 100)) throw usageError(`--minimum-score must be a number from 0 to 100, got "${value}"`);
  return n;
}

interface AwsConfigFlags {
  format: ReportFormat;
  output?: string;
  instanceId?: string;
  profile?: string;
  region?: string;
  includeCredentials?: boolean;
  includeIam?: boolean;
  minimumScore: number;
}

async function awsConfig(ctx: CliContext, f: AwsConfigFlags): Promise<void> {
  const params: DiagnoseAwsConfigParams = { minimum_score: f.minimumScore };
  if (f.instanceId) params.instance_id = f.instanceId;
  if (f.profile) params.profile = f.profile;
  if (f.region) params.region = f.region;
  if (f.includeCredentials) params.include_credentials = true;
  if (f.includeIam) params.include_iam = true;
  ctx.err('checking the AWS configuration for SSM port forwarding …');
  const report = await callAnsweringPrompts(ctx, 'diagnose.aws_config', params);
  emit(ctx, f, () => formatAwsConfigText(report, ctx.colour && !f.output), report);
  if (report.meets_minimum) return;
  // Exit 3 (ExitCode.Connection), as diagnose does when the likelihood is too low: the same "this
  // setup is not good enough to connect" verdict. Not 2 (the command line was fine) nor 4 (that
  // is AWS refusing one of Warren's own calls, not a finding).
  ctx.exitCode = ExitCode.Connection;
  // Text on stdout already ends with this line; otherwise stdout is data, so it goes to stderr.
  if (f.format !== 'text' || f.output) ctx.err(belowMinimumLine(report));
}

interface OutputFlags {
  format: ReportFormat;
  output?: string;
}

interface RunFlags extends OutputFlags {
  instanceId: string;
  localPort?: number;
  remotePort?: number;
  profile?: string;
  region?: string;
  abortOnCritical?: boolean;
  item?: string[];
}

function parseItem(value: string, previous: string[] | undefined): string[] {
  if (!(diagnosticItemNames as readonly string[]).includes(value))
    throw usageError(`unknown diagnostic item "${value}"`, `one of ${diagnosticItemNames.join(', ')} (see \`warren diagnose list\`)`);
  return [...(previous ?? []), value];
}

function outputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices(reportFormats).default('text'))
    .option('--output <file>', 'write the result to this file instead of stdout');
}

function runOptions(cmd: Command): Command {
  return outputOptions(
    cmd
      .requiredOption('--instance-id <id>', 'the instance, e.g. i-0123456789abcdef0')
      .option('--local-port <port>', 'local port of the forward (checks it is free)', parseIntOption('--local-port', 1, 65535))
      .option('--remote-port <port>', 'port on the instance', parseIntOption('--remote-port', 1, 65535))
      .option('--profile <name>', 'AWS profile (default: AWS_PROFILE or "default")')
      .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s)'),
  ).addHelpText('after', EXIT_HELP);
}

/** Print (or write to --output) text, JSON or YAML. */
function emit(ctx: CliContext, f: OutputFlags, text: () => string, data: unknown): void {
  const body = f.format === 'text' ? text() : formatStructured(data, f.format);
  if (f.output) {
    fs.writeFileSync(f.output, body);
    ctx.err(`wrote ${f.output}`);
  } else ctx.io.stdout.write(body);
}

async function runAndReport(ctx: CliContext, mode: DiagnosticMode, f: RunFlags): Promise<void> {
  const params: DiagnoseRunParams = { instance_id: f.instanceId, mode };
  if (f.item?.length) params.items = f.item as DiagnosticItemName[];
  if (f.localPort !== undefined) params.local_port = f.localPort;
  if (f.remotePort !== undefined) params.remote_port = f.remotePort;
  if (f.profile) params.profile = f.profile;
  if (f.region) params.region = f.region;
  if (f.abortOnCritical) params.abort_on_critical = true;

  ctx.err(`diagnosing ${f.instanceId} (${mode}) …`);
  // MFA/SSO prompts raised by the daemon's AWS calls are answered here; progress comes on the same
  // connection: every finished item of a run for this instance, as the daemon reports it.
  const report = await callAnsweringPrompts(ctx, 'diagnose.run', params, {
    types: ['diagnose'],
    on: (method, payload) => {
      if (method !== 'event.diagnose') return;
      const e = diagnoseEventSchema.safeParse(payload);
      if (e.success && e.data.instance_id === f.instanceId) ctx.err(formatProgress(e.data));
    },
  });
  emit(ctx, f, () => formatReportText(report, ctx.colour), report);
  if (!reportIsHealthy(report)) ctx.exitCode = ExitCode.Connection;
}

export function registerDiagnose(program: Command, ctx: CliContext): void {
  const diagnose = program.command('diagnose').description('connection diagnostics for an EC2 instance through SSM (EC2 Connect)').addHelpText('after', EXIT_HELP);

  runOptions(diagnose.command('full').description('every diagnostic item, in parallel'))
    .option('--item <name>', 'only this item (repeatable)', parseItem)
    .option('--parallel', 'accepted for EC2 Connect compatibility: items always run in parallel')
    .action((f: RunFlags) => runAndReport(ctx, 'full', f));

  runOptions(diagnose.command('precheck').description('the fast checks before connecting: instance_state, ssm_agent, local_port_availability')).action((f: RunFlags) =>
    runAndReport(ctx, 'precheck', f),
  );

  runOptions(diagnose.command('preventive').description('staged checks EC2 → SSM → IAM → network, with progress per stage'))
    .option('--abort-on-critical', 'stop after the first stage that finds a CRITICAL problem')
    .action((f: RunFlags) => runAndReport(ctx, 'preventive', f));

  runOptions(diagnose.command('item').description('one diagnostic item (see `warren diagnose list`)'))
    .requiredOption('--item <name>', 'the item to run', parseItem)
    .action((f: RunFlags) => {
      if ((f.item?.length ?? 0) !== 1) throw usageError('diagnose item takes exactly one --item');
      return runAndReport(ctx, 'item', f);
    });

  outputOptions(
    diagnose
      .command('aws-config')
      .description('validate the AWS configuration for SSM port forwarding and score it 0–100')
      .option('--instance-id <id>', 'also check the instance exists in this region/account (and scope the IAM probes to it)')
      .option('--profile <name>', 'AWS profile (default: AWS_PROFILE or "default")')
      .option('--region <region>', "AWS region (default: AWS_REGION or the profile's)")
      .option('--include-credentials', 'also report where the credentials come from and when they expire (warn under 15 min)')
      .option('--include-iam', 'also probe the IAM permissions port forwarding needs (changes nothing)')
      .option('--minimum-score <n>', 'exit 3 when the score is below this (0–100)', parseScoreOption, 0),
  )
    .addHelpText('after', AWS_CONFIG_HELP)
    .action((f: AwsConfigFlags) => awsConfig(ctx, f));

  outputOptions(diagnose.command('list').description('the diagnostic items and what each checks')).action(async (f: OutputFlags) => {
    const r = await ctx.withClient((c) => c.call('diagnose.list_items'));
    emit(ctx, f, () => `${formatTable(['ITEM', 'CHECKS'], r.items.map((i) => [i.item, i.description]))}\n`, r);
  });

  outputOptions(
    diagnose
      .command('history')
      .description('stored diagnostic runs, newest first')
      .option('--instance-id <id>', 'only runs for this instance')
      .option('--limit <n>', 'how many runs', parseIntOption('--limit', 1, 1000), 20),
  ).action(async (f: OutputFlags & { instanceId?: string; limit: number }) => {
    const r = await ctx.withClient((c) => c.call('diagnose.history', { limit: f.limit, ...(f.instanceId ? { instance_id: f.instanceId } : {}) }));
    emit(
      ctx,
      f,
      () =>
        r.runs.length === 0
          ? 'no diagnostic runs yet (run `warren diagnose full --instance-id …`)\n'
          : `${formatTable(
              ['STARTED', 'INSTANCE', 'MODE', 'LIKELIHOOD', 'WORST', 'RUN'],
              r.runs.map((x) => [
                x.started_at,
                x.instance_id || '-',
                x.mode,
                // aws-config runs store their score (rounded down) where the others keep a likelihood.
                x.mode === 'aws-config' ? `score ${x.likelihood_percent}` : `${x.likelihood_percent}%`,
                x.worst_severity ?? '-',
                x.run_id,
              ]),
            )}\n`,
      r,
    );
  });

  // EC2 Connect's top-level `precheck` (same as `diagnose precheck`).
  runOptions(program.command('precheck').description('check an instance is ready before connecting (same as `warren diagnose precheck`)')).action((f: RunFlags) =>
    runAndReport(ctx, 'precheck', f),
  );
}
