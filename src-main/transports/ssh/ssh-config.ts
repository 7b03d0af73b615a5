// Resolves a host alias from ~/.ssh/config the way OpenSSH does (checked against `ssh -G` by a
// property test): Host/Match blocks apply in file order, the first value
// obtained for an option wins, IdentityFile accumulates, Include is followed where it appears.
import os from 'node:os';
import { filesOf, loadConfigFile, type ConfigEntry, type ConfigFile } from './ssh-config-file.js';
import { expandTokens, isConcreteAlias, matchHostPatterns, matchPatternList, parseJumpSpec, type JumpSpec } from './ssh-patterns.js';

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

export interface ResolvedHost {
  /** The alias as asked for. */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /** IdentityFile values, expanded (`~`, %d %u %h %r %p %n %l), in order, duplicates dropped. */
  identityFiles: string[];
  /** identityFiles, or OpenSSH's defaults (~/.ssh/id_ed25519, id_ecdsa, id_rsa) when none given. */
  identityFilesOrDefault: string[];
  /** ProxyJump hops as written (empty for none). */
  proxyJump: JumpSpec[];
  /** Set when ProxyCommand won over ProxyJump (Warren does not run proxy commands). */
  proxyCommand: string | undefined;
  serverAliveInterval: number;
  serverAliveCountMax: number;
  userKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  identitiesOnly: boolean;
  /** Seconds; undefined means the system default. */
  connectTimeout: number | undefined;
  /** HostKeyAlias: the name looked up in known_hosts instead of hostname. */
  hostKeyAlias: string | undefined;
  /** Whether a HostName option applied (a pattern block can make an unlisted alias connectable). */
  explicitHostName: boolean;
}

export interface ResolverOptions {
  /** What `~` and %d mean (default: the OS home). */
  home?: string;
  /** %u and the default User (default: the current user). */
  localUser?: string;
}

/** Options whose first obtained value wins (lowercase names). */
const SCALARS = new Set([
  'hostname',
  'port',
  'user',
  'serveraliveinterval',
  'serveralivecountmax',
  'stricthostkeychecking',
  'identitiesonly',
  'connecttimeout',
  'hostkeyalias',
]);

function yesNo(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return ['yes', 'true'].includes(v.toLowerCase());
}

function intOption(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`ssh config: bad ${name} "${v}"`);
  return n;
}

function strictOption(v: string | undefined): StrictHostKeyChecking {
  switch (v?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'false':
    case 'off':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

interface Collected {
  scalars: Map<string, string>;
  identityFiles: string[];
  knownHosts: string[] | undefined;
  /** "none", a hop list, or a ProxyCommand: whichever came first. */
  proxy: { kind: 'jump'; value: string } | { kind: 'command'; value: string } | undefined;
}

export class SshConfigResolver {
  private constructor(
    private readonly root: ConfigFile,
    private readonly home: string,
    private readonly localUser: string,
  ) {}

  static async load(file: string, opts: ResolverOptions = {}): Promise<SshConfigResolver> {
    const home = opts.home ?? os.homedir();
    const localUser = opts.localUser ?? os.userInfo().username;
    return new SshConfigResolver(await loadConfigFile(file, { home, localUser }), home, localUser);
  }

  /** The config file and every file it Includes. */
  get files(): string[] {
    return filesOf(this.root);
  }

  /** Concrete Host aliases (no wildcards or negation) across the config and its Includes, in order. */
  listHosts(): string[] {
    const out = new Set<string>();
    const walk = (f: ConfigFile): void => {
      for (const e of f.entries) {
        if (e.kind === 'host') for (const p of e.patterns) if (isConcreteAlias(p)) out.add(p);
        if (e.kind === 'include') e.files.forEach(walk);
      }
    };
    walk(this.root);
    return [...out];
  }

  resolve(alias: string): ResolvedHost {
    // Patterns match the alias as typed (case-sensitive); the final HostName is lowercased, as
    // `ssh -G` shows (ssh.c lowercases the host after expanding %h).
    const host = alias;
    const c: Collected = { scalars: new Map(), identityFiles: [], knownHosts: undefined, proxy: undefined };
    this.walk(this.root.entries, host, c, true);
    const s = c.scalars;
    const hostname = (
      s.has('hostname') ? expandTokens(s.get('hostname') as string, { home: this.home, localUser: this.localUser, host }) : host
    ).toLowerCase();
    const port = intOption('Port', s.get('port'), 22, 1, 65535);
    const user = s.get('user') ?? this.localUser;
    const tokens = { home: this.home, localUser: this.localUser, host: hostname, remoteUser: user, port, alias, localHost: os.hostname().split('.')[0] as string };
    const identityFiles = c.identityFiles.map((f) => expandTokens(f, tokens));
    const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => `${this.home}/.ssh/${n}`);
    const jump = c.proxy?.kind === 'jump' && c.proxy.value.toLowerCase() !== 'none' ? c.proxy.value : undefined;
    return {
      alias,
      hostname,
      port,
      user,
      identityFiles,
      identityFilesOrDefault: identityFiles.length ? identityFiles : defaults,
      proxyJump: jump ? jump.split(',').map(parseJumpSpec) : [],
      proxyCommand: c.proxy?.kind === 'command' && c.proxy.value.toLowerCase() !== 'none' ? c.proxy.value : undefined,
      serverAliveInterval: intOption('ServerAliveInterval', s.get('serveraliveinterval'), 0, 0, 2 ** 31 - 1),
      serverAliveCountMax: intOption('ServerAliveCountMax', s.get('serveralivecountmax'), 3, 0, 2 ** 31 - 1),
      userKnownHostsFiles: (c.knownHosts ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map((f) => expandTokens(f, tokens)),
      strictHostKeyChecking: strictOption(s.get('stricthostkeychecking')),
      identitiesOnly: yesNo(s.get('identitiesonly'), false),
      connectTimeout: s.has('connecttimeout') ? intOption('ConnectTimeout', s.get('connecttimeout'), 0, 0, 2 ** 31 - 1) : undefined,
      hostKeyAlias: s.get('hostkeyalias'),
      explicitHostName: s.has('hostname'),
    };
  }

  /**
   * Apply entries in order. `active` is whether options currently apply; an Included file starts
   * with the includer's state and cannot turn matching on when included from an inactive block
   * (OpenSSH's SSHCONF_NEVERMATCH); the includer's state is restored afterwards.
   */
  private walk(entries: readonly ConfigEntry[], host: string, c: Collected, startActive: boolean): void {
    const neverMatch = !startActive;
    let active = startActive;
    for (const e of entries) {
      switch (e.kind) {
        case 'host':
          active = !neverMatch && matchHostPatterns(host, e.patterns);
          break;
        case 'match':
          active = !neverMatch && this.matchCriteria(e.args, host, c);
          break;
        case 'include':
          for (const f of e.files) this.walk(f.entries, host, c, active);
          break;
        case 'option':
          if (active) this.apply(e.key, e.args, c);
          break;
      }
    }
  }

  private apply(key: string, args: string[], c: Collected): void {
    const first = args[0];
    if (first === undefined) return;
    if (SCALARS.has(key)) {
      if (!c.scalars.has(key)) c.scalars.set(key, first);
    } else if (key === 'identityfile') {
      // OpenSSH drops an exact duplicate (readconf.c add_identity_file).
      if (!c.identityFiles.includes(first)) c.identityFiles.push(first);
    } else if (key === 'userknownhostsfile') {
      c.knownHosts ??= args;
    } else if (key === 'proxyjump') {
      c.proxy ??= { kind: 'jump', value: first };
    } else if (key === 'proxycommand') {
      c.proxy ??= { kind: 'command', value: args.join(' ') };
    }
  }

  /** Match criteria Warren can evaluate safely; `exec`, `canonical`, `final` never match (no shell). */
  private matchCriteria(args: string[], host: string, c: Collected): boolean {
    if (args.length === 1 && args[0]?.toLowerCase() === 'all') return true;
    const hostnameSoFar = c.scalars.has('hostname')
      ? expandTokens(c.scalars.get('hostname') as string, { home: this.home, localUser: this.localUser, host })
      : host;
    for (let i = 0; i < args.length; i++) {
      let crit = (args[i] as string).toLowerCase();
      const negate = crit.startsWith('!');
      if (negate) crit = crit.slice(1);
      if (crit === 'all') continue;
      const arg = args[++i];
      if (arg === undefined) return false;
      const ok =
        crit === 'host'
          ? matchPatternList(hostnameSoFar, arg)
          : crit === 'originalhost'
            ? matchPatternList(host, arg)
            : crit === 'user'
              ? matchPatternList(c.scalars.get('user') ?? this.localUser, arg)
              : crit === 'localuser'
                ? matchPatternList(this.localUser, arg)
                : undefined;
      if (ok === undefined) return false; // exec, canonical, final, tagged…: never run, never matched
      if (ok === negate) return false;
    }
    return true;
  }
}

/** The fields `host.list` shows for a resolved host. */
export function hostSummary(r: ResolvedHost): { name: string; hostname: string; port: number; user: string; identity_file: string[]; proxy_jump: string[] } {
  return {
    name: r.alias,
    hostname: r.hostname,
    port: r.port,
    user: r.user,
    identity_file: r.identityFiles,
    proxy_jump: r.proxyJump.map((j) => j.raw),
  };
}
