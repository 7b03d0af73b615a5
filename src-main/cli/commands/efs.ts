// warren efs configure|list|delete|status|run|watch|route|mount-plan|schedule|runs: the EFS mount
// target autoscaler (design: efs-mount-target-autoscaling) run by the daemon. `run` shows progress
// on stderr while it counts and waits, and exits 1 when the run failed; `watch` follows the runs
// (scheduled or not) as they happen until Ctrl-C.
import path from 'node:path';
import type { Command } from 'commander';
import { efsEventSchema, type EfsConfigureParams, type EfsEvent } from '../../../src-shared/api/index.js';
import { usageError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { paint } from '../format.js';
import { callAnsweringPrompts } from './aws.js';
import { formatEfsProgress, formatRun, formatRuns, formatScaler, formatStatus } from './efs-format.js';
import { followUntilStopped } from './follow.js';
import { parseIntOption, withJson, type JsonFlag } from './shared.js';

interface NameFlag {
  name?: string;
}
interface AwsFlags {
  profile?: string;
  region?: string;
}
interface ConfigureFlags extends NameFlag, AwsFlags, JsonFlag {
  fileSystemId?: string;
  directory?: string;
  recursive?: boolean;
  threshold?: number;
  interval?: string;
  ssmParameter?: string;
  ecsCluster?: string;
  ecsService?: string;
  vpcId?: string;
  securityGroupId?: string;
  waitTimeout?: string;
}

/** A run lasts as long as the count and the wait for the mount target; the daemon bounds both. */
const RUN_WAIT_MS = 12 * 3_600_000;

const nameOption = (cmd: Command): Command => cmd.option('--name <name>', 'the scaler (default: "default", or the only one)');
const awsOptions = (cmd: Command): Command =>
  cmd.option('--profile <name>', 'AWS profile (default: AWS_PROFILE or "default")').option('--region <region>', "AWS region (default: AWS_REGION or the profile's)");
const nameParam = (f: NameFlag): { name?: string } => (f.name ? { name: f.name } : {});

export function configureParams(f: ConfigureFlags, cwd: string): EfsConfigureParams {
  const p: EfsConfigureParams = {};
  if (f.name) p.name = f.name;
  if (f.fileSystemId) p.file_system_id = f.fileSystemId;
  // The daemon runs elsewhere: send it an absolute path.
  if (f.directory) p.directory = path.resolve(cwd, f.directory);
  if (f.recursive !== undefined) p.recursive = f.recursive;
  if (f.threshold !== undefined) p.threshold = f.threshold;
  if (f.interval) p.interval = f.interval;
  if (f.ssmParameter) p.ssm_parameter = f.ssmParameter;
  if (f.ecsCluster) p.ecs_cluster = f.ecsCluster;
  if (f.ecsService) p.ecs_service = f.ecsService;
  if (f.vpcId) p.vpc_id = f.vpcId;
  if (f.securityGroupId) p.security_group_id = f.securityGroupId;
  if (f.profile) p.profile = f.profile;
  if (f.region) p.region = f.region;
  if (f.waitTimeout) p.wait_timeout = f.waitTimeout;
  return p;
}

/**
 * Progress on stderr: on a terminal one line rewritten in place; elsewhere a line per step, and
 * counting progress at most every few seconds so a log is not flooded.
 */
class ProgressLine {
  private lastCountLine = 0;
  private shown = false;
  constructor(private readonly ctx: CliContext) {}
  show(e: EfsEvent): void {
    const line = formatEfsProgress(e);
    if (line === undefined || e.stage === 'done') return;
    const tty = this.ctx.io.stderr.isTTY === true;
    if (tty) {
      this.ctx.io.stderr.write(`\r\u001b[K${line}`);
      this.shown = true;
      if (e.status !== 'progress') this.end();
      return;
    }
    if (e.stage === 'count' && e.status === 'progress') {
      if (Date.now() - this.lastCountLine < 5000) return;
      this.lastCountLine = Date.now();
    }
    this.ctx.err(line);
  }
  end(): void {
    if (this.shown) this.ctx.io.stderr.write('\n');
    this.shown = false;
  }
}

function registerRun(efs: Command, ctx: CliContext): void {
  withJson(nameOption(efs.command('run').description('run a scaler once now: count, and above the threshold add a mount target, publish it and redeploy')))
    .option('--dry-run', 'count and plan, change nothing, and say what would be done')
    .action(async (f: NameFlag & JsonFlag & { dryRun?: boolean }) => {
      ctx.timeoutMs = Math.max(ctx.timeoutMs, RUN_WAIT_MS);
      const progress = new ProgressLine(ctx);
      let runId: string | undefined;
      const run = await callAnsweringPrompts(
        ctx,
        'efs.run',
        { ...nameParam(f), dry_run: f.dryRun === true },
        {
          types: ['efs'],
          on: (method, payload) => {
            if (method !== 'event.efs') return;
            const e = efsEventSchema.safeParse(payload);
            if (!e.success || e.data.trigger !== 'manual' || (f.name && e.data.name !== f.name)) return;
            runId ??= e.data.run_id; // this call's run: the first manual one to report
            if (e.data.run_id === runId) progress.show(e.data);
          },
        },
      ).finally(() => progress.end());
      if (run.outcome === 'failed') ctx.exitCode = ExitCode.General;
      if (f.json) return ctx.json(run);
      ctx.out(formatRun(run, ctx.colour));
    });
}

function registerWatch(efs: Command, ctx: CliContext): void {
  withJson(efs.command('watch').description('follow scaler runs (scheduled or not) as they happen, until Ctrl-C'))
    .option('--name <name>', 'only this scaler')
    .action(async (f: NameFlag & JsonFlag) => {
      const { client, carrier } = await ctx.connect();
      try {
        carrier.onNotification((method, payload) => {
          if (method !== 'event.efs') return;
          const e = efsEventSchema.safeParse(payload);
          if (!e.success || (f.name && e.data.name !== f.name)) return;
          if (f.json) return ctx.io.stdout.write(`${JSON.stringify(e.data)}\n`);
          const line = formatEfsProgress(e.data);
          const time = paint(new Date().toTimeString().slice(0, 8), 'dim', ctx.colour);
          if (line) ctx.out(`${time} ${e.data.name} ${e.data.run_id.slice(0, 8)}${e.data.dry_run ? ' (dry)' : ''} ${line}`);
        });
        const { subscription_id } = await client.call('events.subscribe', { types: ['efs'] });
        ctx.err(`watching EFS scaler runs${f.name ? ` of ${f.name}` : ''} (Ctrl-C to stop)`);
        await followUntilStopped(carrier, subscription_id);
      } finally {
        await carrier.close();
      }
    });
}

function registerReads(efs: Command, ctx: CliContext): void {
  withJson(efs.command('list').description('configured scalers')).action(async (f: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('efs.list'));
    if (f.json) return ctx.json(r);
    if (r.scalers.length === 0) return ctx.out('no EFS scalers (make one with `warren efs configure`)');
    ctx.out(r.scalers.map(formatScaler).join('\n\n'));
  });

  withJson(nameOption(efs.command('status').description('a scaler: settings, schedule, mount targets by AZ (from AWS), last run, latest counts'))).action(
    async (f: NameFlag & JsonFlag) => {
      const r = await callAnsweringPrompts(ctx, 'efs.status', nameParam(f));
      if (f.json) return ctx.json(r);
      ctx.out(formatStatus(r, ctx.colour));
    },
  );

  withJson(nameOption(efs.command('runs').description('stored runs, newest first')))
    .option('--limit <n>', 'how many runs', parseIntOption('--limit', 1, 1000), 20)
    .action(async (f: NameFlag & JsonFlag & { limit: number }) => {
      const r = await ctx.withClient((c) => c.call('efs.runs', { ...nameParam(f), limit: f.limit }));
      if (f.json) return ctx.json(r);
      ctx.out(formatRuns(r.runs, ctx.colour));
    });

  withJson(nameOption(efs.command('route').description("where a task puts PATH: /mnt/efs-N/PATH for the scaler's published mount targets")))
    .argument('<path>', 'a path inside the file system, e.g. photos/2024/cat.jpg')
    .action(async (p: string, f: NameFlag & JsonFlag) => {
      const r = await callAnsweringPrompts(ctx, 'efs.route', { ...nameParam(f), path: p });
      if (f.json) return ctx.json(r);
      ctx.out(r.resolved);
    });

  withJson(
    awsOptions(
      nameOption(efs.command('mount-plan').description("the mount commands a task runs for the published mount targets (/mnt/efs-0, /mnt/efs-1, …)"))
        .option('--parameter <name>', 'read this SSM parameter instead of a scaler\'s')
        .option('--file-system-id <id>', 'mount with amazon-efs-utils over TLS (default for a scaler: its file system; else plain NFS)'),
    ),
  ).action(async (f: NameFlag & AwsFlags & JsonFlag & { parameter?: string; fileSystemId?: string }) => {
    if (f.name && f.parameter) throw usageError('give --name or --parameter, not both');
    const r = await callAnsweringPrompts(ctx, 'efs.mount_plan', {
      ...nameParam(f),
      ...(f.parameter ? { parameter: f.parameter } : {}),
      ...(f.fileSystemId ? { file_system_id: f.fileSystemId } : {}),
      ...(f.profile ? { profile: f.profile } : {}),
      ...(f.region ? { region: f.region } : {}),
    });
    if (f.json) return ctx.json(r);
    ctx.out([`# ${r.parameter}: ${r.mount_targets.length} mount targets`, ...r.commands.map((c) => c.command)].join('\n'));
  });
}

export function registerEfs(program: Command, ctx: CliContext): void {
  const efs = program.command('efs').description('EFS mount target autoscaler: add mount targets as the file count grows, publish them to SSM, redeploy ECS');
  // The scaler a command is about, for the hint under an error ("follow it with `warren efs watch --name media`").
  efs.hook('preAction', (_efs, action) => {
    const name = action.opts<NameFlag>().name;
    if (name) ctx.subject = { ...ctx.subject, name };
  });

  withJson(
    awsOptions(
      nameOption(efs.command('configure').description('create or update a scaler (an existing one keeps the settings not given)'))
        .option('--file-system-id <id>', 'the EFS file system, e.g. fs-0123456789abcdef0')
        .option('--directory <path>', 'where the file system is mounted on this machine (the directory to count)')
        .option('--recursive', 'count the whole tree (default: only the directory itself)')
        .option('--no-recursive', 'count only the directory itself')
        .option('--threshold <files>', 'add a mount target above this many files (default 100000)', parseIntOption('--threshold', 0, Number.MAX_SAFE_INTEGER))
        .option('--interval <duration>', 'how often the schedule runs, e.g. 5m (default)')
        .option('--ssm-parameter <name>', 'the SSM parameter tasks read the mount targets from')
        .option('--ecs-cluster <name>', 'the ECS cluster of the service to redeploy')
        .option('--ecs-service <name>', 'the ECS service to redeploy')
        .option('--vpc-id <id>', "the file system's VPC")
        .option('--security-group-id <id>', 'the security group for new mount targets (must allow NFS, TCP 2049)')
        .option('--wait-timeout <duration>', 'how long to wait for a new mount target to become available (default 10m)'),
    ),
  ).action(async (f: ConfigureFlags) => {
    const r = await ctx.withClient((c) => c.call('efs.configure', configureParams(f, process.cwd())));
    if (f.json) return ctx.json(r);
    ctx.out(formatScaler(r));
    if (!r.schedule_enabled) ctx.err(`try it with \`warren efs run --dry-run --name ${r.name}\`; \`warren efs schedule on --name ${r.name}\` runs it every ${r.config.interval}`);
  });

  withJson(efs.command('delete').description('remove a scaler and its schedule (its stored runs stay)').argument('<name>', 'the scaler')).action(async (name: string, f: JsonFlag) => {
    const r = await ctx.withClient((c) => c.call('efs.delete', { name }));
    if (f.json) return ctx.json(r);
    ctx.out(`deleted ${name}`);
  });

  withJson(nameOption(efs.command('schedule').description('turn the periodic run on or off (kept across restarts)').argument('<on|off>', 'on or off'))).action(
    async (state: string, f: NameFlag & JsonFlag) => {
      if (state !== 'on' && state !== 'off') throw usageError(`expected on or off, got "${state}"`);
      const r = await ctx.withClient((c) => c.call('efs.schedule', { ...nameParam(f), enabled: state === 'on' }));
      if (f.json) return ctx.json(r);
      ctx.out(`${r.name}: schedule ${r.schedule_enabled ? `on, every ${r.config.interval}${r.next_run_at ? ` (next ${r.next_run_at})` : ''}` : 'off'}`);
    },
  );

  registerRun(efs, ctx);
  registerWatch(efs, ctx);
  registerReads(efs, ctx);
}
