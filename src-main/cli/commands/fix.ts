// warren fix --instance-id … [--auto-fix] [--safe-only] [--dry-run]: EC2 Connect's auto-fix, run by
// the daemon (fix.run). Without --auto-fix it only shows the plan; with it, the automatic actions
// are applied (only the safe ones with --safe-only) while progress goes to stderr. Exit 0 when the
// instance ends connectable, 3 otherwise. `warren fix history` / `warren fix show RUN_ID` read the
// runs the daemon stored.
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { fixEventSchema, type FixRunParams } from '../../../src-shared/api/fix-contract.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { formatStructured, reportFormats, reportIsHealthy, type ReportFormat } from './diagnose-format.js';
import { formatFixHistoryText, formatFixProgress, formatFixShowText, formatFixText } from './fix-format.js';
import { parseIntOption } from './shared.js';

interface FixFlags {
  /** Checked in runFix, not by commander: `fix history` / `fix show` do not need it. */
  instanceId?: string;
  autoFix?: boolean;
  safeOnly?: boolean;
  dryRun?: boolean;
  format: ReportFormat;
  output?: string;
  profile?: string;
  region?: string;
  localPort?: number;
  remotePort?: number;
  waitTimeout: number;
}

const HELP = `
Exit status:
  0  the instance is connectable afterwards (likelihood at least 50%, nothing CRITICAL)
  3  it is not (with --dry-run or without --auto-fix: as it stands now)
Never applied automatically: IAM, security group and VPC endpoint changes (their exact steps are shown).`;

async function runFix(ctx: CliContext, f: FixFlags): Promise<void> {
  if (!f.instanceId) throw usageError("required option '--instance-id <id>' not specified", 'e.g. warren fix --instance-id i-0123456789abcdef0 --auto-fix');
  const params: FixRunParams = { instance_id: f.instanceId, auto_fix: f.autoFix === true, safe_only: f.safeOnly === true, dry_run: f.dryRun === true, wait_timeout_s: f.waitTimeout };
  if (f.profile) params.profile = f.profile;
  if (f.region) params.region = f.region;
  if (f.localPort !== undefined) params.local_port = f.localPort;
  if (f.remotePort !== undefined) params.remote_port = f.remotePort;
  // The call lasts as long as the wait for the agent: give it that plus time for the diagnostics.
  ctx.timeoutMs = Math.max(ctx.timeoutMs, (f.waitTimeout + 120) * 1000);

  const result = await ctx.withClient(async (client, carrier) => {
    carrier.onNotification((method, payload) => {
      if (method !== 'event.fix') return;
      const e = fixEventSchema.safeParse(payload);
      const line = e.success && e.data.instance_id === f.instanceId ? formatFixProgress(e.data) : undefined;
      if (line) ctx.err(line);
    });
    await client.call('events.subscribe', { types: ['fix'] });
    ctx.err(`${params.auto_fix && !params.dry_run ? 'fixing' : 'planning fixes for'} ${f.instanceId} …`);
    return client.call('fix.run', params);
  });

  const planOnly = !params.auto_fix || params.dry_run;
  emitOutput(ctx, f, () => formatFixText(result, { colour: ctx.colour && !f.output, planOnly, dryRun: params.dry_run }), result);
  ctx.err(`stored as fix run ${result.run_id} (${result.outcome}): \`warren fix show ${result.run_id}\``);
  if (!reportIsHealthy(result.report_after)) ctx.exitCode = ExitCode.Connection;
}

/** Print (or write to --output) text, JSON or YAML, as `warren fix` itself does. */
function emitOutput(ctx: CliContext, f: Pick<FixFlags, 'format' | 'output'>, text: () => string, data: unknown): void {
  const body = f.format === 'text' ? text() : formatStructured(data, f.format);
  if (f.output) {
    fs.writeFileSync(f.output, body);
    ctx.err(`wrote ${f.output}`);
  } else ctx.io.stdout.write(body);
}

function outputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices(reportFormats).default('text'))
    .option('--output <file>', 'write the result to this file instead of stdout');
}

interface HistoryFlags {
  format: ReportFormat;
  output?: string;
  instanceId?: string;
  limit: number;
}

/**
 * `fix history` and `fix show`. Their options are also `fix`'s own (--instance-id, --format,
 * --output), and commander hands those to the parent wherever they appear, so the actions read
 * optsWithGlobals(): the values given, whichever command took them.
 */
function registerFixRuns(fix: Command, ctx: CliContext): void {
  outputOptions(
    fix
      .command('history')
      .description('stored fix runs, newest first')
      .option('--instance-id <id>', 'only runs for this instance')
      .option('--limit <n>', 'how many runs', parseIntOption('--limit', 1, 1000), 20),
  ).action(async (_f: HistoryFlags, cmd: Command) => {
    const f = cmd.optsWithGlobals<HistoryFlags>();
    const r = await ctx.withClient((c) => c.call('fix.history', { limit: f.limit, ...(f.instanceId ? { instance_id: f.instanceId } : {}) }));
    emitOutput(ctx, f, () => formatFixHistoryText(r.runs), r);
  });

  outputOptions(fix.command('show').description('one stored fix run in full').argument('<run-id>', 'a RUN from `warren fix history`')).action(
    async (runId: string, _f: unknown, cmd: Command) => {
      const f = cmd.optsWithGlobals<HistoryFlags>();
      const r = await ctx.withClient((c) => c.call('fix.show', { run_id: runId }));
      emitOutput(ctx, f, () => formatFixShowText(r, ctx.colour && !f.output), r);
    },
  );
}

export function registerFix(program: Command, ctx: CliContext): void {
  const fix = program
    .command('fix')
    .description('plan and apply fixes for an EC2 instance that SSM cannot reach (EC2 Connect auto-fix); `fix history`, `fix show` for past runs')
    .option('--instance-id <id>', 'the instance, e.g. i-0123456789abcdef0 (required)')
    .option('--auto-fix', 'apply the automatic actions (start the instance, wait for the SSM agent)')
    .option('--safe-only', 'apply only actions marked safe')
    .option('--dry-run', 'show what would be done, change nothing')
    .addOption(new Option('--format <format>', 'output format').choices(reportFormats).default('text'))
    .option('--output <file>', 'write the result to this file instead of stdout')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE or "default")')
    .option('--region <region>', "AWS region (default: AWS_REGION or the profile's)")
    .option('--local-port <port>', 'local port of the forward (checks it is free)', parseIntOption('--local-port', 1, 65535))
    .option('--remote-port <port>', 'port on the instance', parseIntOption('--remote-port', 1, 65535))
    .option('--wait-timeout <seconds>', 'how long to wait for the SSM agent to show Online', parseIntOption('--wait-timeout', 1, 3600), 300)
    .addHelpText('after', HELP)
    .action((f: FixFlags) => runFix(ctx, f));
  registerFixRuns(fix, ctx);
}
