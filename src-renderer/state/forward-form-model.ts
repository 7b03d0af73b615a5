// The add/edit forward form as plain strings, validated with the contract's own schemas so the
// window says exactly what the daemon would refuse, field by field, before anything is sent.
import {
  forwardAddParamsSchema,
  forwardUpdateParamsSchema,
  sshForwardRuleSchema,
  type ForwardAddParams,
  type ForwardInfo,
  type ForwardType,
} from '../../src-shared/api/index.js';
import type { z } from 'zod';

export interface ForwardFormValues {
  name: string;
  host: string;
  type: ForwardType;
  local_port: string;
  remote_host: string;
  remote_port: string;
  auto_connect: boolean;
}
export type ForwardField = keyof ForwardFormValues;
export type FieldErrors = Partial<Record<ForwardField, string>>;

export type ForwardUpdateParams = z.input<typeof forwardUpdateParamsSchema>;

export function emptyForm(host = ''): ForwardFormValues {
  return { name: '', host, type: 'local', local_port: '', remote_host: 'localhost', remote_port: '', auto_connect: false };
}

export function formFromRule(rule: ForwardInfo): ForwardFormValues {
  return {
    name: rule.name,
    host: rule.host,
    type: rule.type,
    local_port: String(rule.local_port),
    remote_host: rule.remote_host ?? '',
    remote_port: rule.remote_port === undefined ? '' : String(rule.remote_port),
    auto_connect: rule.auto_connect,
  };
}

/** "" → undefined; "8080" → 8080; anything else → NaN so the schema reports it. */
function portValue(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

function collect(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, into: FieldErrors): void {
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || !(field in emptyForm())) continue;
    const f = field as ForwardField;
    into[f] ??= /expected number, received NaN/i.test(issue.message) ? 'a port is a whole number 1–65535' : issue.message;
  }
}

/** The params forward.add takes, or the errors per field. */
export function validateAdd(values: ForwardFormValues): { ok: true; params: ForwardAddParams } | { ok: false; errors: FieldErrors } {
  const dynamic = values.type === 'dynamic';
  const raw = {
    kind: 'ssh' as const,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    host: values.host,
    type: values.type,
    local_port: portValue(values.local_port),
    ...(dynamic || !values.remote_host.trim() ? {} : { remote_host: values.remote_host.trim() }),
    ...(dynamic || portValue(values.remote_port) === undefined ? {} : { remote_port: portValue(values.remote_port) }),
    auto_connect: values.auto_connect,
  };
  const errors: FieldErrors = {};
  const shape = forwardAddParamsSchema.safeParse(raw);
  if (!shape.success) collect(shape.error.issues, errors);
  // The rule schema adds the cross-field checks (remote_port needed unless dynamic, …), but zod
  // skips refinements while any field is invalid; fields already reported get valid stand-ins so
  // the cross-field errors show at the same time. 'auto' stands in for a name the daemon chooses.
  const standIns = { name: 'auto', host: 'h', local_port: 1, remote_host: 'h', remote_port: 1 } as const;
  const patched: Record<string, unknown> = { ...raw, name: raw.name ?? 'auto' };
  for (const key of Object.keys(errors)) if (key in standIns) patched[key] = standIns[key as keyof typeof standIns];
  const rule = sshForwardRuleSchema.safeParse(patched);
  if (!rule.success) collect(rule.error.issues, errors);
  if (!shape.success || !rule.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, params: raw as ForwardAddParams };
}

/** The params forward.update takes for an edited rule (only what changed), or the errors per field. */
export function validateUpdate(original: ForwardInfo, values: ForwardFormValues): { ok: true; params: ForwardUpdateParams } | { ok: false; errors: FieldErrors } {
  const full = validateAdd({ ...values, name: values.name.trim() || original.name });
  if (!full.ok) return full;
  const next = full.params;
  const params: ForwardUpdateParams = { name: original.name };
  if (next.name !== original.name) params.new_name = next.name;
  if (next.host !== original.host) params.host = next.host;
  if (next.type !== original.type) params.type = next.type;
  if (next.local_port !== original.local_port) params.local_port = next.local_port;
  if (next.remote_host !== original.remote_host) params.remote_host = next.remote_host ?? null;
  if (next.remote_port !== original.remote_port) params.remote_port = next.remote_port ?? null;
  if (next.auto_connect !== original.auto_connect) params.auto_connect = next.auto_connect;
  const checked = forwardUpdateParamsSchema.safeParse(params);
  if (!checked.success) {
    const errors: FieldErrors = {};
    collect(checked.error.issues, errors);
    return { ok: false, errors };
  }
  return { ok: true, params };
}
