// `warren conduit config validate FILE`: say whether a file is a usable client conduit.toml or
// router file, telling the two apart by their sections, with the loaders' own checks (so "valid"
// means "the command would start with it", environment included).
import path from 'node:path';
import type { ClientConfig, RouterConfig } from '../../../../src-shared/api/conduit-config.js';
import { formatHostPort } from '../../../../src-shared/logic/source-pattern.js';
import { loadRouterConfig } from '../../../router/config/router-config.js';
import { loadClientConfig, type LoadConfigOptions } from './client-config.js';
import { configErrorLines } from './config-error.js';
import { isTable, readTomlFile, type TomlTable } from './toml-file.js';

export type ConfigKind = 'client' | 'router';
export type ConfigFileCheck = { ok: true; kind: ConfigKind; summary: string } | { ok: false; errors: string[] };

const ROUTER_SECTIONS = ['authorized_clients', 'sources', 'api', 'health', 'circuit_breaker', 'alerts'];
const ROUTER_ONLY_KEYS: Record<string, string[]> = {
  router: ['bind', 'name', 'handshake_timeout_ms', 'max_frame_bytes'],
  security: ['rotation_grace_hours', 'state_path'],
};
const CLIENT_ONLY_KEYS: Record<string, string[]> = { router: ['host', 'port'], security: ['router_key'] };

function signs(doc: TomlTable, sections: string[], keys: Record<string, string[]>): string[] {
  const found = sections.filter((s) => s in doc).map((s) => `[${s}]`);
  for (const [section, names] of Object.entries(keys)) {
    const table = doc[section];
    if (isTable(table)) for (const k of names) if (k in table) found.push(`${section}.${k}`);
  }
  return found;
}

/** Which kind of file this is, or why that cannot be told. */
export function configKindOf(doc: TomlTable, label: string): { kind: ConfigKind } | { error: string } {
  const router = signs(doc, ROUTER_SECTIONS, ROUTER_ONLY_KEYS);
  const client = signs(doc, ['tunnels'], CLIENT_ONLY_KEYS);
  if (router.length && client.length)
    return { error: `${label}: mixes client settings (${client.join(', ')}) with router settings (${router.join(', ')}); keep them in separate files` };
  if (router.length) return { kind: 'router' };
  if (client.length) return { kind: 'client' };
  return { error: `${label}: cannot tell whether this is a client file ([[tunnels]]) or a router file ([router] bind, [[authorized_clients]])` };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function clientSummary(c: ClientConfig): string {
  const router = c.router ? `router ${formatHostPort(c.router.host, c.router.port)}` : 'router not set (pass --router or set CONDUIT_ROUTER_HOST)';
  const tunnels = c.tunnels.map((t) => `${t.name} ${t.bind} → ${t.source}${t.protocol === 'udp' ? ' (udp)' : ''}`);
  return `client: ${router}, ${plural(c.tunnels.length, 'tunnel')} (${tunnels.join('; ')})`;
}

function routerSummary(r: RouterConfig): string {
  const api = r.api.enabled ? `API on ${r.api.bind}${r.api.token ? ' with a token' : ''}` : 'API off';
  return `router: listens on ${r.router.bind}, ${api}, ${plural(r.authorized_clients.length, 'authorized client')}, ${plural(r.sources.length, 'source')}`;
}

export async function validateConfigFile(file: string, opts: LoadConfigOptions = {}): Promise<ConfigFileCheck> {
  try {
    const doc = await readTomlFile(path.resolve(opts.cwd ?? process.cwd(), file), file, 'nothing to validate');
    const kind = configKindOf(doc, file);
    if ('error' in kind) return { ok: false, errors: [kind.error] };
    if (kind.kind === 'client') return { ok: true, kind: 'client', summary: clientSummary(await loadClientConfig(file, opts)) };
    return { ok: true, kind: 'router', summary: routerSummary(await loadRouterConfig(file, opts)) };
  } catch (e) {
    const lines = configErrorLines(e);
    if (lines) return { ok: false, errors: lines };
    throw e;
  }
}
