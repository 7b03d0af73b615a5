// OpenSSH's pattern and token rules, reimplemented exactly: the `ssh-config` package's glob maps
// `?` to "zero or one character" (OpenSSH: exactly one) and splits Host lines on commas (OpenSSH:
// only whitespace), so resolving with it would disagree with `ssh -G`.

/** OpenSSH match_pattern(): `*` any run (also empty), `?` exactly one character, case-sensitive. */
export function matchPattern(text: string, pattern: string): boolean {
  // Iterative wildcard match with backtracking to the last `*` (linear-ish, no regex building).
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * A Host line's patterns (whitespace separated): matches when some positive pattern matches and no
 * negated one does (a negated match rejects the whole line, as in OpenSSH).
 */
export function matchHostPatterns(host: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pat of patterns) {
    if (pat.startsWith('!')) {
      if (matchPattern(host, pat.slice(1))) return false;
    } else if (matchPattern(host, pat)) {
      matched = true;
    }
  }
  return matched;
}

/** A comma-separated pattern list (Match host a,b,!c): OpenSSH match_pattern_list(). */
export function matchPatternList(text: string, list: string): boolean {
  return matchHostPatterns(text, list.split(','));
}

/** True when a Host pattern names exactly one host (no wildcard, no negation): a listable alias. */
export function isConcreteAlias(pattern: string): boolean {
  return !/[*?!]/.test(pattern);
}

export interface TokenValues {
  /** %d: local home directory */
  home: string;
  /** %u: local user */
  localUser: string;
  /** %h: remote host name */
  host?: string;
  /** %r: remote user */
  remoteUser?: string;
  /** %p: remote port */
  port?: number;
  /** %n: the alias as given */
  alias?: string;
  /** %l: local host name */
  localHost?: string;
}

/**
 * Expand `~` (leading) and %-tokens as ssh_config(5) describes. Unknown tokens are kept verbatim
 * rather than failing: the path will then simply not exist, which the caller reports.
 */
export function expandTokens(value: string, v: TokenValues): string {
  let s = value;
  if (s === '~') s = v.home;
  else if (s.startsWith('~/')) s = v.home + s.slice(1);
  return s.replace(/%(.)/g, (whole, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return v.home;
      case 'u':
        return v.localUser;
      case 'h':
        return v.host ?? whole;
      case 'r':
        return v.remoteUser ?? whole;
      case 'p':
        return v.port !== undefined ? String(v.port) : whole;
      case 'n':
        return v.alias ?? whole;
      case 'l':
        return v.localHost ?? whole;
      default:
        return whole;
    }
  });
}

export interface JumpSpec {
  /** The hop as OpenSSH prints it (`[user@]host[:port]`). */
  raw: string;
  user?: string;
  host: string;
  port?: number;
}

/** One ProxyJump hop: `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://[user@]host[:port]`. */
export function parseJumpSpec(raw: string): JumpSpec {
  let s = raw.trim();
  if (s.startsWith('ssh://')) s = s.slice('ssh://'.length).replace(/\/$/, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1] as string;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const colon = s.lastIndexOf(':');
    // One colon means host:port; more than one is a bare IPv6 address.
    if (colon >= 0 && s.indexOf(':') === colon) {
      host = s.slice(0, colon);
      port = Number(s.slice(colon + 1));
    }
  }
  if (!host || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)))
    throw new Error(`invalid ProxyJump hop "${raw}": expected [user@]host[:port]`);
  // `raw` is the hop as `ssh -G` prints it: ssh:// URIs become [user@]host[:port].
  const hostPart = host.includes(':') && port !== undefined ? `[${host}]` : host;
  const norm = `${user !== undefined ? `${user}@` : ''}${hostPart}${port !== undefined ? `:${port}` : ''}`;
  return { raw: norm, host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}
