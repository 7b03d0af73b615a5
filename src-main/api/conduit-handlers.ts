// conduit.* handlers: tunnels are rules of kind "conduit" run by the same engine as SSH forwards;
// these add Conduit's own verbs (start = save + start, up/down for a conduit.toml, kill, status)
// and the Routers view's data (asked of each router over its tunnel).
import {
  ErrorCode,
  WarrenError,
  type ConduitKeyStatus,
  type ConduitRule,
  type ConduitSessionInfo,
  type ParsedParamsOf,
  type ResultOf,
  type RouterLinkInfo,
} from '../../src-shared/api/index.js';
import { parseHostPort } from '../../src-shared/logic/source-pattern.js';
import type { Engine } from '../core/engine.js';
import { errorMessage } from '../core/reconnect-policy.js';
import { defaultClientKeyPath } from '../transports/conduit/client-key-store.js';
import type { ConduitLink } from '../transports/conduit/conduit-link.js';
import { keyAgeDays, loadKeyFile, loadPreviousKey, readKeyMeta, rotationDue } from '../transports/conduit/identity/index.js';
import type { Handlers } from './dispatcher.js';

type ConduitMethod = 'conduit.start' | 'conduit.up' | 'conduit.down' | 'conduit.list' | 'conduit.kill' | 'conduit.status' | 'conduit.routers';

/** ARCHITECTURE's default tunnel name: <routerhost>-<bindport>. */
export function defaultTunnelName(router: string, bind: string): string {
  return `${parseHostPort(router).host}-${parseHostPort(bind).port}`.replace(/[^A-Za-z0-9._:@-]/g, '_');
}

function sameRule(a: ConduitRule, b: ConduitRule): boolean {
  const keys = ['router', 'source', 'bind', 'protocol', 'router_key', 'private_key_path'] as const;
  return keys.every((k) => a[k] === b[k]);
}

export function keyStatus(home: string, keyPath = defaultClientKeyPath(home), now = new Date()): ConduitKeyStatus {
  const status: ConduitKeyStatus = { path: keyPath, exists: false, rotation_due: false, rotation_pending: false, acknowledged_by: [], warnings: [] };
  try {
    const id = loadKeyFile(keyPath);
    status.exists = true;
    status.fingerprint = id.fingerprint;
    status.public_key = id.publicKeyText;
    status.created_at = id.createdAt.toISOString();
    status.age_days = keyAgeDays(id, now);
    status.rotation_due = rotationDue(id, now);
    status.warnings.push(...id.warnings);
    if (status.rotation_due) status.warnings.push(`the key is ${status.age_days} days old (rotation age 30 days): run \`warren conduit keys rotate\``);
    status.rotation_pending = loadPreviousKey(keyPath) !== undefined;
    status.acknowledged_by = readKeyMeta(keyPath)?.acknowledged_by ?? [];
  } catch (e) {
    status.warnings.push(errorMessage(e));
  }
  return status;
}

export function createConduitHandlers(engine: Engine, home: string): Pick<Handlers, ConduitMethod> {
  const conduitRules = (): ConduitRule[] => engine.rules.list().filter((r): r is ConduitRule => r.kind === 'conduit');
  const tunnels = (): ConduitSessionInfo[] => conduitRules().map((r) => engine.sessionInfo(r.name) as ConduitSessionInfo);

  /** Saves the rule (or checks an existing one is the same), then starts it. */
  async function upsertAndStart(rule: ConduitRule, replace: boolean): Promise<ResultOf<'conduit.start'>> {
    if (engine.rules.has(rule.name)) {
      const existing = engine.rules.get(rule.name);
      if (existing.kind !== 'conduit' || !sameRule(existing, rule)) {
        if (!replace || existing.kind !== 'conduit')
          throw new WarrenError(ErrorCode.RuleAlreadyExists, `a tunnel or forward named "${rule.name}" already exists with other settings: choose another --name or \`warren conduit down\` it first`, {
            name: rule.name,
          });
        await engine.ruleChanged(rule.name, undefined);
        engine.rules.delete(rule.name);
        engine.rules.addConduit(rule);
        engine.emitRuleEvent('updated', rule.name, rule.router);
      }
    } else {
      engine.rules.addConduit(rule);
      engine.emitRuleEvent('added', rule.name, rule.router);
    }
    return { name: rule.name, status: await engine.startRule(rule.name) };
  }

  function ruleFrom(p: ParsedParamsOf<'conduit.start'>, name: string): ConduitRule {
    const rule: ConduitRule = { kind: 'conduit', name, router: p.router, source: p.source, bind: p.bind, protocol: p.protocol, auto_connect: p.auto_connect };
    if (p.router_key) rule.router_key = p.router_key;
    if (p.private_key_path) rule.private_key_path = p.private_key_path;
    return rule;
  }

  async function routerInfos(withStats: boolean): Promise<RouterLinkInfo[]> {
    const rules = conduitRules();
    return Promise.all(
      engine.conduitLinks().map(async ({ router, keeper }) => {
        const link = keeper.current as ConduitLink | undefined;
        const info: RouterLinkInfo = { router, state: keeper.state, tunnels: rules.filter((r) => r.router === router).map((r) => r.name) };
        if (link?.routerFingerprint) info.fingerprint = link.routerFingerprint;
        if (keeper.rttMs !== undefined) info.rtt_ms = keeper.rttMs;
        if (keeper.lastError) info.last_error = keeper.lastError;
        if (withStats && link && !link.closed) {
          try {
            info.stats = await link.stats(3000);
          } catch (e) {
            info.stats_error = errorMessage(e);
          }
        }
        return info;
      }),
    );
  }

  return {
    'conduit.start': (p) => upsertAndStart(ruleFrom(p, p.name ?? defaultTunnelName(p.router, p.bind)), false),
    'conduit.up': async (p) => {
      const out: ResultOf<'conduit.up'>['tunnels'] = [];
      for (const t of p.tunnels) {
        const rule = ruleFrom({ ...p, ...t }, t.name);
        try {
          out.push(await upsertAndStart(rule, true));
        } catch (e) {
          out.push({ name: t.name, status: engine.rules.has(t.name) ? engine.sessionInfo(t.name).status : 'error', error: errorMessage(e) });
        }
      }
      return { tunnels: out };
    },
    'conduit.down': async (p) => {
      const removed: string[] = [];
      const missing: string[] = [];
      for (const name of p.names) {
        if (!engine.rules.has(name) || engine.rules.get(name).kind !== 'conduit') {
          missing.push(name);
          continue;
        }
        await engine.ruleChanged(name, undefined);
        engine.rules.delete(name);
        engine.emitRuleEvent('deleted', name, '');
        removed.push(name);
      }
      return { removed, missing };
    },
    'conduit.list': () => ({ tunnels: tunnels() }),
    'conduit.kill': async (p) => {
      const targets = p.all ? conduitRules().map((r) => r.name) : [p.tunnel!];
      const stopped: string[] = [];
      for (const name of targets) {
        const rule = engine.rules.get(name);
        if (rule.kind !== 'conduit') throw new WarrenError(ErrorCode.RuleNotFound, `no conduit tunnel named "${name}" (see \`warren conduit list\`)`, { name });
        if (engine.sessionInfo(name).status === 'stopped') continue;
        await engine.stopRule(name);
        stopped.push(name);
      }
      return { stopped };
    },
    'conduit.status': async () => {
      const list = tunnels();
      const count = (s: string): number => list.filter((t) => t.status === s).length;
      return {
        key: keyStatus(home),
        tunnels: { total: list.length, active: count('active'), reconnecting: count('reconnecting') + count('starting'), error: count('error'), stopped: count('stopped') },
        routers: await routerInfos(false),
      };
    },
    'conduit.routers': async () => ({ routers: await routerInfos(true) }),
  };
}
