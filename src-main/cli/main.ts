// The `warren` program: commands, global options, and the one place errors become "error: …", a
// hint line and an exit code. commander does the parsing: it is small, dependency-free and well
// kept, and gives nested `<domain> <verb>` commands, help and usage errors for free.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { WarrenError } from '../../src-shared/api/index.js';
import { CliError } from './cli-error.js';
import { registerAws } from './commands/aws.js';
import { registerConfig } from './commands/config.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDiagnose } from './commands/diagnose.js';
import { registerEvents } from './commands/events.js';
import { registerFix } from './commands/fix.js';
import { registerConduit } from './commands/conduit/index.js';
import { registerEc2 } from './commands/ec2.js';
import { registerEfs } from './commands/efs.js';
import { registerForward } from './commands/forward.js';
import { registerHost } from './commands/host.js';
import { registerSession } from './commands/session.js';
import { parseIntOption } from './commands/shared.js';
import { registerVscode } from './commands/vscode.js';
import { CliContext, type CliIo } from './context.js';
import { ExitCode, exitCodeForApiError } from './exit-codes.js';
import { ForwardSpecError } from './forward-spec.js';
import { hintFor } from './hints.js';
import { DaemonConnectionError } from './socket-carrier.js';

/** Our package.json's version: found by walking up, since src/ and dist/ sit at different depths. */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'warren' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one level up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('warren')
    .description('Warren keeps SSH port forwards alive. Every command talks to the daemon ($WARREN_HOME/warren.sock).')
    .version(packageVersion(), '-V, --version')
    .option('--timeout <seconds>', 'how long to wait for each answer from the daemon', parseIntOption('--timeout', 1, 3600), 60)
    // Set before adding commands so every subcommand inherits them.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showSuggestionAfterError(true);
  program.hook('preAction', () => {
    ctx.timeoutMs = (program.opts<{ timeout: number }>().timeout ?? 60) * 1000;
  });
  registerDaemon(program, ctx);
  registerHost(program, ctx);
  registerForward(program, ctx);
  registerSession(program, ctx);
  registerConduit(program, ctx);
  registerEc2(program, ctx);
  registerAws(program, ctx);
  registerVscode(program, ctx);
  registerDiagnose(program, ctx);
  registerFix(program, ctx);
  registerEfs(program, ctx);
  registerConfig(program, ctx);
  registerEvents(program, ctx);
  return program;
}

/** Print an error the way every command does, and say which exit code it means. */
export function reportError(e: unknown, ctx: CliContext): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Config; // commander printed it
  const print = (message: string, hint?: string): void => {
    ctx.err(`error: ${message}`);
    if (hint) ctx.err(`hint: ${hint}`);
  };
  if (e instanceof CliError) {
    print(e.message, e.hint);
    return e.exitCode;
  }
  if (e instanceof WarrenError) {
    // Connection trouble carries its own advice; API errors get a hint about what was asked.
    print(e.message, e instanceof DaemonConnectionError ? undefined : hintFor(e, ctx.subject));
    return exitCodeForApiError(e.code);
  }
  if (e instanceof ForwardSpecError) {
    print(e.message);
    return ExitCode.Config;
  }
  print(e instanceof Error ? e.message : String(e));
  return ExitCode.General;
}

/** Run the CLI with argv as process.argv gives it; resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(ctx).parseAsync([...argv]);
    return ctx.exitCode;
  } catch (e) {
    return reportError(e, ctx);
  }
}
