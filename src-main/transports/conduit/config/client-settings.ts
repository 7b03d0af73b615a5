// Where a client's router, key and router pin come from, by the original Conduit's precedence:
// command line > CONDUIT_* environment > conduit.toml > defaults. Pure apart from resolving
// relative paths against the given cwd, so a table of cases pins it down.
import path from 'node:path';
import { DEFAULT_ROUTER_PORT, hostSchema, routerKeyPinSchema, type ClientConfig } from '../../../../src-shared/api/conduit-config.js';
import { portSchema } from '../../../../src-shared/api/models.js';
import { parseHostPort, type HostPort } from '../../../../src-shared/logic/source-pattern.js';
import { conduitConfigError } from './config-error.js';
import { envName, type Env } from './env-overrides.js';
import { resolveUserPath } from './toml-file.js';

export type SettingOrigin = 'cli' | 'env' | 'file' | 'default';

export interface ClientCliOptions {
  /** --router HOST:PORT */
  router?: string;
  /** --key PATH (relative: from cwd) */
  privateKeyPath?: string;
  /** --router-key SHA256:… or a key line */
  routerKey?: string;
}

export interface ClientSettingsDefaults {
  /** $WARREN_HOME/keys/conduit.key, decided by the caller. */
  privateKeyPath: string;
  routerPort?: number;
}

export interface ClientSettingsInput {
  cli?: ClientCliOptions;
  env?: Env;
  /** The loaded conduit.toml, if one was given. */
  file?: Pick<ClientConfig, 'router' | 'security'>;
  defaults: ClientSettingsDefaults;
  cwd?: string;
}

export interface ClientSettings {
  router: HostPort;
  privateKeyPath: string;
  routerKey: string | undefined;
  /** Which layer each value came from (for `config show` and error messages). */
  origin: { routerHost: SettingOrigin; routerPort: SettingOrigin; privateKeyPath: SettingOrigin; routerKey: SettingOrigin | undefined };
}

interface Layered<T> {
  value: T;
  origin: SettingOrigin;
}

function pick<T>(candidates: ReadonlyArray<[SettingOrigin, T | undefined]>): Layered<T> | undefined {
  for (const [origin, value] of candidates) if (value !== undefined) return { value, origin };
  return undefined;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s.trim() === '' ? undefined : s);

export function resolveClientSettings(input: ClientSettingsInput): ClientSettings {
  const { cli = {}, env = {}, file, defaults } = input;
  const cwd = input.cwd ?? process.cwd();
  const errors: string[] = [];

  let cliRouter: HostPort | undefined;
  if (nonEmpty(cli.router) !== undefined) {
    try {
      cliRouter = parseHostPort(cli.router!);
    } catch (e) {
      errors.push(`--router: ${(e as Error).message}`);
    }
  }
  const envHost = nonEmpty(env[envName('router', 'host')]);
  if (envHost !== undefined && !hostSchema.safeParse(envHost).success) errors.push(`${envName('router', 'host')}: expected a host name or IP address, got ${JSON.stringify(envHost)}`);
  const envPortText = nonEmpty(env[envName('router', 'port')]);
  const envPort = envPortText === undefined ? undefined : Number(envPortText);
  if (envPortText !== undefined && !(/^\s*\d+\s*$/.test(envPortText) && portSchema.safeParse(envPort).success))
    errors.push(`${envName('router', 'port')}: expected a port from 1 to 65535, got ${JSON.stringify(envPortText)}`);

  const host = pick<string>([
    ['cli', cliRouter?.host],
    ['env', envHost],
    ['file', file?.router?.host],
  ]);
  const port = pick<number>([
    ['cli', cliRouter?.port],
    ['env', envPort],
    ['file', file?.router?.port],
    ['default', defaults.routerPort ?? DEFAULT_ROUTER_PORT],
  ])!;
  if (host === undefined && cliRouter === undefined && errors.length === 0)
    errors.push(`no router: pass --router HOST:PORT, set ${envName('router', 'host')}, or add [router] host and port to the config file`);

  const envKey = nonEmpty(env[envName('security', 'private_key_path')]);
  const keyPath = pick<string>([
    ['cli', nonEmpty(cli.privateKeyPath) && resolveUserPath(cli.privateKeyPath!, cwd)],
    ['env', envKey && resolveUserPath(envKey, cwd)],
    // loadClientConfig already made the file's path absolute (from the file's folder).
    ['file', file?.security?.private_key_path],
    ['default', defaults.privateKeyPath],
  ])!;

  const routerKey = pick<string>([
    ['cli', nonEmpty(cli.routerKey)],
    ['env', nonEmpty(env[envName('security', 'router_key')])],
    ['file', file?.security?.router_key],
  ]);
  if (routerKey && routerKey.origin !== 'file' && !routerKeyPinSchema.safeParse(routerKey.value).success)
    errors.push(`${routerKey.origin === 'cli' ? '--router-key' : envName('security', 'router_key')}: expected a fingerprint "SHA256:…" or a "conduit-ed25519 …" key line`);

  if (errors.length > 0 || host === undefined) throw conduitConfigError(errors);
  return {
    router: { host: host.value, port: port.value },
    privateKeyPath: path.normalize(keyPath.value),
    routerKey: routerKey?.value.trim(),
    origin: { routerHost: host.origin, routerPort: port.origin, privateKeyPath: keyPath.origin, routerKey: routerKey?.origin },
  };
}
