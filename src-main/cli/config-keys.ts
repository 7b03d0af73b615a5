// Dotted settings keys (`reconnect.max_retries`) for `warren config get|set`. The keys and their
// types come from the contract's schemas by introspection, so a new setting needs no CLI change.
import { z } from 'zod';
import { configInfoSchema, configUpdateParamsSchema, type ConfigInfo, type ConfigUpdateParams } from '../../src-shared/api/index.js';
import { usageError } from './cli-error.js';

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** Every leaf key of an object schema with its leaf schema, in declaration order. */
export function leafKeys(schema: z.ZodType, prefix = ''): Array<[string, z.ZodType]> {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodObject)) return [[prefix, s]];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

export const readableKeys: readonly string[] = leafKeys(configInfoSchema).map(([k]) => k);
const writable = new Map(leafKeys(configUpdateParamsSchema));
export const writableKeys: readonly string[] = [...writable.keys()];

/** The value at a dotted key (a leaf or a whole section), or a usage error listing the keys. */
export function getConfigValue(info: ConfigInfo, key: string): unknown {
  let cur: unknown = info;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part))
      throw usageError(`unknown setting "${key}"`, `settings: ${readableKeys.join(', ')}`);
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function coerce(key: string, leaf: z.ZodType, raw: string): unknown {
  if (leaf instanceof z.ZodBoolean) {
    const v = raw.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
    throw usageError(`${key} takes true or false, got "${raw}"`);
  }
  if (leaf instanceof z.ZodNumber) {
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw usageError(`${key} takes a number, got "${raw}"`);
    return Number(raw);
  }
  return raw;
}

/** `config set reconnect.max_retries 5` → { reconnect: { max_retries: 5 } }, checked by the contract. */
export function buildConfigUpdate(key: string, raw: string): ConfigUpdateParams {
  const leaf = writable.get(key);
  if (!leaf) throw usageError(`"${key}" is not a setting that can be changed`, `settings: ${writableKeys.join(', ')}`);
  const value = coerce(key, leaf, raw);
  const parts = key.split('.');
  const update: Record<string, unknown> = {};
  let cur = update;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) cur[p] = value;
    else cur = (cur[p] = {}) as Record<string, unknown>;
  });
  const parsed = configUpdateParamsSchema.safeParse(update);
  if (!parsed.success) throw usageError(`invalid value for ${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
