// The SSH transport: host alias → Link. Resolves the alias (and its ProxyJump chain) from the ssh
// config, checks every hop's host key, authenticates with the agent and identity files, and keeps
// what the API needs to finish a refused connect: the last offered unknown host key (`host.trust`)
// and which identity file is locked (`host.unlock`).
import fs from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { ErrorCode, WarrenError, type HostKeyInfo } from '../../../src-shared/api/index.js';
import type { Link, Transport } from '../../core/link.js';
import { KnownHosts, appendKnownHost } from './known-hosts.js';
import { SshConfigResolver, hostSummary, type ResolvedHost } from './ssh-config.js';
import { abortError, where } from './ssh-errors.js';
import { connectHop, type HopLog, type OfferedKey } from './ssh-hop.js';
import { planIdentities, tryParseKey, type PassphraseCache } from './ssh-identities.js';
import { SshLink } from './ssh-link.js';

export interface TransportLog extends HopLog {
  debug(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface SshTransportOptions {
  /** The ssh config file; a function is asked on every use (the setting may change). */
  sshConfigPath: string | (() => string);
  /** Passphrases by key path, filled by unlock() (`host.unlock`); memory only. Default: a private map. */
  passphrases?: PassphraseCache;
  log: TransportLog;
  /** What `~` means in the ssh config (default: the OS home). */
  home?: string;
  /** Where SSH_AUTH_SOCK is read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export type HostSummary = ReturnType<typeof hostSummary>;

export interface SshTransport extends Transport<string> {
  /** Record the host key `alias` (or one of its jump hosts) last offered and was refused for. */
  trustHost(alias: string, fingerprint?: string): Promise<HostKeyInfo>;
  /** Check a passphrase against the alias's encrypted identity file(s) and cache it in memory. */
  unlock(alias: string, passphrase: string): Promise<{ host: string; key_path: string }>;
  /** Same as unlock (the name app-start uses). */
  unlockHost(alias: string, passphrase: string): Promise<{ host: string; key_path: string }>;
  /** The resolved settings `host.list` shows. */
  inspect(alias: string): Promise<HostSummary>;
  /** Concrete aliases in the ssh config and its Includes. */
  listHosts(): Promise<string[]>;
}

interface Hop {
  alias: string;
  host: ResolvedHost;
}

const MAX_HOPS = 8;

/** OpenSSH's order for `ProxyJump j1,…,jn`: j1 (itself via its own ProxyJump), then j2…jn as written. */
export function jumpChain(cfg: SshConfigResolver, target: ResolvedHost, depth = 0): Hop[] {
  if (target.proxyJump.length === 0) return [];
  if (depth > MAX_HOPS) throw new WarrenError(ErrorCode.ConnectionFailed, `ProxyJump chain of ${target.alias} is longer than ${MAX_HOPS} hops (a loop?)`);
  const hops = target.proxyJump.map((spec): Hop => {
    const r = cfg.resolve(spec.host);
    return { alias: spec.host, host: { ...r, ...(spec.user !== undefined ? { user: spec.user } : {}), ...(spec.port !== undefined ? { port: spec.port } : {}) } };
  });
  const first = hops[0] as Hop;
  const before = jumpChain(cfg, first.host, depth + 1);
  if (before.length + hops.length > MAX_HOPS) throw new WarrenError(ErrorCode.ConnectionFailed, `ProxyJump chain of ${target.alias} is longer than ${MAX_HOPS} hops`);
  return [...before, ...hops];
}

function channelTo(prev: Client, via: string, hop: Hop, signal: AbortSignal): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const failed = (err: Error): WarrenError =>
      new WarrenError(ErrorCode.ConnectionFailed, `jump host ${via} could not reach ${hop.alias} (${where(hop.host.hostname, hop.host.port)}): ${err.message}`, {
        host: hop.alias,
        via,
      });
    try {
      prev.forwardOut('127.0.0.1', 0, hop.host.hostname, hop.host.port, (err, ch) => {
        if (err) return reject(failed(err));
        // For the channel's whole life: the hop's ssh2 client reports what matters (it listens too).
        ch.on('error', () => undefined);
        resolve(ch);
      });
    } catch (e) {
      // ssh2 throws "Not connected" synchronously when the previous hop already died.
      reject(failed(e as Error));
    }
  });
}

export function createSshTransport(opts: SshTransportOptions): SshTransport {
  const offered = new Map<string, OfferedKey>();
  const lockedKey = new Map<string, string>();
  const passphrases = opts.passphrases ?? new Map<string, string>();
  const configPath = (): string => (typeof opts.sshConfigPath === 'function' ? opts.sshConfigPath() : opts.sshConfigPath);
  const load = (): Promise<SshConfigResolver> => SshConfigResolver.load(configPath(), opts.home !== undefined ? { home: opts.home } : {});

  async function connect(alias: string, signal: AbortSignal): Promise<Link> {
    const cfg = await load();
    const target = cfg.resolve(alias);
    if (!cfg.listHosts().includes(alias) && !target.explicitHostName)
      throw new WarrenError(ErrorCode.HostNotFound, `host ${alias} is not in ${configPath()} (or its Includes)`, { host: alias });
    if (target.proxyCommand)
      throw new WarrenError(ErrorCode.ConnectionFailed, `${alias} uses ProxyCommand, which Warren does not run; use ProxyJump instead`, { host: alias });
    const hops: Hop[] = [...jumpChain(cfg, target), { alias, host: target }];
    const clients: Client[] = [];
    // Until the Link owns them, an established hop that fails must neither crash the process (an
    // 'error' with no listener throws) nor go unnoticed.
    let setupLoss: Error | undefined;
    const guard = (c: Client): void => {
      c.on('error', (err: Error) => (setupLoss ??= err));
      c.on('close', () => (setupLoss ??= new Error(`connection closed while connecting ${alias}`)));
    };
    try {
      for (const hop of hops) {
        if (signal.aborted) throw abortError(signal);
        const prev = clients[clients.length - 1];
        // Files first, channel last: the channel then goes straight to the hop's ssh2 client,
        // which listens for its errors, with no await in between.
        const [knownHosts, plan] = await Promise.all([KnownHosts.load(hop.host.userKnownHostsFiles), planIdentities(hop.host, passphrases, opts.env)]);
        const sock = prev ? await channelTo(prev, hops[clients.length - 1]?.alias ?? '', hop, signal) : undefined;
        try {
          const client = await connectHop({
            alias: hop.alias,
            host: hop.host,
            knownHosts,
            plan,
            signal,
            log: opts.log,
            ...(sock ? { sock } : {}),
            onUnknownKey: (o) => {
              offered.set(hop.alias, o);
              offered.set(alias, o);
            },
          });
          guard(client);
          clients.push(client);
        } catch (e) {
          if (e instanceof WarrenError && e.code === ErrorCode.PassphraseRequired) {
            const keyPath = (e.data as { key_path: string }).key_path;
            lockedKey.set(alias, keyPath);
            lockedKey.set(hop.alias, keyPath);
          }
          throw e;
        }
      }
      if (setupLoss) throw new WarrenError(ErrorCode.ConnectionFailed, `connection to ${alias} lost while connecting: ${setupLoss.message}`, { host: alias });
    } catch (e) {
      for (const c of clients.reverse()) c.end();
      // A stop (or a shutdown) while connecting is not a failure of the host.
      if (signal.aborted) opts.log.info({ host: alias }, 'ssh connect cancelled');
      else opts.log.warn({ host: alias, err: (e as Error).message, code: (e as WarrenError).code }, 'ssh connect failed');
      throw e;
    }
    opts.log.info({ host: alias, hops: hops.slice(0, -1).map((h) => h.alias), address: where(target.hostname, target.port, target.user) }, 'ssh connected');
    return new SshLink(`ssh:${alias}`, alias, clients);
  }

  async function trustHost(alias: string, fp?: string): Promise<HostKeyInfo> {
    const o = offered.get(alias);
    if (!o)
      throw new WarrenError(ErrorCode.InvalidParams, `no unknown host key was offered by ${alias}: connect to it first, then trust the key it offers`, { host: alias });
    if (fp !== undefined && fp !== o.info.fingerprint)
      throw new WarrenError(ErrorCode.InvalidParams, `${alias} offered ${o.info.fingerprint}, not ${fp}: nothing recorded`, o.info);
    const file = o.info.known_hosts_file;
    if (!file) throw new WarrenError(ErrorCode.InvalidParams, `${alias} has no UserKnownHostsFile to record the key in`, o.info);
    await appendKnownHost(file, o.recordAs.host, o.recordAs.port, o.key);
    for (const [k, v] of offered) if (v === o) offered.delete(k);
    opts.log.info({ host: o.info.host, fingerprint: o.info.fingerprint, file }, 'host key trusted');
    return o.info;
  }

  async function unlock(alias: string, passphrase: string): Promise<{ host: string; key_path: string }> {
    const cfg = await load();
    const target = cfg.resolve(alias);
    const candidates = [lockedKey.get(alias), ...[...jumpChain(cfg, target).map((h) => h.host), target].flatMap((h) => h.identityFilesOrDefault)];
    const encrypted: string[] = [];
    for (const file of new Set(candidates.filter((f): f is string => f !== undefined))) {
      let data: Buffer;
      try {
        data = await fs.readFile(file);
      } catch {
        continue;
      }
      if (tryParseKey(data) !== 'encrypted') continue;
      encrypted.push(file);
      if (tryParseKey(data, passphrase) === 'ok') {
        passphrases.set(file, passphrase);
        lockedKey.delete(alias);
        return { host: alias, key_path: file };
      }
    }
    if (encrypted.length === 0) throw new WarrenError(ErrorCode.InvalidParams, `${alias} has no encrypted identity file to unlock`, { host: alias });
    throw new WarrenError(ErrorCode.AuthenticationFailed, `the passphrase does not decrypt ${encrypted.join(', ')}`, { host: alias, key_path: encrypted[0] });
  }

  return {
    connect,
    trustHost,
    unlock,
    unlockHost: unlock,
    inspect: async (alias) => hostSummary((await load()).resolve(alias)),
    listHosts: async () => (await load()).listHosts(),
  };
}
