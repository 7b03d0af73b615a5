// Every API method's handler, in one table typed by the contract. Handlers are thin: they call the
// engine, the settings service or the ssh trust store, and let WarrenErrors carry the codes.
import type { ConfigInfo, ConfigUpdateParams, HostKeyInfo, ResultOf } from '../../src-shared/api/index.js';
import { formatUptime } from '../../src-shared/logic/duration.js';
import { ruleHost, type Engine } from '../core/engine.js';
import { createConduitHandlers } from './conduit-handlers.js';
import { createDiagnoseHandlers, type DiagnoseDeps } from './diagnose-handlers.js';
import { createEc2Handlers, type LinkHistoryReader } from './ec2-handlers.js';
import { createEfsHandlers } from './efs-handlers.js';
import { createFixHandlers, type FixDeps } from './fix-handlers.js';
import { createPromptHandlers, type PromptDeps } from './prompt-handlers.js';
import type { AwsClientCache } from '../aws/aws-clients.js';
import type { EfsService } from '../aws/efs/service.js';
import type { Handlers } from './dispatcher.js';
import type { Subscriptions } from './subscriptions.js';

export interface HandlerDeps {
  engine: Engine;
  /** AWS clients for ec2.instances (absent: those calls say AWS access is not configured). */
  aws?: AwsClientCache;
  /** diagnose.*: where runs are stored and how their progress reaches subscribers. */
  diagnose?: DiagnoseDeps;
  /** fix.run: how its progress reaches subscribers. */
  fix?: FixDeps;
  /** efs.*: the EFS mount target scalers (absent: those calls say so). */
  efs?: EfsService;
  /** prompt.* and aws.sso_login: credential prompts (MFA codes, SSO sign-ins). */
  prompts?: PromptDeps;
  /** ec2.history: the connection time and latency of each link a session rode. */
  linkHistory?: LinkHistoryReader;
  subscriptions: Subscriptions;
  settings: {
    get(): ConfigInfo;
    update(patch: ConfigUpdateParams): void;
    importMolePort(yaml: string): Promise<ResultOf<'config.import'>>;
  };
  ssh: {
    trust(host: string, fingerprint: string | undefined): Promise<HostKeyInfo>;
    unlock(host: string, passphrase: string): Promise<{ host: string; key_path: string }>;
  };
  daemon: {
    version: string;
    startedAt: Date;
    home: string;
    browserUrl(): string | undefined;
    /** A new browser-mode token; the new URL. Throws when browser mode is off. */
    rotateBrowserToken(): string;
    connectedClients(): number;
    /** Begin an orderly shutdown after the reply has been sent. */
    requestShutdown(): void;
  };
}

export function createHandlers(d: HandlerDeps): Handlers {
  const { engine } = d;
  return {
    ...createConduitHandlers(engine, d.daemon.home),
    ...createEc2Handlers(engine, d.aws, () => d.settings.get().session.max_sessions_per_instance, d.linkHistory),
    ...createDiagnoseHandlers(d.aws, d.diagnose),
    ...createFixHandlers(d.aws, d.fix),
    ...createPromptHandlers(d.prompts),
    ...createEfsHandlers(d.efs),
    'host.list': () => ({ hosts: engine.listHosts() }),
    'host.reload': () => engine.reloadHosts(),
    'host.trust': (p) => d.ssh.trust(p.host, p.fingerprint),
    'host.unlock': (p) => d.ssh.unlock(p.host, p.passphrase),
    'ssh.connect': async (p) => {
      await engine.connectHost(p.host);
      return { host: p.host, status: 'connected' };
    },
    'ssh.disconnect': async (p) => {
      await engine.disconnectHost(p.host);
      return { host: p.host, status: 'disconnected' };
    },
    // MolePort's forward.list is about SSH forwards; conduit tunnels are listed by conduit.list.
    'forward.list': (p) => ({ forwards: engine.rules.list(p.host).filter((r) => r.kind === 'ssh') }),
    'forward.add': (p) => {
      const rule = engine.rules.add(p);
      engine.emitRuleEvent('added', rule.name, rule.host);
      return { name: rule.name };
    },
    'forward.update': async (p) => {
      const { before, after } = engine.rules.update(p);
      await engine.ruleChanged(before.name, after.name);
      engine.emitRuleEvent('updated', after.name, ruleHost(after));
      return { name: after.name };
    },
    'forward.delete': async (p) => {
      const rule = engine.rules.get(p.name);
      await engine.ruleChanged(rule.name, undefined);
      engine.rules.delete(rule.name);
      engine.emitRuleEvent('deleted', rule.name, ruleHost(rule));
      return { ok: true };
    },
    'forward.start': async (p) => ({ name: p.name, status: await engine.startRule(p.name) }),
    'forward.stop': async (p) => {
      await engine.stopRule(p.name);
      return { name: p.name, status: 'stopped' };
    },
    'session.list': () => ({ sessions: engine.listSessions() }),
    'session.get': (p) => engine.sessionInfo(p.name),
    'config.get': () => d.settings.get(),
    'config.update': (p) => {
      d.settings.update(p);
      return { ok: true };
    },
    'config.import': (p) => d.settings.importMolePort(p.yaml),
    'daemon.status': () => {
      const { activeLinks, activeForwards } = engine.counts();
      const r: ResultOf<'daemon.status'> = {
        pid: process.pid,
        version: d.daemon.version,
        started_at: d.daemon.startedAt.toISOString(),
        uptime: formatUptime(Date.now() - d.daemon.startedAt.getTime()),
        connected_clients: d.daemon.connectedClients(),
        active_ssh_connections: activeLinks,
        active_forwards: activeForwards,
        warren_home: d.daemon.home,
        memory: (({ rss, heapTotal, heapUsed, external }) => ({ rss, heap_total: heapTotal, heap_used: heapUsed, external }))(process.memoryUsage()),
      };
      const url = d.daemon.browserUrl();
      if (url) r.browser_url = url;
      return r;
    },
    'daemon.rotate_browser_token': () => ({ browser_url: d.daemon.rotateBrowserToken() }),
    'daemon.shutdown': () => {
      d.daemon.requestShutdown();
      return { ok: true };
    },
    'events.subscribe': (p, ctx) => ({ subscription_id: d.subscriptions.subscribe(p.types, ctx) }),
    'events.unsubscribe': (p, ctx) => {
      d.subscriptions.unsubscribe(p.subscription_id, ctx);
      return { ok: true };
    },
  };
}
