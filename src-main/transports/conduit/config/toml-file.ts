// Reading a TOML configuration file with errors a person can act on: a missing file says how to
// make one, a syntax error gives line and column and shows the spot.
import os from 'node:os';
import path from 'node:path';
import { TomlError, parse } from 'smol-toml';
import { TOML_FILE_LIMITS, ParseLimitError, depthError } from '../../../../src-shared/logic/parse-limits.js';
import { readTextFileBounded } from '../../../parse/bounded-file.js';
import { conduitConfigError } from './config-error.js';

export type TomlTable = Record<string, unknown>;

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The parsed document. `label` is how the file is named in messages (the path as the user typed
 * it); `missingHint` ends the "no such file" message, e.g. "create one or pass -f".
 */
export async function readTomlFile(file: string, label: string, missingHint: string): Promise<TomlTable> {
  let text: string;
  try {
    // Bounded: /dev/zero or a huge file must not fill memory (a router's client list may be long).
    text = await readTextFileBounded(file, TOML_FILE_LIMITS.maxBytes, label);
  } catch (e) {
    if (e instanceof ParseLimitError) throw conduitConfigError([e.message]);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw conduitConfigError([`no such file: ${file}; ${missingHint}`]);
    if (code === 'EISDIR') throw conduitConfigError([`${label} is a folder, not a TOML file`]);
    throw conduitConfigError([`cannot read ${label}: ${(e as Error).message}`]);
  }
  try {
    // smol-toml counts nesting itself and stops at maxDepth (its default is 1000; a config needs 3).
    return parse(text, { maxDepth: TOML_FILE_LIMITS.maxDepth });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    if (/excessively nested/.test(e.message)) throw conduitConfigError([depthError(label, TOML_FILE_LIMITS.maxDepth, ` (line ${e.line})`).message]);
    const [first = '', ...shown] = e.message.split('\n');
    const reason = first.replace(/^Invalid TOML document:\s*/, '');
    const spot = shown.filter((l) => l.trim() !== '').join('\n');
    throw conduitConfigError([`${label}:${e.line}:${e.column}: TOML syntax error: ${reason}${spot ? `\n${spot}` : ''}`]);
  }
}

/** "~/x" → the home folder; a relative path → from `base` (the config file's folder, or the cwd). */
export function resolveUserPath(p: string, base: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(base, p);
}

/** Resolve the string at table[section][key] in place against `base`; anything else is left for the schema. */
export function resolvePathField(doc: TomlTable, section: string, key: string, base: string): void {
  const table = doc[section];
  if (isTable(table) && typeof table[key] === 'string' && table[key] !== '') table[key] = resolveUserPath(table[key], base);
}
