// Loading a client conduit.toml (`warren conduit up -f FILE`): the file, then CONDUIT_* variables
// over it, then the schema. A relative private_key_path is from the file's folder, so a config
// directory can be moved as a whole; one from the environment is from the working directory.
import path from 'node:path';
import { validateClientConfig, type ClientConfig } from '../../../../src-shared/api/conduit-config.js';
import { conduitConfigError } from './config-error.js';
import { applyEnvOverrides, type Env, type EnvSpec } from './env-overrides.js';
import { readTomlFile, resolvePathField } from './toml-file.js';

export const CLIENT_ENV_SPEC: EnvSpec = {
  router: { host: 'string', port: 'number' },
  security: { private_key_path: 'path', router_key: 'string' },
};

export interface LoadConfigOptions {
  env?: Env;
  /** Where relative paths from the command line and the environment start. */
  cwd?: string;
}

/** Throws a ConduitConfigInvalid WarrenError listing every problem. */
export async function loadClientConfig(file: string, opts: LoadConfigOptions = {}): Promise<ClientConfig> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const doc = await readTomlFile(absolute, file, 'create one or pass -f');
  resolvePathField(doc, 'security', 'private_key_path', path.dirname(absolute));
  const { origins, errors } = applyEnvOverrides(doc, env, CLIENT_ENV_SPEC, cwd);
  const checked = validateClientConfig(doc, file, origins);
  const all = [...errors, ...(checked.ok ? [] : checked.errors)];
  if (all.length > 0 || !checked.ok) throw conduitConfigError(all);
  return checked.config;
}
