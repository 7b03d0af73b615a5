// The reconnect settings form (config.get / config.update), validated with the contract's schema.
import { configUpdateParamsSchema, type ConfigInfo, type ConfigUpdateParams } from '../../src-shared/api/index.js';

export interface ReconnectValues {
  enabled: boolean;
  max_retries: string;
  initial_delay: string;
  max_delay: string;
}
export type ReconnectErrors = Partial<Record<keyof ReconnectValues, string>>;

export function reconnectValues(config: ConfigInfo): ReconnectValues {
  const r = config.reconnect;
  return { enabled: r.enabled, max_retries: String(r.max_retries), initial_delay: r.initial_delay, max_delay: r.max_delay };
}

/** Go-style duration → milliseconds ("1m30s" → 90000); NaN when not a duration. */
export function durationMs(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]) * unit[m[2] as keyof typeof unit];
  return total;
}

export function validateReconnect(values: ReconnectValues): { ok: true; params: ConfigUpdateParams } | { ok: false; errors: ReconnectErrors } {
  const retries = values.max_retries.trim();
  const params = {
    reconnect: {
      enabled: values.enabled,
      max_retries: /^\d+$/.test(retries) ? Number(retries) : Number.NaN,
      initial_delay: values.initial_delay.trim(),
      max_delay: values.max_delay.trim(),
    },
  };
  const errors: ReconnectErrors = {};
  const parsed = configUpdateParamsSchema.safeParse(params);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path[1];
      if (field === 'max_retries') errors.max_retries ??= 'a whole number, 0 for unlimited';
      else if (field === 'initial_delay' || field === 'max_delay') errors[field] ??= issue.message;
    }
  if (!errors.initial_delay && !errors.max_delay && durationMs(params.reconnect.initial_delay) > durationMs(params.reconnect.max_delay))
    errors.max_delay = 'must be at least the initial delay';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, params };
}
