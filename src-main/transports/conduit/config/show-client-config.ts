// `warren conduit config show -f FILE`: the configuration as it will be used (file + CONDUIT_*
// variables + defaults, and the command line when settings are given), as TOML a person can save
// back as a conduit.toml.
import { stringify } from 'smol-toml';
import type { ClientConfig } from '../../../../src-shared/api/conduit-config.js';
import type { ClientSettings } from './client-settings.js';

/** Fields in the order of the original Conduit's example, without unset ones (TOML has no null). */
export function showClientConfig(config: ClientConfig, settings?: ClientSettings): string {
  const router = settings ? settings.router : config.router;
  const privateKeyPath = settings ? settings.privateKeyPath : config.security?.private_key_path;
  const routerKey = settings ? settings.routerKey : config.security?.router_key;
  const doc: Record<string, unknown> = {};
  if (router) doc['router'] = { host: router.host, port: router.port };
  const security: Record<string, string> = {};
  if (privateKeyPath !== undefined) security['private_key_path'] = privateKeyPath;
  if (routerKey !== undefined) security['router_key'] = routerKey;
  if (Object.keys(security).length > 0) doc['security'] = security;
  doc['tunnels'] = config.tunnels.map((t) => ({ name: t.name, source: t.source, bind: t.bind, protocol: t.protocol }));
  return `# Effective conduit configuration (file, CONDUIT_* environment, command line, defaults)\n${stringify(doc)}\n`;
}
