// The router's effective configuration (`warren conduit router [--config FILE] [--bind ADDR]`):
// defaults, then router.toml, then CONDUIT_<SECTION>_<KEY> variables, then --bind. Without a file
// the router runs on defaults, which is how `warren conduit router --bind 0.0.0.0:9999` starts.
import path from 'node:path';
import { validateRouterConfig, type RouterConfig } from '../../../src-shared/api/conduit-config.js';
import { conduitConfigError } from '../../transports/conduit/config/config-error.js';
import { applyEnvOverrides, type Env, type EnvSpec } from '../../transports/conduit/config/env-overrides.js';
import { isTable, readTomlFile, resolvePathField, type TomlTable } from '../../transports/conduit/config/toml-file.js';

/** Every scalar of the file can come from the environment (a Secret, a compose file). */
export const ROUTER_ENV_SPEC: EnvSpec = {
  router: { bind: 'string', name: 'string', handshake_timeout_ms: 'number', max_frame_bytes: 'number' },
  security: { private_key_path: 'path', rotation_grace_hours: 'number', state_path: 'path' },
  api: { bind: 'string', token: 'string', enabled: 'boolean' },
  health: { interval_s: 'number', timeout_ms: 'number' },
  circuit_breaker: { failure_threshold: 'number', open_s: 'number' },
  alerts: { webhook_url: 'string', slack_webhook_url: 'string' },
};

export interface LoadRouterConfigOptions {
  env?: Env;
  /** --bind from the command line; wins over everything. */
  cliBind?: string;
  /** Where relative paths from the environment start. */
  cwd?: string;
}

/** Throws a ConduitConfigInvalid WarrenError listing every problem. */
export async function loadRouterConfig(file: string | undefined, opts: LoadRouterConfigOptions = {}): Promise<RouterConfig> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let doc: TomlTable = {};
  if (file !== undefined) {
    const absolute = path.resolve(cwd, file);
    doc = await readTomlFile(absolute, file, 'create it or leave out --config to run on defaults');
    for (const key of ['private_key_path', 'state_path']) resolvePathField(doc, 'security', key, path.dirname(absolute));
  }
  const { origins, errors } = applyEnvOverrides(doc, env, ROUTER_ENV_SPEC, cwd);
  if (opts.cliBind !== undefined) {
    const router = doc['router'] ?? {};
    // A [router] that is not a table is the file's mistake; the schema names it.
    if (isTable(router)) {
      doc['router'] = { ...router, bind: opts.cliBind };
      origins.set('router.bind', '--bind');
    }
  }
  const checked = validateRouterConfig(doc, file ?? 'router settings', origins);
  const all = [...errors, ...(checked.ok ? [] : checked.errors)];
  if (all.length > 0 || !checked.ok) throw conduitConfigError(all);
  return checked.config;
}
