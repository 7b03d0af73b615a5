// Reads an ssh config file into a flat list of entries, with `Include` expanded (globs, `~`, and
// relative paths taken from ~/.ssh as OpenSSH does for user configs). The `ssh-config` package
// does the lexing (quotes, `Key=Value`, comments); it has no Include support, so that lives here.
import fs from 'node:fs/promises';
import path from 'node:path';
import { LineType, parse, type Line } from 'ssh-config';
import { SSH_FILE_MAX_BYTES } from '../../../src-shared/logic/parse-limits.js';
import { readTextFileBounded } from '../../parse/bounded-file.js';
import { expandTokens, matchPattern, type TokenValues } from './ssh-patterns.js';
import { checkTrustedConfigFile } from '../../fs/private-path.js';

export type ConfigEntry =
  | { kind: 'host'; patterns: string[]; file: string }
  | { kind: 'match'; args: string[]; file: string }
  | { kind: 'option'; key: string; args: string[]; file: string }
  | { kind: 'include'; spec: string; files: ConfigFile[] };

export interface ConfigFile {
  path: string;
  entries: ConfigEntry[];
}

/** OpenSSH's READCONF_MAX_DEPTH: stops Include loops. */
const MAX_DEPTH = 16;

function argsOf(value: string | ReadonlyArray<{ val: string }>): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return value.map((v) => v.val);
}

/** Expand a glob whose wildcards (`*`, `?`) may sit in any path segment; sorted like glob(3). */
export async function expandGlob(pattern: string): Promise<string[]> {
  const segments = pattern.split('/');
  let bases = [segments[0] === '' ? '/' : (segments[0] as string)];
  for (const seg of segments.slice(1)) {
    if (seg === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?]/.test(seg)) {
        next.push(path.join(base, seg));
        continue;
      }
      let names: string[];
      try {
        names = await fs.readdir(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (matchPattern(name, seg)) next.push(path.join(base, name));
      }
    }
    bases = next;
  }
  const out: string[] = [];
  for (const p of bases) {
    try {
      if ((await fs.stat(p)).isFile()) out.push(p);
    } catch {
      // a non-matching literal path: OpenSSH ignores Include targets that do not exist
    }
  }
  return out;
}

export interface LoadOptions {
  /** Directory that `~` and %d mean, and whose .ssh holds relative Includes. */
  home: string;
  localUser: string;
}

/** Resolve one Include argument to an absolute glob pattern. */
export function includePattern(spec: string, opts: LoadOptions): string {
  const tokens: TokenValues = { home: opts.home, localUser: opts.localUser };
  const expanded = expandTokens(spec, tokens);
  return path.isAbsolute(expanded) ? expanded : path.join(opts.home, '.ssh', expanded);
}

async function loadDepth(file: string, opts: LoadOptions, depth: number, seen: Set<string>): Promise<ConfigFile> {
  if (depth > MAX_DEPTH) throw new Error(`ssh config: Include nested more than ${MAX_DEPTH} deep at ${file}`);
  // As OpenSSH judges ~/.ssh/config: owned by the user (or root), writable by no one else.
  await checkTrustedConfigFile(file, 'the ssh config');
  const text = await readTextFileBounded(file, SSH_FILE_MAX_BYTES, `ssh config ${file}`);
  let lines: Line[];
  try {
    lines = parse(text);
  } catch (e) {
    throw new Error(`ssh config ${file}: ${(e as Error).message}`, { cause: e });
  }
  const entries: ConfigEntry[] = [];
  const visit = async (line: Line): Promise<void> => {
    if (line.type !== LineType.DIRECTIVE) return; // comments and blank lines
    const key = line.param.toLowerCase();
    const args = argsOf(line.value);
    if (key === 'host') entries.push({ kind: 'host', patterns: args, file });
    else if (key === 'match') entries.push({ kind: 'match', args, file });
    else if (key === 'include') {
      for (const spec of args) {
        const files: ConfigFile[] = [];
        for (const target of await expandGlob(includePattern(spec, opts))) {
          // A file including itself (directly or not) would recurse until MAX_DEPTH; skip instead.
          if (seen.has(target)) continue;
          files.push(await loadDepth(target, opts, depth + 1, new Set([...seen, target])));
        }
        entries.push({ kind: 'include', spec, files });
      }
    } else entries.push({ kind: 'option', key, args, file });
    if ('config' in line) for (const child of line.config) await visit(child);
  };
  for (const line of lines) await visit(line);
  return { path: file, entries };
}

/** A missing config file is an empty one (as for OpenSSH without ~/.ssh/config). */
export async function loadConfigFile(file: string, opts: LoadOptions): Promise<ConfigFile> {
  const abs = path.resolve(file);
  try {
    return await loadDepth(abs, opts, 0, new Set([abs]));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: abs, entries: [] };
    throw e;
  }
}

/** Every file read (the config and its Includes), for change watching and messages. */
export function filesOf(cfg: ConfigFile): string[] {
  const out = [cfg.path];
  for (const e of cfg.entries) if (e.kind === 'include') for (const f of e.files) out.push(...filesOf(f));
  return out;
}
