// The "Add conduit tunnel" form as plain strings, checked field by field with the same schemas the
// daemon and conduit.toml use, so the window says what would be refused before anything is sent.
import { conduitStartParamsSchema, ErrorCode, ruleNameSchema, type ConduitStartParams } from '../../src-shared/api/index.js';
import { hostPortSchema, routerKeyPinSchema, tunnelSourceSchema } from '../../src-shared/api/conduit-config.js';
import type { z } from 'zod';

export interface TunnelFormValues {
  router: string;
  source: string;
  bind: string;
  name: string;
  protocol: 'tcp' | 'udp';
  router_key: string;
}
export type TunnelField = keyof TunnelFormValues;
export type TunnelFieldErrors = Partial<Record<TunnelField, string>>;

export function emptyTunnelForm(): TunnelFormValues {
  return { router: '', source: '', bind: '', name: '', protocol: 'tcp', router_key: '' };
}

/** A port alone binds loopback, the safe default for a local end ("9000" → "127.0.0.1:9000"). */
export function bindAddress(text: string): string {
  const t = text.trim();
  return /^\d+$/.test(t) ? `127.0.0.1:${t}` : t;
}

const fieldSchemas: Partial<Record<TunnelField, z.ZodType<string>>> = {
  router: hostPortSchema,
  source: tunnelSourceSchema,
  bind: hostPortSchema,
  name: ruleNameSchema,
  router_key: routerKeyPinSchema,
};

const required: Partial<Record<TunnelField, string>> = {
  router: 'the router to connect to, host:port',
  source: 'what to reach from the router: host:port or a source name',
  bind: 'the local address to listen on, host:port (or a port)',
};

/** The params conduit.start takes, or the errors per field. */
export function validateTunnel(values: TunnelFormValues): { ok: true; params: ConduitStartParams } | { ok: false; errors: TunnelFieldErrors } {
  const text: Record<Exclude<TunnelField, 'protocol'>, string> = {
    router: values.router.trim(),
    source: values.source.trim(),
    bind: bindAddress(values.bind),
    name: values.name.trim(),
    router_key: values.router_key.trim(),
  };
  const errors: TunnelFieldErrors = {};
  for (const [field, value] of Object.entries(text) as Array<[keyof typeof text, string]>) {
    if (value === '') {
      if (required[field]) errors[field] = required[field];
      continue;
    }
    const checked = fieldSchemas[field]?.safeParse(value);
    if (checked && !checked.success) errors[field] = checked.error.issues[0]?.message ?? 'invalid';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const params: ConduitStartParams = { router: text.router, source: text.source, bind: text.bind, protocol: values.protocol };
  if (text.name) params.name = text.name;
  if (text.router_key) params.router_key = text.router_key;
  // The contract is the last word (strict object, same refinements the daemon applies).
  const whole = conduitStartParamsSchema.safeParse(params);
  if (!whole.success) {
    for (const issue of whole.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && field in values) errors[field as TunnelField] ??= issue.message;
    }
    return { ok: false, errors: Object.keys(errors).length ? errors : { router: whole.error.issues[0]?.message ?? 'invalid' } };
  }
  return { ok: true, params };
}

/** Which field a daemon refusal concerns, so the form can mark it (the message shows either way). */
export function tunnelFieldForCode(code: number): TunnelField | undefined {
  switch (code) {
    case ErrorCode.RouterKeyMismatch:
      return 'router_key';
    case ErrorCode.SourceNotAllowed:
    case ErrorCode.SourceUnavailable:
      return 'source';
    case ErrorCode.RuleAlreadyExists:
      return 'name';
    case ErrorCode.PortConflict:
      return 'bind';
    case ErrorCode.ConnectionFailed:
    case ErrorCode.ProtocolMismatch:
      return 'router';
    default:
      return undefined;
  }
}
