// Trust on first use for routers, like ssh's known_hosts: `$WARREN_HOME/known_routers` holds one
// `host:port SHA256:…` line per router (`[v6addr]:port` for IPv6; `#` comments and blank lines are
// kept as they are). A malformed line is an error rather than skipped: skipping it would make its
// router look "unknown" and let a first-use prompt replace a pin the user meant to keep.
import { isFingerprint } from './public-key-text.js';
import { readIfExists, writePrivateFile } from '../../../fs/private-file.js';

export type KnownRouterStatus = 'match' | 'unknown' | 'changed';

export interface KnownRouterCheck {
  status: KnownRouterStatus;
  /** For 'changed': the fingerprint on record. For 'match': the same as the one checked. */
  recorded?: string;
}

const HEADER = '# Conduit routers Warren has trusted: host:port SHA256:fingerprint (see `warren conduit keys`)\n';

/** `host:port`, or `[addr]:port` when the host is an IPv6 address. */
export function routerAddress(host: string, port: number): string {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}

/** The one spelling an address is stored under (host lower-cased, IPv6 bracketed); throws if malformed. */
export function normalizeRouterAddress(address: string): string {
  const a = address.trim();
  const m = /^\[([^\]\s[]+)\]:(\d{1,5})$/.exec(a) ?? /^([^\s:[\]#]+):(\d{1,5})$/.exec(a);
  if (!m) {
    if ((a.match(/:/g) ?? []).length > 1 && !a.startsWith('[')) throw new Error(`write an IPv6 router address as [addr]:port, not "${a}"`);
    throw new Error(`a router address is host:port, not "${a}"`);
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`router port out of range in "${a}"`);
  return routerAddress(m[1] ?? '', port);
}

interface Entry {
  /** 0-based index into the file's lines. */
  index: number;
  address: string;
  fingerprint: string;
}

function parse(file: string, text: string): { lines: string[]; entries: Entry[] } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const entries: Entry[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file} line ${index + 1}`;
    const fields = line.split(/\s+/);
    const [addr, fp, extra] = fields;
    if (!addr || !fp || (extra !== undefined && !extra.startsWith('#'))) {
      throw new Error(`${where} is not \`host:port SHA256:…\`; fix or delete that line`);
    }
    let address: string;
    try {
      address = normalizeRouterAddress(addr);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}; fix or delete that line`, { cause: e });
    }
    if (!isFingerprint(fp)) throw new Error(`${where}: "${fp.slice(0, 60)}" is not a SHA256:… fingerprint; fix or delete that line`);
    entries.push({ index, address, fingerprint: fp });
  });
  return { lines, entries };
}

function assertFingerprint(fp: string): void {
  if (!isFingerprint(fp)) throw new Error(`not a SHA256:… fingerprint: "${fp.slice(0, 60)}"`);
}

export function checkKnownRouter(file: string, address: string, fingerprint: string): KnownRouterCheck {
  assertFingerprint(fingerprint);
  const addr = normalizeRouterAddress(address);
  const text = readIfExists(file);
  if (text === undefined) return { status: 'unknown' };
  const mine = parse(file, text).entries.filter((e) => e.address === addr);
  if (mine.some((e) => e.fingerprint === fingerprint)) return { status: 'match', recorded: fingerprint };
  const first = mine[0];
  return first ? { status: 'changed', recorded: first.fingerprint } : { status: 'unknown' };
}

function rewrite(file: string, lines: string[]): void {
  writePrivateFile(file, lines.length ? `${lines.join('\n')}\n` : '');
}

/** Trust fingerprint for address from now on, replacing whatever was recorded for it. */
export function recordKnownRouter(file: string, address: string, fingerprint: string): void {
  assertFingerprint(fingerprint);
  const addr = normalizeRouterAddress(address);
  const text = readIfExists(file);
  const { lines, entries } = text === undefined ? { lines: [HEADER.trimEnd()], entries: [] } : parse(file, text);
  const mine = new Set(entries.filter((e) => e.address === addr).map((e) => e.index));
  const line = `${addr} ${fingerprint}`;
  const out: string[] = [];
  let placed = false;
  lines.forEach((l, i) => {
    if (!mine.has(i)) out.push(l);
    else if (!placed) {
      out.push(line);
      placed = true;
    }
  });
  if (!placed) out.push(line);
  rewrite(file, out);
}

/** Remove address's lines. Returns whether there were any. */
export function forgetKnownRouter(file: string, address: string): boolean {
  const addr = normalizeRouterAddress(address);
  const text = readIfExists(file);
  if (text === undefined) return false;
  const { lines, entries } = parse(file, text);
  const mine = new Set(entries.filter((e) => e.address === addr).map((e) => e.index));
  if (mine.size === 0) return false;
  rewrite(file, lines.filter((_, i) => !mine.has(i)));
  return true;
}
