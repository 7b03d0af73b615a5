// ssh-like forward specs (`-L 8080:localhost:80`, `-R 9000:localhost:3000`, `-D 1080`) to and from
// the fields of a forward rule. Pure, so the parser can be property-tested against the formatter.
import type { ForwardType } from '../../src-shared/api/index.js';

export type ForwardFields =
  | { type: 'local'; local_port: number; remote_host: string; remote_port: number }
  | { type: 'remote'; local_port: number; remote_port: number; remote_host?: string }
  | { type: 'dynamic'; local_port: number };

export type SpecFlag = '-L' | '-R' | '-D';

/** A spec the user typed that cannot be a forward; the message says what was expected. */
export class ForwardSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardSpecError';
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

export function parsePort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new ForwardSpecError(`${what} must be a number from 1 to 65535, got "${text}"`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new ForwardSpecError(`${what} must be from 1 to 65535, got ${n}`);
  return n;
}

/** Split on ':' but keep bracketed IPv6 literals ("[::1]") whole, without their brackets. */
export function splitSpec(spec: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i <= spec.length) {
    if (spec[i] === '[') {
      const close = spec.indexOf(']', i);
      if (close < 0) throw new ForwardSpecError(`unclosed "[" in "${spec}"`);
      parts.push(spec.slice(i + 1, close));
      i = close + 1;
      if (i < spec.length && spec[i] !== ':') throw new ForwardSpecError(`expected ":" after "]" in "${spec}"`);
      i += 1;
      continue;
    }
    const next = spec.indexOf(':', i);
    const end = next < 0 ? spec.length : next;
    parts.push(spec.slice(i, end));
    i = end + 1;
  }
  return parts;
}

function checkHost(host: string, what: string): string {
  if (host === '' || /[\s/[\]]/.test(host)) throw new ForwardSpecError(`${what} "${host}" is not a host name or address`);
  return host;
}

/** Parse the argument of -L, -R or -D. */
export function parseForwardSpec(flag: SpecFlag, spec: string): ForwardFields {
  const parts = splitSpec(spec.trim());
  if (flag === '-D') {
    if (parts.length !== 1) throw new ForwardSpecError(`-D takes a local port, like "-D 1080" (got "${spec}")`);
    return { type: 'dynamic', local_port: parsePort(parts[0] ?? '', 'the SOCKS port') };
  }
  if (flag === '-L') {
    if (parts.length === 4)
      throw new ForwardSpecError(`Warren binds local forwards to 127.0.0.1; drop the bind address ("${parts.slice(1).join(':')}")`);
    if (parts.length !== 3) throw new ForwardSpecError(`-L takes local_port:remote_host:remote_port, like "-L 8080:localhost:80" (got "${spec}")`);
    const [lp, host, rp] = parts as [string, string, string];
    return {
      type: 'local',
      local_port: parsePort(lp, 'the local port'),
      remote_host: checkHost(host, 'the remote host'),
      remote_port: parsePort(rp, 'the remote port'),
    };
  }
  // -R [bind_address:]remote_port:local_host:local_port. The server listens; connections come back
  // to this machine, and Warren only delivers them to loopback.
  if (parts.length !== 3 && parts.length !== 4)
    throw new ForwardSpecError(`-R takes [bind_address:]remote_port:localhost:local_port, like "-R 9000:localhost:3000" (got "${spec}")`);
  const bind = parts.length === 4 ? checkHost(parts[0] ?? '', 'the remote bind address') : undefined;
  const [rp, target, lp] = parts.slice(-3) as [string, string, string];
  if (!LOOPBACK.has(target))
    throw new ForwardSpecError(`remote forwards deliver to this machine only: use localhost, 127.0.0.1 or [::1] instead of "${target}"`);
  const fields: ForwardFields = { type: 'remote', remote_port: parsePort(rp, 'the remote port'), local_port: parsePort(lp, 'the local port') };
  if (bind !== undefined) fields.remote_host = bind;
  return fields;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The spec (flag and argument) that parseForwardSpec turns back into these fields. */
export function formatForwardSpec(fields: ForwardFields): { flag: SpecFlag; spec: string } {
  switch (fields.type) {
    case 'dynamic':
      return { flag: '-D', spec: String(fields.local_port) };
    case 'local':
      return { flag: '-L', spec: `${fields.local_port}:${bracket(fields.remote_host)}:${fields.remote_port}` };
    case 'remote': {
      const bind = fields.remote_host !== undefined ? `${bracket(fields.remote_host)}:` : '';
      return { flag: '-R', spec: `${bind}${fields.remote_port}:localhost:${fields.local_port}` };
    }
  }
}

/** Short human description for tables: "8080 → localhost:80", "remote 9000 → 3000", "SOCKS 1080". */
export function describeForward(f: { type: ForwardType; local_port: number; remote_host?: string; remote_port?: number }): string {
  if (f.type === 'dynamic') return `SOCKS :${f.local_port}`;
  if (f.type === 'local') return `:${f.local_port} → ${bracket(f.remote_host ?? '?')}:${f.remote_port ?? '?'}`;
  return `${bracket(f.remote_host ?? 'localhost')}:${f.remote_port ?? '?'} (remote) → :${f.local_port}`;
}

export interface ExplicitForwardOptions {
  type?: string;
  localPort?: string;
  remoteHost?: string;
  remotePort?: string;
}

/** Build fields from --type/--local-port/--remote-host/--remote-port (the non-ssh spelling). */
export function fieldsFromOptions(o: ExplicitForwardOptions): ForwardFields {
  if (o.type !== 'local' && o.type !== 'remote' && o.type !== 'dynamic')
    throw new ForwardSpecError(`--type must be local, remote or dynamic${o.type === undefined ? ' (or give -L, -R or -D)' : `, got "${o.type}"`}`);
  if (o.localPort === undefined) throw new ForwardSpecError('--local-port is required');
  const local_port = parsePort(o.localPort, '--local-port');
  if (o.type === 'dynamic') {
    if (o.remoteHost !== undefined || o.remotePort !== undefined)
      throw new ForwardSpecError('a dynamic forward takes no --remote-host or --remote-port');
    return { type: 'dynamic', local_port };
  }
  if (o.remotePort === undefined) throw new ForwardSpecError(`a ${o.type} forward needs --remote-port`);
  const remote_port = parsePort(o.remotePort, '--remote-port');
  if (o.type === 'local') {
    if (o.remoteHost === undefined) throw new ForwardSpecError('a local forward needs --remote-host');
    return { type: 'local', local_port, remote_host: checkHost(o.remoteHost, '--remote-host'), remote_port };
  }
  const fields: ForwardFields = { type: 'remote', local_port, remote_port };
  if (o.remoteHost !== undefined) fields.remote_host = checkHost(o.remoteHost, '--remote-host');
  return fields;
}
