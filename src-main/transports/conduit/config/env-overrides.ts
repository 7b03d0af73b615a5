// CONDUIT_<SECTION>_<KEY> environment variables laid over a parsed file (the original Conduit's
// rule: CLI > environment > file > defaults). Values are typed by a spec so "9999" becomes a number
// and a bad one is reported under the variable's own name.
import { isTable, resolveUserPath, type TomlTable } from './toml-file.js';

export type EnvValueKind = 'string' | 'number' | 'boolean' | 'path';
/** section → key → kind, e.g. { router: { host: 'string', port: 'number' } }. */
export type EnvSpec = Readonly<Record<string, Readonly<Record<string, EnvValueKind>>>>;
export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvOverrides {
  /** "router.port" → "CONDUIT_ROUTER_PORT" for each value taken from the environment. */
  origins: Map<string, string>;
  errors: string[];
}

export const envName = (section: string, key: string): string => `CONDUIT_${section}_${key}`.toUpperCase();

function convert(kind: EnvValueKind, text: string, cwd: string): { value: unknown } | { error: string } {
  switch (kind) {
    case 'string':
      return { value: text };
    case 'path':
      return { value: resolveUserPath(text, cwd) };
    case 'number':
      return /^\s*\d+(\.\d+)?\s*$/.test(text) ? { value: Number(text) } : { error: `expected a number, got ${JSON.stringify(text)}` };
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(t)) return { value: false };
      return { error: `expected true or false, got ${JSON.stringify(text)}` };
    }
  }
}

/**
 * Write each set variable into doc (in place). An empty variable counts as unset, as shells and
 * compose files often export empty defaults. Relative paths from the environment are from `cwd`.
 */
export function applyEnvOverrides(doc: TomlTable, env: Env, spec: EnvSpec, cwd: string): EnvOverrides {
  const origins = new Map<string, string>();
  const errors: string[] = [];
  for (const [section, keys] of Object.entries(spec)) {
    for (const [key, kind] of Object.entries(keys)) {
      const name = envName(section, key);
      const text = env[name];
      if (text === undefined || text === '') continue;
      const converted = convert(kind, text, cwd);
      if ('error' in converted) {
        errors.push(`${name}: ${converted.error}`);
        continue;
      }
      const existing = doc[section];
      // A section that is not a table (`router = 5`) is the file's mistake; the schema names it.
      if (existing !== undefined && !isTable(existing)) continue;
      const table = existing ?? {};
      table[key] = converted.value;
      doc[section] = table;
      origins.set(`${section}.${key}`, name);
    }
  }
  return { origins, errors };
}
