// The two conduit configuration files, as zod schemas: the client's `conduit.toml` (exactly the
// original Conduit's layout, so its users recognise it) and the router's `router.toml`. Objects are
// strict so a misspelt key is reported instead of silently ignored. Defaults live here so the
// CLI, the router and the docs agree on them.
import { z } from 'zod';
import { portSchema, ruleNameSchema } from './models.js';
import { canonicalHost, formatHostPort, isLoopbackHost, isSourceName, isWildcardHost, parseHostPort, parseSourcePattern } from '../logic/source-pattern.js';

export const CONDUIT_KEY_TYPE = 'conduit-ed25519';
export const DEFAULT_ROUTER_PORT = 9999;
export const DEFAULT_API_PORT = 9998;
export const DEFAULT_TUNNEL_PROTOCOL = 'tcp';
export const DEFAULT_SOURCE_STRATEGY = 'round_robin';
export const ROUTER_CONFIG_DEFAULTS = {
  router: { bind: `0.0.0.0:${DEFAULT_ROUTER_PORT}`, handshake_timeout_ms: 10_000, max_frame_bytes: 1_048_576 },
  security: { rotation_grace_hours: 24 },
  api: { bind: `127.0.0.1:${DEFAULT_API_PORT}`, enabled: true },
  health: { interval_s: 10, timeout_ms: 2000 },
  circuit_breaker: { failure_threshold: 5, open_s: 30 },
} as const;
/** A token anyone on the network may try to guess must not be short. */
export const MIN_API_TOKEN_LENGTH = 16;

type Ctx = z.core.$RefinementCtx;

function checked(check: (text: string) => string | undefined) {
  return (text: string, ctx: Ctx): void => {
    const message = check(text);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };
}
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const hostPortSchema = z.string().superRefine(
  checked((text) => {
    try {
      parseHostPort(text);
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }),
);

export const hostSchema = z.string().superRefine(
  checked((text) => {
    if (text.startsWith('[')) return `write an IPv6 host without brackets, got ${JSON.stringify(text)}`;
    try {
      parseHostPort(formatHostPort(text, 1));
      return undefined;
    } catch {
      return `expected a host name or IP address, got ${JSON.stringify(text)}`;
    }
  }),
);

/** A source as the client writes it: "host:port" seen from the router, or a source NAME on the router. */
export const tunnelSourceSchema = z.string().superRefine(
  checked((text) => {
    if (isSourceName(text)) return undefined;
    if (!text.includes(':')) return `expected host:port (as the router sees it) or the name of a source on the router, got ${JSON.stringify(text)}`;
    try {
      parseHostPort(text);
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }),
);

// 32 bytes of canonical base64 (as the key files are written): 43 characters, the last one
// carrying only 4 bits, then one "=". A fingerprint is the same without the "=".
const KEY_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/;

/** The base64 key of a "conduit-ed25519 <base64> [comment]" line, or undefined when the shape is wrong. */
export function publicKeyBase64(line: string): string | undefined {
  const [type, key] = line.trim().split(/\s+/);
  return type === CONDUIT_KEY_TYPE && key !== undefined && KEY_BASE64.test(key) ? key : undefined;
}

export const conduitPublicKeySchema = z.string().superRefine(
  checked((text) =>
    publicKeyBase64(text) !== undefined ? undefined : `expected "${CONDUIT_KEY_TYPE} <base64 of 32 bytes> [comment]" (the line of a .pub file)`,
  ),
);

/** The router key a client pins: "SHA256:<base64>" (as `warren conduit keys` prints) or the key line. */
export const routerKeyPinSchema = z.string().superRefine(
  checked((text) =>
    FINGERPRINT.test(text.trim()) || publicKeyBase64(text) !== undefined
      ? undefined
      : `expected a fingerprint "SHA256:…" or a "${CONDUIT_KEY_TYPE} …" key line`,
  ),
);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i;
/** ISO text read as UTC unless it carries an offset (as smol-toml reads TOML's local datetimes). */
function parseIsoUtc(text: string): Date {
  if (!ISO_DATE.test(text)) return new Date(NaN);
  const t = text.replace(' ', 'T');
  return new Date(t.length > 10 && !/(?:z|[+-]\d{2}:\d{2})$/i.test(t) ? `${t}Z` : t);
}

/** A TOML date/datetime or an ISO string; a date alone means midnight UTC. Normalised to ISO text. */
export const isoDateSchema = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const when = typeof value === 'string' ? parseIsoUtc(value) : new Date(value.getTime());
  if (Number.isNaN(when.getTime())) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-01-31 or 2026-01-31T12:00:00Z, got ${JSON.stringify(String(value))}` });
    return z.NEVER;
  }
  return when.toISOString();
});

const httpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const positiveInt = z.number().int().positive();

// ---- the client file (conduit.toml) ----------------------------------------------------------

export const tunnelProtocolSchema = z.enum(['tcp', 'udp']);
export type TunnelProtocol = z.infer<typeof tunnelProtocolSchema>;

export const clientTunnelSchema = z
  .object({
    name: ruleNameSchema,
    source: tunnelSourceSchema,
    bind: hostPortSchema,
    protocol: tunnelProtocolSchema.default(DEFAULT_TUNNEL_PROTOCOL),
  })
  .strict();
export type ClientTunnel = z.infer<typeof clientTunnelSchema>;

/** Two binds clash on one protocol when the ports match and the hosts match or either is a wildcard. */
function bindsClash(a: string, b: string): boolean {
  try {
    const x = parseHostPort(a);
    const y = parseHostPort(b);
    if (x.port !== y.port) return false;
    return canonicalHost(x.host) === canonicalHost(y.host) || isWildcardHost(x.host) || isWildcardHost(y.host);
  } catch {
    return false; // the bad one is reported by its own field
  }
}

/** Flag each later duplicate (by key) and say where the first one was. */
function reportDuplicates<T>(items: readonly T[], key: (item: T) => string | undefined, where: (i: number) => PropertyKey[], what: string, ctx: Ctx): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else ctx.addIssue({ code: 'custom', path: where(i), message: `${what} (also at index ${first})` });
  });
}

export const clientConfigSchema = z
  .object({
    /** Optional in the file: CONDUIT_ROUTER_HOST/PORT or --router may supply it. */
    router: z.object({ host: hostSchema, port: portSchema }).strict().optional(),
    security: z
      .object({
        /** Default $WARREN_HOME/keys/conduit.key, decided by the caller. Relative: from the file's folder. */
        private_key_path: z.string().min(1).optional(),
        router_key: routerKeyPinSchema.optional(),
      })
      .strict()
      .optional(),
    tunnels: z.array(clientTunnelSchema).min(1, 'add at least one [[tunnels]] entry'),
  })
  .strict()
  .superRefine((config, ctx) => {
    reportDuplicates(config.tunnels, (t) => t.name, (i) => ['tunnels', i, 'name'], 'duplicate tunnel name', ctx);
    config.tunnels.forEach((t, i) => {
      const first = config.tunnels.findIndex((o, j) => j < i && o.protocol === t.protocol && bindsClash(o.bind, t.bind));
      if (first >= 0)
        ctx.addIssue({ code: 'custom', path: ['tunnels', i, 'bind'], message: `${t.bind} clashes with ${config.tunnels[first]!.bind} of tunnels[${first}] (${t.protocol})` });
    });
  });
export type ClientConfig = z.infer<typeof clientConfigSchema>;

// ---- the router file (router.toml) -------------------------------------------------------------

export const sourceStrategySchema = z.enum(['round_robin', 'least_connections']);
export type SourceStrategy = z.infer<typeof sourceStrategySchema>;

const allowPatternSchema = z.string().superRefine(
  checked((text) => {
    try {
      parseSourcePattern(text);
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }),
);

export const authorizedClientSchema = z
  .object({
    name: ruleNameSchema,
    public_key: conduitPublicKeySchema,
    allow: z.array(allowPatternSchema).min(1, 'list what this client may reach, e.g. ["web", "10.0.0.0/8:5432"]'),
    expires_at: isoDateSchema.optional(),
  })
  .strict();
export type AuthorizedClient = z.infer<typeof authorizedClientSchema>;

export const routerSourceSchema = z
  .object({
    name: z.string().refine(isSourceName, 'a source name starts with a letter and has letters, digits and . _ - (no ":", so it never looks like host:port)'),
    endpoints: z.array(hostPortSchema).min(1, 'list at least one "host:port" endpoint'),
    strategy: sourceStrategySchema.default(DEFAULT_SOURCE_STRATEGY),
  })
  .strict();
export type RouterSource = z.infer<typeof routerSourceSchema>;

const D = ROUTER_CONFIG_DEFAULTS;
export const routerConfigSchema = z
  .object({
    router: z
      .object({
        bind: hostPortSchema.default(D.router.bind),
        /** Shown to clients and in alerts; the caller defaults it to the hostname. */
        name: z.string().min(1).optional(),
        handshake_timeout_ms: positiveInt.default(D.router.handshake_timeout_ms),
        max_frame_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(D.router.max_frame_bytes),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        private_key_path: z.string().min(1).optional(),
        rotation_grace_hours: z.number().min(0).default(D.security.rotation_grace_hours),
        /** Where accepted key rotations are recorded; without it they last until the router stops. */
        state_path: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        bind: hostPortSchema.default(D.api.bind),
        token: z.string().min(MIN_API_TOKEN_LENGTH, `use at least ${MIN_API_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`).optional(),
        enabled: z.boolean().default(D.api.enabled),
      })
      .strict()
      .prefault({}),
    health: z.object({ interval_s: positiveInt.default(D.health.interval_s), timeout_ms: positiveInt.default(D.health.timeout_ms) }).strict().prefault({}),
    circuit_breaker: z
      .object({ failure_threshold: positiveInt.default(D.circuit_breaker.failure_threshold), open_s: positiveInt.default(D.circuit_breaker.open_s) })
      .strict()
      .prefault({}),
    alerts: z.object({ webhook_url: httpUrlSchema.optional(), slack_webhook_url: httpUrlSchema.optional() }).strict().prefault({}),
    authorized_clients: z.array(authorizedClientSchema).default([]),
    sources: z.array(routerSourceSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { api } = config;
    let apiHost: string | undefined;
    try {
      apiHost = parseHostPort(api.bind).host;
    } catch {
      apiHost = undefined; // reported on api.bind
    }
    if (api.enabled && apiHost !== undefined && !isLoopbackHost(apiHost) && api.token === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['api', 'token'],
        message: `required when api.bind (${api.bind}) is not a loopback address: set [api] token or CONDUIT_API_TOKEN, or bind the API to 127.0.0.1`,
      });
    if (api.enabled && bindsClash(api.bind, config.router.bind))
      ctx.addIssue({ code: 'custom', path: ['api', 'bind'], message: `${api.bind} clashes with router.bind ${config.router.bind}` });
    const clients = config.authorized_clients;
    reportDuplicates(clients, (c) => c.name, (i) => ['authorized_clients', i, 'name'], 'duplicate client name', ctx);
    reportDuplicates(clients, (c) => publicKeyBase64(c.public_key), (i) => ['authorized_clients', i, 'public_key'], 'this key is already authorized', ctx);
    reportDuplicates(config.sources, (s) => s.name, (i) => ['sources', i, 'name'], 'duplicate source name', ctx);
    const known = new Set(config.sources.map((s) => s.name));
    clients.forEach((c, i) =>
      c.allow.forEach((text, j) => {
        if (isSourceName(text.trim()) && !known.has(text.trim()))
          ctx.addIssue({
            code: 'custom',
            path: ['authorized_clients', i, 'allow', j],
            message: `no [[sources]] entry is named "${text.trim()}"${known.size ? ` (known: ${[...known].join(', ')})` : ''}`,
          });
      }),
    );
  });
export type RouterConfig = z.infer<typeof routerConfigSchema>;

// ---- reporting --------------------------------------------------------------------------------

type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'> & { code?: string; keys?: readonly string[] };

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

/**
 * Where values came from when not from the file: field path ("api.bind") → what to name instead
 * ("CONDUIT_API_BIND", "--bind"), so a bad environment variable is not blamed on the file.
 */
export type ValueOrigins = ReadonlyMap<string, string>;

/** One line per problem, like `conduit.toml: tunnels[1].bind: expected host:port, got "80"`. */
export function describeConfigIssues(error: { issues: readonly Issue[] }, fileLabel: string, origins?: ValueOrigins): string[] {
  return error.issues.flatMap((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys' && issue.keys)
      return issue.keys.map((k) => `${fileLabel}: ${where ? `${where}.` : ''}${k}: unknown key`);
    const origin = origins?.get(where);
    if (origin !== undefined) return [`${origin}: ${issue.message}`];
    return [`${fileLabel}: ${where ? `${where}: ` : ''}${issue.message}`];
  });
}

export type ConfigCheck<T> = { ok: true; config: T } | { ok: false; errors: string[] };

// zod's own text for a missing field ("expected string, received undefined") reads like a type error.
const missingIsRequired: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? `required (${issue.expected})` : undefined;

function check<S extends z.ZodType>(schema: S, raw: unknown, fileLabel: string, origins?: ValueOrigins): ConfigCheck<z.output<S>> {
  const parsed = schema.safeParse(raw, { error: missingIsRequired });
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, errors: describeConfigIssues(parsed.error, fileLabel, origins) };
}

export function validateClientConfig(raw: unknown, fileLabel = 'conduit.toml', origins?: ValueOrigins): ConfigCheck<ClientConfig> {
  return check(clientConfigSchema, raw, fileLabel, origins);
}

export function validateRouterConfig(raw: unknown, fileLabel = 'router.toml', origins?: ValueOrigins): ConfigCheck<RouterConfig> {
  return check(routerConfigSchema, raw, fileLabel, origins);
}
