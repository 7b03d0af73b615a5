// Connects one SSH hop: TCP (or a channel through the previous hop), host key check against
// known_hosts, then authentication. Every failure becomes a WarrenError with the API's code.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, type ServerHostKeyAlgorithm } from 'ssh2';
import { ErrorCode, WarrenError, type HostKeyInfo } from '../../../src-shared/api/index.js';
import { appendKnownHost, fingerprint, keyTypeOf, knownHostName, type KnownHosts } from './known-hosts.js';
import type { ResolvedHost } from './ssh-config.js';
import { abortError, connectionFailed, where } from './ssh-errors.js';
import { authHandlerFor, type IdentityPlan } from './ssh-identities.js';

export interface OfferedKey {
  info: HostKeyInfo;
  key: Buffer;
  /** Name and port the key is recorded under (HostKeyAlias, or hostname:port). */
  recordAs: { host: string; port: number };
}

export interface HopLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface HopParams {
  alias: string;
  host: ResolvedHost;
  knownHosts: KnownHosts;
  plan: IdentityPlan;
  signal: AbortSignal;
  /** A channel through the previous hop; absent for a direct TCP connection. */
  sock?: Duplex;
  /** Called when an unknown host key was refused, so trustHost() can record it later. */
  onUnknownKey(offered: OfferedKey): void;
  log: HopLog;
}

const HOST_KEY_ALGOS: readonly ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

const isHostKeyAlgo = (a: string): a is ServerHostKeyAlgorithm => (HOST_KEY_ALGOS as readonly string[]).includes(a);

/** Known key types first, so the server offers the key we can check (OpenSSH orders the same way). */
function hostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const out: ServerHostKeyAlgorithm[] = [];
  for (const t of knownTypes) {
    const algos = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of algos) if (isHostKeyAlgo(a) && !out.includes(a)) out.push(a);
  }
  return out;
}

function tcpConnect(h: ResolvedHost, alias: string, signal: AbortSignal): Promise<net.Socket> {
  const address = where(h.hostname, h.port);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: h.hostname, port: h.port });
    const timeoutMs = (h.connectTimeout ?? 15) * 1000;
    const timer = setTimeout(() => fail(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    const onAbort = (): void => fail(abortError(signal));
    const cleanup = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.off('error', fail);
    };
    function fail(err: Error): void {
      cleanup();
      sock.destroy();
      reject(signal.aborted ? abortError(signal) : connectionFailed(alias, address, err));
    }
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', fail);
    sock.once('connect', () => {
      cleanup();
      // Forwarded traffic is interactive more often than bulk; a dead peer should be noticed by the OS too.
      sock.setNoDelay(true);
      sock.setKeepAlive(true, 15_000);
      resolve(sock);
    });
  });
}

export async function connectHop(p: HopParams): Promise<Client> {
  const h = p.host;
  const address = where(h.hostname, h.port);
  if (p.signal.aborted) throw abortError(p.signal);
  const sock = p.sock ?? (await tcpConnect(h, p.alias, p.signal));
  const recordAs = h.hostKeyAlias ? { host: h.hostKeyAlias, port: 22 } : { host: h.hostname, port: h.port };
  const knownFile = h.userKnownHostsFiles[0] ?? '';
  let hostKeyError: WarrenError | undefined;
  const pendingAppends: Promise<unknown>[] = [];

  const hostVerifier = (key: Buffer): boolean => {
    const keyType = keyTypeOf(key);
    const info: HostKeyInfo = { host: p.alias, hostname: h.hostname, port: h.port, key_type: keyType, fingerprint: fingerprint(key), known_hosts_file: knownFile };
    const found = p.knownHosts.lookup(recordAs.host, recordAs.port, keyType, key);
    switch (found.status) {
      case 'match':
        return true;
      case 'revoked':
      case 'changed': {
        const e = found.entries[0];
        const at = e ? `${e.file} line ${e.line}` : knownFile;
        const name = knownHostName(recordAs.host, recordAs.port);
        hostKeyError = new WarrenError(
          ErrorCode.HostKeyChanged,
          found.status === 'revoked'
            ? `${p.alias} (${address}) offered a REVOKED ${keyType} host key ${info.fingerprint} (marked @revoked in ${at}); refusing to connect.`
            : `HOST KEY CHANGED for ${p.alias} (${address}): it now offers ${keyType} ${info.fingerprint}, but ${at} holds a different key. ` +
              `This may be an attack; if the change is expected, remove that line (ssh-keygen -R '${name}' -f ${e?.file ?? knownFile}) and trust the host again.`,
          { ...info, known_hosts_file: e?.file ?? knownFile },
        );
        return false;
      }
      case 'unknown':
        if (h.strictHostKeyChecking === 'no' || h.strictHostKeyChecking === 'accept-new') {
          // OpenSSH adds the new key in both modes; a *changed* key is never accepted (above).
          p.log.warn({ host: p.alias, fingerprint: info.fingerprint, file: knownFile }, 'accepting unknown host key (StrictHostKeyChecking)');
          if (knownFile) pendingAppends.push(appendKnownHost(knownFile, recordAs.host, recordAs.port, key).catch(() => undefined));
          return true;
        }
        p.onUnknownKey({ info, key, recordAs });
        hostKeyError = new WarrenError(
          ErrorCode.HostKeyUnknown,
          `the host key of ${p.alias} (${address}) is not known: ${keyType} ${info.fingerprint}. Check it out of band, then trust it (warren host trust ${p.alias}).`,
          info,
        );
        return false;
    }
  };

  const client = new Client();
  const tried: string[] = [];
  return new Promise<Client>((resolve, reject) => {
    let state: 'connecting' | 'given-up' | 'ready' = 'connecting';
    const onAbort = (): void => fail(abortError(p.signal));
    const finish = (next: 'given-up' | 'ready'): void => {
      state = next;
      p.signal.removeEventListener('abort', onAbort);
      client.off('close', onEarlyClose);
    };
    function fail(err: Error): void {
      if (state !== 'connecting') return;
      finish('given-up');
      client.end();
      sock.destroy();
      reject(p.signal.aborted ? abortError(p.signal) : classify(err));
    }
    // This listener stays for the client's whole life: ssh2 still emits 'error' after we gave up on
    // it (e.g. "Connection lost before handshake" when the socket closes after an abort or a
    // timeout), and an 'error' nobody listens to kills the process. Once ready, the link's owner
    // listens too and handles it; a client we gave up on has nothing left to tell.
    client.on('error', (err: Error) => {
      if (state === 'connecting') fail(err);
      else if (state === 'given-up') p.log.info({ host: p.alias, err: err.message }, 'ssh client error after the connect was given up (ignored)');
    });
    const onEarlyClose = (): void => fail(new Error('connection closed during the SSH handshake'));
    const classify = (err: Error & { level?: string }): WarrenError => {
      if (hostKeyError) return hostKeyError;
      if (err.level === 'client-authentication') return authError();
      if (err.level === 'client-timeout') return connectionFailed(p.alias, address, new Error('SSH handshake timed out'));
      return connectionFailed(p.alias, address, err);
    };
    const authError = (): WarrenError => {
      const locked = p.plan.locked[0];
      if (locked)
        return new WarrenError(
          ErrorCode.PassphraseRequired,
          `identity file ${locked.path} is encrypted: supply its passphrase with \`warren host unlock ${p.alias}\`` +
            (locked.wrongPassphrase ? ' (the passphrase given before did not decrypt it)' : '') +
            (tried.length ? `; the other keys were refused (${tried.join(', ')})` : ''),
          { key_path: locked.path },
        );
      const skipped = p.plan.skipped.map((s) => `${s.path}: ${s.reason}`);
      return new WarrenError(
        ErrorCode.AuthenticationFailed,
        `authentication failed for ${where(h.hostname, h.port, h.user)} (${p.alias}): tried ${tried.length ? tried.join(', ') : 'no keys'}` +
          (skipped.length ? `; unusable: ${skipped.join('; ')}` : '') +
          '. Check IdentityFile in the ssh config and the server\'s authorized_keys.',
        { host: p.alias, user: h.user, keys_tried: tried },
      );
    };
    p.signal.addEventListener('abort', onAbort, { once: true });
    client.once('close', onEarlyClose);
    client.once('ready', () => {
      if (state !== 'connecting') return;
      finish('ready');
      void Promise.all(pendingAppends).then(() => resolve(client));
    });
    const known = hostKeyAlgorithms(p.knownHosts.knownKeyTypes(recordAs.host, recordAs.port));
    try {
      client.connect({
        sock,
        username: h.user,
        authHandler: authHandlerFor(p.plan, tried),
        hostVerifier,
        readyTimeout: (h.connectTimeout ?? 20) * 1000,
        keepaliveInterval: h.serverAliveInterval * 1000,
        keepaliveCountMax: h.serverAliveCountMax,
        ...(known.length ? { algorithms: { serverHostKey: { remove: known, prepend: known, append: [] } } } : {}),
      });
    } catch (e) {
      fail(e as Error);
    }
  });
}
