// Wires the engine to its store, transports and doors, and owns the order of start and stop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dispatcher } from './api/dispatcher.js';
import type { BrowserDoor } from './api/doors/browser-door.js';
import { randomBytes } from 'node:crypto';
import { alreadyRunning, bindSocketDoor, probeSocket, type BoundSocketDoor } from './api/doors/socket-door.js';
import { installCrashGuard } from './crash-guard.js';
import { importMolePortConfig } from './api/config-import.js';
import { createHandlers } from './api/handlers.js';
import { Subscriptions } from './api/subscriptions.js';
import type { WarrenApp, WarrenOptions } from './app.js';
import { DEFAULT_ENGINE_TIMINGS, Engine } from './core/engine.js';
import { EventBus } from './core/event-bus.js';
import { reconnectPolicy } from './core/reconnect-policy.js';
import { SettingsService } from './core/settings-service.js';
import { watchSystem } from './core/system-watch.js';
import { createLog, type WarrenLogger } from './log.js';
import { warrenHome, warrenPaths } from './paths.js';
import { writePrivateFile } from './fs/private-file.js';
import { ensurePrivateHome, ensurePrivateSubdir, readOwnPrivateFile, UnsafePathError } from './fs/private-path.js';
import { openStore } from './store/store.js';
import { createSshHostDirectory, createSshTransport } from './transports/ssh/index.js';
import { createConduitTransport } from './transports/conduit/conduit-transport.js';
import { createConfiguredSsmTransport } from './transports/ssm/configured-transport.js';
import { AwsClientCache } from './aws/aws-clients.js';
import { createCredentialServices } from './aws/credentials/index.js';
import { sdkEfsPort } from './aws/efs/aws-port.js';
import { EfsService, efsPollIntervalFromEnv } from './aws/efs/service.js';
import { reconnectDelaysMs, ssmReconnectMs } from '../src-shared/domain/settings.js';
import { tryParseDuration } from '../src-shared/logic/duration.js';
import { DEFAULT_JITTER } from '../src-shared/logic/backoff.js';
import { WarrenError, ErrorCode } from '../src-shared/api/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root, from src-main/ (tsx) or dist/src-main/ (built). */
function packageRoot(): string {
  let dir = here;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

/**
 * The browser-mode token. Pinned (`--browser-pin-token`): kept in $WARREN_HOME/browser-token so an
 * open tab on a fixed port reconnects after a restart — reused only from a regular 0600 file the
 * user owns (a planted or loosened file is replaced). Not pinned: a new token at every start, and
 * no token file is left behind.
 */
function browserToken(file: string, pinned: boolean, isStrongToken: (t: string) => boolean): string {
  if (pinned) {
    const saved = readOwnPrivateFile(file)?.trim();
    if (saved !== undefined && isStrongToken(saved)) return saved;
  }
  const token = randomBytes(32).toString('base64url');
  if (pinned) writePrivateFile(file, token + '\n');
  else fs.rmSync(file, { force: true });
  return token;
}

export async function startWarren(options: WarrenOptions = {}): Promise<WarrenApp> {
  const paths = warrenPaths(options.home ?? warrenHome());
  // A home someone else can write (a loose /tmp path, a planted folder) would let them plant the
  // browser token, symlinks or a socket: refuse it before anything in it is read or written.
  try {
    ensurePrivateHome(paths.home);
  } catch (e) {
    if (e instanceof UnsafePathError) throw new WarrenError(ErrorCode.InsecurePath, `Warren could not start: ${e.message}`, { path: e.path });
    throw e;
  }
  // One Warren per home, settled before anything in it is written: a second start (two daemons,
  // the app while a daemon runs) fails here and leaves the running one's store, log and files alone.
  // Binding the socket is the lock (atomic); without a socket door, a live one still refuses us.
  // The door may warn before the log exists (it does not: nothing is served yet); it uses the log once made.
  const doorLog: { current?: WarrenLogger } = {};
  let door: BoundSocketDoor | undefined;
  if (options.socket !== false) door = await bindSocketDoor(paths.socket, paths.home, { warn: (o, m) => doorLog.current?.warn({ ...o }, m) });
  else if (fs.existsSync(paths.socket) && (await probeSocket(paths.socket))) throw alreadyRunning(paths.socket, paths.home);

  const startedAt = new Date();
  const version = readVersion();

  let log: WarrenLogger;
  try {
    ensurePrivateSubdir(paths.keys);
    log = createLog({ file: paths.log, level: 'info', stderr: options.logToStderr ?? false });
  } catch (e) {
    await door?.close();
    throw e;
  }
  doorLog.current = log;
  const cleanups: Array<{ name: string; run: () => Promise<void> | void }> = [];
  // Until the door serves (and joins the ordered cleanups below), a failed start must unbind it.
  let doorCleanup: (() => Promise<void>) | undefined = door ? () => door.close() : undefined;
  try {
    const guard = installCrashGuard(log);
    cleanups.push({ name: 'crash guard', run: () => guard.dispose() });
    const store = openStore(paths.db, { log });
    cleanups.push({ name: 'store', run: () => store.close() });
    const interrupted = store.history.closeInterrupted('Warren stopped without an orderly shutdown');
    if (interrupted > 0) log.warn({ sessions: interrupted }, 'previous run ended abruptly; restoring its sessions');
    store.links.closeInterrupted(Date.now());

    const settings = new SettingsService(paths.home, store.settings, process.env, options.settings ?? {});
    for (const w of settings.warnings) log.warn({}, w);
    log.setLevel(settings.get().log.level);
    settings.onChange((s) => log.setLevel(s.log.level));

    const sshConfigPath = (): string => expandHome(settings.get().ssh_config_path);
    const hosts = createSshHostDirectory({ sshConfigPath });
    await hosts.reload();
    const ssh = createSshTransport({ sshConfigPath, log: log.child({ part: 'ssh' }) });
    const bus = new EventBus();
    // MFA codes and SSO sign-ins are asked through event.prompt and answered with prompt.answer.
    const credentials = createCredentialServices({ emit: (e) => bus.emit('event.prompt', e), log: log.child({ part: 'credentials' }) });
    cleanups.unshift({ name: 'credential prompts', run: () => credentials.dispose() });
    const aws = new AwsClientCache(credentials.clientOptions);
    cleanups.unshift({ name: 'aws clients', run: async () => aws.destroy() });
    const engine = new Engine(
      {
        rules: store.rules,
        active: store.active,
        history: {
          started: (name) => store.history.start(name),
          finished: (id, r) =>
            void store.history.finish(id, {
              status: r.status === 'error' ? 'error' : 'stopped',
              bytes_sent: r.bytes_sent,
              bytes_received: r.bytes_received,
              reason: r.reason,
            }),
        },
        metrics: { add: (s) => store.metrics.add(s), prune: () => void store.maintain() },
        linkHistory: store.links,
        hosts,
        transports: { ssh, conduit: createConduitTransport({ home: paths.home }), ssm: createConfiguredSsmTransport({ clients: aws, settings: () => settings.get(), log: log.child({ part: 'ssm' }) }) },
      },
      bus,
      {
        ...DEFAULT_ENGINE_TIMINGS,
        policy: () => {
          const s = settings.get();
          const { initialMs, maxMs } = reconnectDelaysMs(s);
          return reconnectPolicy(initialMs, maxMs, s.reconnect.max_retries, s.reconnect.enabled);
        },
        // EC2 Connect's policy for SSM sessions: 1-2-4-8-16 s, 5 attempts, optional aggressive burst.
        ssmPolicy: () => {
          const s = settings.get();
          const p = ssmReconnectMs(s);
          return {
            enabled: s.reconnect.enabled,
            maxRetries: p.maxRetries,
            backoff: { initialMs: p.initialMs, maxMs: p.maxMs, jitter: DEFAULT_JITTER, ...(p.aggressive ? { aggressive: p.aggressive } : {}) },
          };
        },
        inactiveAfterMs: () => tryParseDuration(settings.get().ssm.inactive_after) ?? 30_000,
      },
      log.child({ part: 'engine' }),
    );
    cleanups.unshift({ name: 'engine', run: () => engine.shutdown() });

    // The EFS mount target scalers; stopped (schedule off, runs cancelled) before the store closes.
    const efsPoll = efsPollIntervalFromEnv(process.env);
    const efs = new EfsService({
      scalers: store.efsScalers,
      runs: store.efsRuns,
      counts: store.efsCounts,
      port: (target) => sdkEfsPort(aws.get(target)),
      emit: (e) => bus.emit('event.efs', e),
      log: log.child({ part: 'efs' }),
      ...(efsPoll !== undefined ? { pollIntervalMs: efsPoll } : {}),
    });
    cleanups.unshift({ name: 'efs scalers', run: () => efs.dispose() });

    let shuttingDown: Promise<void> | undefined;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    let browser: BrowserDoor | undefined;
    let rotateBrowserToken: (() => string) | undefined;
    const subscriptions = new Subscriptions(bus);

    const dispatcher: Dispatcher = new Dispatcher(
      createHandlers({
        engine,
        aws,
        diagnose: { repo: store.diagnostics, emit: (e) => bus.emit('event.diagnose', e) },
        linkHistory: store.links,
        fix: { repo: store.fixRuns, emit: (e) => bus.emit('event.fix', e) },
        efs,
        prompts: { broker: credentials.broker, ssoLogin: credentials.ssoLogin },
        subscriptions,
        settings: {
          get: () => settings.get(),
          update: (p) => settings.update(p),
          importMolePort: async (yaml) => importMolePortConfig(yaml, engine, settings),
        },
        ssh: { trust: (h, fp) => ssh.trustHost(h, fp), unlock: (h, p) => ssh.unlockHost(h, p) },
        daemon: {
          version,
          startedAt,
          home: paths.home,
          browserUrl: () => browser?.url,
          rotateBrowserToken: () => {
            if (!rotateBrowserToken) throw new WarrenError(ErrorCode.InvalidRequest, 'browser mode is off; start the daemon with --browser (or --browser-port)');
            return rotateBrowserToken();
          },
          connectedClients: (): number => dispatcher.connectedClients,
          requestShutdown: () => setImmediate(() => void shutdown('daemon.shutdown')),
        },
      }),
      log,
    );
    subscriptions.follow(dispatcher);
    cleanups.unshift({ name: 'subscriptions', run: () => subscriptions.dispose() });

    if (door) {
      const d = door;
      d.serve(dispatcher);
      doorCleanup = undefined;
      cleanups.unshift({ name: 'socket door', run: () => d.close() });
    }
    if (options.browser) {
      // Loaded only for browser mode: the WebSocket server costs memory a plain daemon never uses.
      const { isStrongToken, startBrowserDoor } = await import('./api/doors/browser-door.js');
      const tokenFile = path.join(paths.home, 'browser-token');
      const pinToken = options.browser.pinToken === true;
      browser = await startBrowserDoor({
        dispatcher,
        token: browserToken(tokenFile, pinToken, isStrongToken),
        port: options.browser.port ?? 0,
        rendererDir: options.browser.rendererDir ?? path.join(packageRoot(), 'dist', 'renderer'),
        log,
      });
      writePrivateFile(paths.browserUrl, browser.url + '\n');
      const b = browser;
      rotateBrowserToken = () => {
        const token = randomBytes(32).toString('base64url');
        // Written before the door switches: a crash in between leaves the file and the door agreeing on the old one.
        if (pinToken) writePrivateFile(tokenFile, token + '\n');
        const url = b.rotateToken(token);
        writePrivateFile(paths.browserUrl, url + '\n');
        log.info({ pinned: pinToken }, 'browser token rotated; open browser tabs were disconnected');
        return url;
      };
      cleanups.unshift({ name: 'browser door', run: () => b.close() });
      cleanups.push({ name: 'browser url file', run: () => fs.rmSync(paths.browserUrl, { force: true }) });
    }
    writePrivateFile(paths.pid, `${process.pid}\n`);
    cleanups.push({ name: 'pid file', run: () => fs.rmSync(paths.pid, { force: true }) });

    const watch = watchSystem((kind) => engine.nudge(kind));
    cleanups.unshift({ name: 'system watch', run: () => watch.dispose() });

    engine.restore(settings.get().session.auto_restore);
    efs.restoreSchedules();
    log.info({ pid: process.pid, home: paths.home, version, host: options.host ?? 'daemon', browser: browser?.port }, 'Warren started');

    const shutdown = (reason: string): Promise<void> => {
      shuttingDown ??= (async () => {
        log.info({ reason }, 'shutting down');
        // Each step on its own, time-capped: one stuck step must not keep the rest from running.
        for (const step of cleanups) {
          try {
            await Promise.race([Promise.resolve(step.run()), new Promise((r) => setTimeout(r, 5000).unref())]);
          } catch (e) {
            log.warn({ step: step.name, err: e instanceof Error ? e.message : String(e) }, 'shutdown step failed');
          }
        }
        log.info({}, 'stopped');
        await log.close();
        resolveClosed();
      })();
      return shuttingDown;
    };

    return {
      paths,
      dispatcher,
      get browserUrl() {
        return browser?.url;
      },
      systemEvent(kind) {
        if (kind === 'resume' || kind === 'network-change') engine.nudge(kind);
      },
      shutdown,
      closed,
    };
  } catch (e) {
    if (doorCleanup) cleanups.unshift({ name: 'socket door', run: doorCleanup });
    for (const step of cleanups) {
      try {
        await step.run();
      } catch {
        // best effort: we are already failing
      }
    }
    await log.close();
    if (e instanceof WarrenError) throw e;
    throw new WarrenError(ErrorCode.InternalError, `Warren could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}
