// What a conduit router reports about itself over its REST API (`/api/v1/…`, conduit-spec "API仕様"):
// the router's identity, the health of the sources it reaches, its clients and its traffic. The
// desktop app's Routers view reads the same shapes, so they live here and are checked with zod on
// whichever side receives them. Fields are snake_case like the rest of the API.
import { z } from 'zod';

const isoTime = z.iso.datetime();
const count = z.number().int().nonnegative();

/**
 * "host:port" as the router dials it: a name or IPv4 literal, or a bracketed IPv6 literal
 * ("[fd00::1]:80") so the last colon always separates the port.
 */
export const endpointAddressSchema = z
  .string()
  .max(300)
  .regex(/^(\[[0-9A-Fa-f:.%\w-]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port (IPv6 in brackets)');

/** Split "host:port" / "[v6]:port" into its parts; undefined when it is not one (or the port is out of range). */
export function splitEndpointAddress(address: string): { host: string; port: number } | undefined {
  if (!endpointAddressSchema.safeParse(address).success) return undefined;
  const cut = address.lastIndexOf(':');
  const port = Number(address.slice(cut + 1));
  if (port < 1 || port > 65535) return undefined;
  let host = address.slice(0, cut);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host, port };
}

export const routerInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  protocol_version: count,
  /** SHA-256 fingerprint of the router's TLS certificate, what clients pin. */
  fingerprint: z.string(),
  bind: z.string(),
  api_bind: z.string(),
  started_at: isoTime,
  uptime_s: z.number().nonnegative(),
});
export type RouterInfo = z.infer<typeof routerInfoSchema>;

export const endpointStatusSchema = z.enum(['up', 'down', 'unknown']);
export type EndpointStatus = z.infer<typeof endpointStatusSchema>;

export const circuitStateSchema = z.enum(['closed', 'open', 'half_open']);
export type CircuitState = z.infer<typeof circuitStateSchema>;

export const balanceStrategySchema = z.enum(['round_robin', 'least_connections']);
export type BalanceStrategy = z.infer<typeof balanceStrategySchema>;

export const sourceEndpointHealthSchema = z.object({
  address: endpointAddressSchema,
  /** From the last health check; `unknown` until one has run (or when checks are off). */
  status: endpointStatusSchema,
  last_check_at: isoTime.nullable(),
  last_ok_at: isoTime.nullable(),
  latency_ms: z.number().nonnegative().nullable(),
  /** Failed connects and failed health checks in a row, whichever came. */
  consecutive_failures: count,
  circuit: circuitStateSchema,
  active_connections: count,
});
export type SourceEndpointHealth = z.infer<typeof sourceEndpointHealthSchema>;

/** up: every endpoint usable; degraded: some; down: none (the router answers "source unavailable"). */
export const sourceStatusSchema = z.enum(['up', 'degraded', 'down']);
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

export const sourceHealthSchema = z.object({
  name: z.string(),
  strategy: balanceStrategySchema,
  endpoints: z.array(sourceEndpointHealthSchema),
  status: sourceStatusSchema,
});
export type SourceHealth = z.infer<typeof sourceHealthSchema>;

export const routerHealthStatusSchema = z.enum(['ok', 'degraded', 'down']);
export type RouterHealthStatus = z.infer<typeof routerHealthStatusSchema>;

export const routerHealthSchema = z.object({
  status: routerHealthStatusSchema,
  sources: z.array(sourceHealthSchema),
  clients_connected: count,
});
export type RouterHealth = z.infer<typeof routerHealthSchema>;

/** current: the client's newest key; grace: a rotated-out key still accepted until grace_until. */
export const clientKeyStatusSchema = z.enum(['current', 'grace', 'expired']);
export type ClientKeyStatus = z.infer<typeof clientKeyStatusSchema>;

export const clientInfoSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  fingerprint: z.string(),
  connected: z.boolean(),
  remote_address: z.string().nullable(),
  connected_at: isoTime.nullable(),
  last_seen_at: isoTime.nullable(),
  active_streams: count,
  total_streams: count,
  bytes_in: count,
  bytes_out: count,
  /** Sources this client may open ("host:port" or a source name). */
  allow: z.array(z.string()),
  key_status: clientKeyStatusSchema,
  grace_until: isoTime.nullable(),
});
export type ClientInfo = z.infer<typeof clientInfoSchema>;

export const trafficStatsSchema = z.object({
  bytes_in: count,
  bytes_out: count,
  per_client: z.array(z.object({ id: z.string(), name: z.string(), bytes_in: count, bytes_out: count })),
  per_source: z.array(z.object({ source: z.string(), bytes_in: count, bytes_out: count })),
});
export type TrafficStats = z.infer<typeof trafficStatsSchema>;

export const connectionStatsSchema = z.object({
  active: count,
  total: count,
  failed: count,
  refused_unauthorized: count,
  handshake_failures: count,
  per_source: z.array(z.object({ source: z.string(), active: count, total: count, failed: count })),
});
export type ConnectionStats = z.infer<typeof connectionStatsSchema>;

/** The `error.code` strings the REST API answers with. */
export const RouterApiErrorCode = {
  BadRequest: 'bad_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  Internal: 'internal_error',
} as const;
export type RouterApiErrorCodeValue = (typeof RouterApiErrorCode)[keyof typeof RouterApiErrorCode];

export const apiErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Every JSON answer of the router API. Exactly one of data / error is non-null. */
export interface ApiEnvelope<T> {
  success: boolean;
  data: T | null;
  error: ApiError | null;
  timestamp: string;
  request_id: string;
}

export function envelopeSchema<S extends z.ZodType>(dataSchema: S) {
  return z.object({
    success: z.boolean(),
    data: dataSchema.nullable(),
    error: apiErrorSchema.nullable(),
    timestamp: isoTime,
    request_id: z.string().min(1),
  });
}

export interface Paginated<T> {
  items: T[];
  /** 1-based. */
  page: number;
  per_page: number;
  total: number;
  /** ceil(total / per_page): 0 when there is nothing. */
  total_pages: number;
}

export function paginatedSchema<S extends z.ZodType>(itemSchema: S) {
  return z.object({
    items: z.array(itemSchema),
    page: z.number().int().min(1),
    per_page: z.number().int().min(1),
    total: count,
    total_pages: count,
  });
}
