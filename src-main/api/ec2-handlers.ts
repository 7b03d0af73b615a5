// ec2.* handlers: SSM forwards are rules of kind "ssm" run by the engine; the instance list is read
// through the real SDK clients (src-main/aws/ec2/list-instances.ts).
import { ErrorCode, WarrenError, type ParsedParamsOf, type LinkConnection, type LinkHistorySummary, type SsmRule, type SsmSessionInfo } from '../../src-shared/api/index.js';
import type { AwsClientCache } from '../aws/aws-clients.js';
import type { Engine } from '../core/engine.js';
import { listInstances } from '../aws/ec2/list-instances.js';
import type { Handlers } from './dispatcher.js';

type Ec2Method = 'ec2.connect' | 'ec2.list' | 'ec2.status' | 'ec2.terminate' | 'ec2.instances' | 'ec2.history';

/** What ec2.history reads (the store's link history). */
export interface LinkHistoryReader {
  list(filter: { rule?: string; target?: string; limit?: number }): LinkConnection[];
  summary(filter: { rule?: string; target?: string }): LinkHistorySummary;
}

function sameRule(a: SsmRule, b: SsmRule): boolean {
  const keys = ['instance_id', 'local_port', 'remote_port', 'remote_host', 'profile', 'region'] as const;
  return keys.every((k) => a[k] === b[k]);
}

/** Sessions that hold (or are getting) an SSM session: what counts against the per-instance limit. */
const LIVE = new Set(['starting', 'active', 'reconnecting']);

export function createEc2Handlers(
  engine: Engine,
  aws: AwsClientCache | undefined,
  maxSessionsPerInstance: () => number = () => 3,
  history?: LinkHistoryReader,
): Pick<Handlers, Ec2Method> {
  const ssmRule = (name: string): SsmRule => {
    const rule = engine.rules.get(name);
    if (rule.kind !== 'ssm') throw new WarrenError(ErrorCode.RuleNotFound, `no SSM forward named "${name}" (see \`warren ec2 list\`)`, { name });
    return rule;
  };

  function ruleFrom(p: ParsedParamsOf<'ec2.connect'>): SsmRule {
    const rule: SsmRule = {
      kind: 'ssm',
      name: p.name ?? `${p.instance_id}-${p.local_port}`,
      instance_id: p.instance_id,
      local_port: p.local_port,
      remote_port: p.remote_port,
      auto_connect: p.auto_connect,
    };
    if (p.remote_host) rule.remote_host = p.remote_host;
    if (p.profile) rule.profile = p.profile;
    if (p.region) rule.region = p.region;
    return rule;
  }

  return {
    'ec2.connect': async (p) => {
      const rule = ruleFrom(p);
      const ssmSessions = engine.rules
        .list()
        .filter((r): r is SsmRule => r.kind === 'ssm' && r.name !== rule.name)
        .map((r) => ({ rule: r, info: engine.sessionInfo(r.name) }));
      // Property 7: a healthy forward to the same instance and port is offered instead of a new session.
      if (!p.new_session) {
        const same = ssmSessions.find(
          (s) =>
            s.info.status === 'active' &&
            s.rule.instance_id === rule.instance_id &&
            s.rule.remote_port === rule.remote_port &&
            s.rule.remote_host === rule.remote_host &&
            s.rule.profile === rule.profile &&
            s.rule.region === rule.region,
        );
        if (same) return { name: same.rule.name, status: same.info.status, reused: { local_port: same.rule.local_port } };
      }
      // Property 10: at most session.max_sessions_per_instance live sessions per instance.
      const limit = maxSessionsPerInstance();
      const running = ssmSessions.filter((s) => s.rule.instance_id === rule.instance_id && LIVE.has(s.info.status)).map((s) => s.rule.name);
      if (running.length >= limit)
        throw new WarrenError(
          ErrorCode.SsmSessionLimit,
          `${rule.instance_id} already has ${running.length} SSM forwards running (${running.join(', ')}), the limit is ${limit}: stop one with \`warren ec2 terminate NAME\` or raise session.max_sessions_per_instance`,
          { instance_id: rule.instance_id, running, limit },
        );
      if (engine.rules.has(rule.name)) {
        const existing = engine.rules.get(rule.name);
        if (existing.kind !== 'ssm' || !sameRule(existing, rule))
          throw new WarrenError(ErrorCode.RuleAlreadyExists, `a forward named "${rule.name}" already exists with other settings: choose another --name`, { name: rule.name });
      } else {
        engine.rules.addRule(rule);
        engine.emitRuleEvent('added', rule.name, rule.instance_id);
      }
      return { name: rule.name, status: await engine.startRule(rule.name) };
    },
    'ec2.list': () => ({
      sessions: engine.rules
        .list()
        .filter((r) => r.kind === 'ssm')
        .map((r) => engine.sessionInfo(r.name) as SsmSessionInfo),
    }),
    'ec2.status': (p) => engine.sessionInfo(ssmRule(p.name).name) as SsmSessionInfo,
    'ec2.history': (p) => {
      // History outlives its rule, so a deleted forward's name is still a valid filter.
      const filter = { ...(p.name ? { rule: p.name } : {}), ...(p.instance_id ? { target: p.instance_id } : {}) };
      if (!history) return { connections: [], summary: { connections: 0, rtt_samples: 0 } };
      return { connections: history.list({ ...filter, limit: p.limit }), summary: history.summary(filter) };
    },
    'ec2.terminate': async (p) => {
      await engine.stopRule(ssmRule(p.name).name);
      return { name: p.name, status: 'stopped' };
    },
    'ec2.instances': async (p) => {
      if (!aws) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no AWS access configured');
      return listInstances(aws.get({ profile: p.profile, region: p.region }));
    },
  };
}
