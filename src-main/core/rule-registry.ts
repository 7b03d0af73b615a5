// Saved forward rules: unique names (default <host>-<type>-<localport>), validation with the
// contract's schema, and MolePort's error codes (1001 host, 1004 not found, 1005 exists).
import { z } from 'zod';
import {
  ErrorCode,
  WarrenError,
  parseForwardRule,
  type ConduitRule,
  type ForwardRule,
  type SshForwardRule,
  type forwardAddParamsSchema,
  type forwardUpdateParamsSchema,
} from '../../src-shared/api/index.js';
import type { HostDirectory, RulePort } from './engine-ports.js';

export function defaultRuleName(rule: Pick<SshForwardRule, 'host' | 'type' | 'local_port'>): string {
  return `${rule.host}-${rule.type}-${rule.local_port}`;
}

const validate = (candidate: unknown): ForwardRule => parseForwardRule(candidate);

export class RuleRegistry {
  constructor(
    private readonly store: RulePort,
    private readonly hosts: HostDirectory,
  ) {}

  list(host?: string): ForwardRule[] {
    const all = this.store.list();
    return host === undefined ? all : all.filter((r) => r.kind === 'ssh' && r.host === host);
  }

  get(name: string): ForwardRule {
    const rule = this.store.get(name);
    if (!rule) throw new WarrenError(ErrorCode.RuleNotFound, `no forward named "${name}" (see \`warren forward list\`)`, { name });
    return rule;
  }

  has(name: string): boolean {
    return this.store.get(name) !== undefined;
  }

  add(params: z.output<typeof forwardAddParamsSchema>): SshForwardRule {
    this.checkHost(params.host);
    const { name, ...rest } = params;
    const rule = validate({ ...rest, name: name ?? defaultRuleName(params) });
    return this.insert(rule) as SshForwardRule;
  }

  /** A conduit tunnel (already shaped by the conduit handlers). */
  addConduit(rule: ConduitRule): ConduitRule {
    return this.insert(validate(rule)) as ConduitRule;
  }

  /** A rule of any kind, shaped by its domain's handlers (conduit.*, ec2.*). */
  addRule<R extends ForwardRule>(rule: R): R {
    return this.insert(validate(rule)) as R;
  }

  private insert(rule: ForwardRule): ForwardRule {
    if (this.has(rule.name))
      throw new WarrenError(ErrorCode.RuleAlreadyExists, `a forward named "${rule.name}" already exists: choose another name`, { name: rule.name });
    this.store.insert(rule);
    return rule;
  }

  update(params: z.output<typeof forwardUpdateParamsSchema>): { before: ForwardRule; after: ForwardRule } {
    const before = this.get(params.name);
    if (before.kind !== 'ssh')
      throw new WarrenError(ErrorCode.InvalidParams, `"${before.name}" is a ${before.kind} tunnel: change it with \`warren ${before.kind} …\` instead`, { name: before.name });
    const merged: Record<string, unknown> = { ...before };
    for (const key of ['host', 'type', 'local_port', 'auto_connect'] as const) if (params[key] !== undefined) merged[key] = params[key];
    for (const key of ['remote_host', 'remote_port'] as const) {
      if (params[key] === null) delete merged[key];
      else if (params[key] !== undefined) merged[key] = params[key];
    }
    if (merged['type'] === 'dynamic') {
      delete merged['remote_port'];
      delete merged['remote_host'];
    }
    if (params.new_name !== undefined) merged['name'] = params.new_name;
    const after = validate(merged);
    if (after.kind !== 'ssh') throw new WarrenError(ErrorCode.InvalidParams, 'forward.update cannot change the kind of a rule');
    if (after.host !== before.host) this.checkHost(after.host);
    if (after.name !== before.name && this.has(after.name))
      throw new WarrenError(ErrorCode.RuleAlreadyExists, `a forward named "${after.name}" already exists: choose another name`, { name: after.name });
    this.store.update(before.name, after);
    return { before, after };
  }

  delete(name: string): ForwardRule {
    const rule = this.get(name);
    this.store.delete(name);
    return rule;
  }

  private checkHost(host: string): void {
    if (!this.hosts.has(host))
      throw new WarrenError(ErrorCode.HostNotFound, `host "${host}" is not in your ssh config: add a Host entry or run \`warren host reload\``, {
        host,
      });
  }
}
