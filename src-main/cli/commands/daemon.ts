// warren daemon run|start|stop|status
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { SettingsPatch } from '../../../src-shared/domain/settings.js';
import type { CliContext } from '../context.js';
import { startDaemon, stopDaemon, type DaemonStatus } from '../daemon-control.js';
import { formatKeyValues } from '../format.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { parseIntOption, withJson, type JsonFlag } from './shared.js';

interface BrowserFlags {
  browser?: boolean;
  browserPort?: number;
  browserPinToken?: boolean;
}

interface SettingFlags {
  sshConfig?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Settings given as flags win over WARREN_* env, stored and default values. */
function settingsFromFlags(flags: SettingFlags): SettingsPatch {
  const patch: SettingsPatch = {};
  if (flags.sshConfig !== undefined) patch.ssh_config_path = path.resolve(flags.sshConfig);
  if (flags.logLevel !== undefined) patch.log = { level: flags.logLevel };
  return patch;
}

function addSettingOptions(cmd: Command): Command {
  return cmd
    .option('--ssh-config <file>', 'ssh config to read hosts from (default: setting ssh_config_path, ~/.ssh/config)')
    .addOption(new Option('--log-level <level>', 'log level for this run').choices(['debug', 'info', 'warn', 'error']));
}

function browserOption(flags: BrowserFlags): { port?: number; pinToken?: boolean } | false {
  // --browser-port (or --browser-pin-token) alone is enough to ask for browser mode.
  if (!flags.browser && flags.browserPort === undefined && !flags.browserPinToken) return false;
  return { ...(flags.browserPort === undefined ? {} : { port: flags.browserPort }), ...(flags.browserPinToken ? { pinToken: true } : {}) };
}

const PIN_TOKEN_HELP = 'keep the browser token across restarts (default: a new one at every start); implies --browser';

export function printStatus(ctx: CliContext, s: DaemonStatus): void {
  const pairs: Array<[string, string]> = [
    ['pid', String(s.pid)],
    ['version', s.version],
    ['started', s.started_at],
    ['uptime', s.uptime],
    ['home', s.warren_home],
    ['clients', String(s.connected_clients)],
    ['ssh connections', String(s.active_ssh_connections)],
    ['active forwards', String(s.active_forwards)],
    ['memory', `${(s.memory.rss / 1048576).toFixed(1)} MiB RSS, ${(s.memory.heap_used / 1048576).toFixed(1)} MiB JS heap`],
  ];
  if (s.browser_url) pairs.push(['browser', s.browser_url]);
  ctx.out(formatKeyValues(pairs));
}

export function registerDaemon(program: Command, ctx: CliContext): void {
  const daemon = program.command('daemon').description('run, start, stop or inspect the Warren daemon');

  addSettingOptions(daemon.command('run'))
    .description('run the daemon in the foreground until Ctrl-C or `warren daemon stop`')
    .option('--browser', 'also serve the UI to a browser on 127.0.0.1')
    .option('--browser-port <port>', 'port for browser mode, 0 = any free port (implies --browser)', parseIntOption('--browser-port', 0, 65535))
    .option('--browser-pin-token', PIN_TOKEN_HELP)
    // `daemon start` passes this: its output file should hold crashes, not a copy of warren.log.
    .addOption(new Option('--no-log-stderr', 'do not copy log lines to stderr').hideHelp())
    .action(async (flags: BrowserFlags & SettingFlags & { logStderr: boolean }) => {
      // Loaded only here: the engine (ssh2, SQLite…) is heavy, and every other command is a thin client.
      const { runDaemon } = await import('../../daemon.js');
      const code = await runDaemon({
        home: ctx.paths.home,
        browser: browserOption(flags),
        logToStderr: flags.logStderr,
        settings: settingsFromFlags(flags),
        onReady: ({ socket, browserUrl, pid }) => {
          ctx.out(`Warren daemon running (pid ${pid}), socket ${socket}`);
          if (browserUrl) ctx.out(`browser: ${browserUrl}`);
        },
      });
      ctx.exitCode = code;
    });

  withJson(
    addSettingOptions(daemon.command('start'))
      .description('start the daemon in the background and wait until it answers')
      .option('--browser', 'also serve the UI to a browser on 127.0.0.1')
      .option('--browser-port <port>', 'port for browser mode, 0 = any free port (implies --browser)', parseIntOption('--browser-port', 0, 65535))
      .option('--browser-pin-token', PIN_TOKEN_HELP),
  ).action(async (flags: BrowserFlags & SettingFlags & JsonFlag) => {
    const browser = browserOption(flags);
    const { status, alreadyRunning } = await startDaemon(ctx, {
      browser: browser !== false,
      browserPort: browser === false ? undefined : browser.port,
      browserPinToken: browser !== false && browser.pinToken === true,
      extraArgs: [
        ...(flags.sshConfig !== undefined ? ['--ssh-config', path.resolve(flags.sshConfig)] : []),
        ...(flags.logLevel !== undefined ? ['--log-level', flags.logLevel] : []),
      ],
    });
    if (flags.json) return ctx.json({ ...status, already_running: alreadyRunning });
    ctx.out(alreadyRunning ? `Warren daemon is already running (pid ${status.pid})` : `Warren daemon started (pid ${status.pid})`);
    if (status.browser_url) ctx.out(`browser: ${status.browser_url}`);
  });

  withJson(daemon.command('stop').description('stop the daemon (active forwards are restored on the next start)')).action(
    async (flags: JsonFlag) => {
      const r = await stopDaemon(ctx);
      if (flags.json) return ctx.json(r);
      ctx.out(r.stopped ? `Warren daemon stopped${r.pid ? ` (pid ${r.pid})` : ''}` : 'Warren daemon is not running');
    },
  );

  withJson(
    daemon
      .command('browser-url')
      .description("print browser mode's URL; --rotate gives it a new token first (open tabs are disconnected)")
      .option('--rotate', 'make a new token: the old URL and every open tab stop working'),
  ).action(async (flags: JsonFlag & { rotate?: boolean }) => {
    const url = await ctx.withClient(async (c) => (flags.rotate ? (await c.call('daemon.rotate_browser_token')).browser_url : (await c.call('daemon.status')).browser_url));
    if (url === undefined)
      throw new CliError('browser mode is off', ExitCode.General, 'start the daemon with `warren daemon start --browser` (add --browser-port to keep the port)');
    if (flags.json) return ctx.json({ browser_url: url, rotated: flags.rotate === true });
    ctx.out(url);
  });

  withJson(daemon.command('status').description('show whether the daemon runs, and its health')).action(async (flags: JsonFlag) => {
    const status = await ctx.withClient((c) => c.call('daemon.status'));
    if (flags.json) ctx.json(status);
    else printStatus(ctx, status);
  });
}
