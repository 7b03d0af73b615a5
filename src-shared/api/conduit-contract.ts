// The conduit.* methods: Conduit's commands (start, up, down, list, kill, status) served by the one
// engine, plus what the desktop app's Routers view needs. conduit.toml is parsed by the caller (the
// CLI reads the file where the user is) and arrives here as plain tunnels.
import { z } from 'zod';
import { clientInfoSchema, routerHealthSchema, routerInfoSchema } from './conduit-router.js';
import { conduitSessionInfoSchema, conduitSourceSchema, connectionStateSchema, hostPortStringSchema, ruleNameSchema, sessionStatusSchema } from './models.js';

const protocolSchema = z.enum(['tcp', 'udp']);
const keyOptions = {
  /** Pin of the router key: "SHA256:…" or a `conduit-ed25519 …` line. */
  router_key: z.string().max(500).optional(),
  private_key_path: z.string().min(1).max(4096).optional(),
};

export const conduitStartParamsSchema = z
  .object({
    router: hostPortStringSchema,
    source: conduitSourceSchema,
    bind: hostPortStringSchema,
    name: ruleNameSchema.optional(),
    protocol: protocolSchema.default('tcp'),
    auto_connect: z.boolean().default(false),
    ...keyOptions,
  })
  .strict();
export type ConduitStartParams = z.input<typeof conduitStartParamsSchema>;

export const conduitTunnelSpecSchema = z
  .object({ name: ruleNameSchema, source: conduitSourceSchema, bind: hostPortStringSchema, protocol: protocolSchema.default('tcp') })
  .strict();

export const conduitUpParamsSchema = z
  .object({
    router: hostPortStringSchema,
    tunnels: z.array(conduitTunnelSpecSchema).min(1).max(500),
    auto_connect: z.boolean().default(false),
    ...keyOptions,
  })
  .strict();
export type ConduitUpParams = z.input<typeof conduitUpParamsSchema>;

const tunnelOutcomeSchema = z.object({ name: z.string(), status: sessionStatusSchema, error: z.string().optional() });

export const conduitKeyStatusSchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  fingerprint: z.string().optional(),
  public_key: z.string().optional(),
  created_at: z.string().optional(),
  age_days: z.number().optional(),
  /** Older than the rotation age (30 days): `warren conduit keys rotate`. */
  rotation_due: z.boolean(),
  /** A rotation not yet handed to every router (routers that have the new key). */
  rotation_pending: z.boolean(),
  acknowledged_by: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type ConduitKeyStatus = z.infer<typeof conduitKeyStatusSchema>;

export const routerLinkInfoSchema = z.object({
  router: z.string(),
  state: connectionStateSchema,
  fingerprint: z.string().optional(),
  rtt_ms: z.number().optional(),
  tunnels: z.array(z.string()),
  last_error: z.string().optional(),
  /** The router's own report over the tunnel (absent when not connected or it did not answer). */
  stats: z.object({ info: routerInfoSchema, health: routerHealthSchema, client: clientInfoSchema }).optional(),
  stats_error: z.string().optional(),
});
export type RouterLinkInfo = z.infer<typeof routerLinkInfoSchema>;

const empty = z.object({}).strict();

export const conduitMethods = {
  'conduit.start': {
    params: conduitStartParamsSchema,
    result: z.object({ name: z.string(), status: sessionStatusSchema }),
    doc: 'Save (if new) and start a Conduit tunnel: bind (local) → router → source',
  },
  'conduit.up': {
    params: conduitUpParamsSchema,
    result: z.object({ tunnels: z.array(tunnelOutcomeSchema) }),
    doc: "Create or update every tunnel of a conduit.toml and start them",
  },
  'conduit.down': {
    params: z.object({ names: z.array(ruleNameSchema).min(1).max(500) }).strict(),
    result: z.object({ removed: z.array(z.string()), missing: z.array(z.string()) }),
    doc: 'Stop and remove the tunnels of a conduit.toml',
  },
  'conduit.list': { params: empty, result: z.object({ tunnels: z.array(conduitSessionInfoSchema) }), doc: 'Conduit tunnels with their live state' },
  'conduit.kill': {
    params: z
      .object({ tunnel: ruleNameSchema.optional(), all: z.boolean().optional() })
      .strict()
      .refine((p) => (p.tunnel !== undefined) !== (p.all === true), 'give either tunnel or all: true'),
    result: z.object({ stopped: z.array(z.string()) }),
    doc: 'Stop one conduit tunnel, or all of them (the rules stay saved)',
  },
  'conduit.status': {
    params: empty,
    result: z.object({
      key: conduitKeyStatusSchema,
      tunnels: z.object({ total: z.number().int(), active: z.number().int(), reconnecting: z.number().int(), error: z.number().int(), stopped: z.number().int() }),
      routers: z.array(routerLinkInfoSchema),
    }),
    doc: 'Key, tunnels and router links at a glance',
  },
  'conduit.routers': {
    params: empty,
    result: z.object({ routers: z.array(routerLinkInfoSchema) }),
    doc: 'Each router Warren has a link to, with the health and traffic it reports over the tunnel',
  },
} as const;
