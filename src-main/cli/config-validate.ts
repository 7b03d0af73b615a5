// `warren config validate <file>`: check a MolePort config.yaml without importing it. It runs the
// very importer `config.import` uses (pure, no database), so "valid" means "imports cleanly".
// Problems are what the import would skip or refuse (exit 2); warnings are worth knowing but harmless.
import { parse } from 'yaml';
import { WarrenError } from '../../src-shared/api/index.js';
import { CONFIG_DOCUMENT_LIMITS } from '../../src-shared/logic/parse-limits.js';
import { importMolePortYaml, type MolePortImport } from '../store/moleport-import.js';

export interface ValidationReport {
  problems: string[];
  warnings: string[];
  /** Forwards that would be imported. */
  forwardCount: number;
}

/** Settings the importer leaves out on purpose; saying so is a notice, not a fault in the file. */
const NOT_IMPORTED_BY_DESIGN = new Set(['setting:log.file']);

const KNOWN: Record<string, readonly string[]> = {
  '': ['ssh_config_path', 'reconnect', 'session', 'log', 'forwards'],
  reconnect: ['enabled', 'max_retries', 'initial_delay', 'max_delay'],
  session: ['auto_restore'],
  log: ['level', 'file'],
};
const FORWARD_KEYS = ['name', 'host', 'type', 'local_port', 'remote_host', 'remote_port', 'auto_connect'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(value: unknown, known: readonly string[], where: string, out: string[]): void {
  if (!isObj(value)) return;
  for (const k of Object.keys(value)) if (!known.includes(k)) out.push(`${where ? `${where}.` : ''}${k}: unknown key (ignored)`);
}

/** Typos MolePort itself would silently ignore, e.g. `reconect:`. Needs the raw document. */
function typoWarnings(text: string): string[] {
  const out: string[] = [];
  let root: unknown;
  try {
    // Runs only on text the importer accepted, i.e. within CONFIG_DOCUMENT_LIMITS.
    root = parse(text, { maxAliasCount: CONFIG_DOCUMENT_LIMITS.maxAliases });
  } catch {
    return out; // the importer reports unreadable YAML
  }
  if (!isObj(root)) return out;
  for (const [section, keys] of Object.entries(KNOWN)) unknownKeys(section ? root[section] : root, keys, section, out);
  const forwards = root['forwards'];
  if (Array.isArray(forwards)) forwards.forEach((f, i) => unknownKeys(f, FORWARD_KEYS, `forwards[${i}]`, out));
  return out;
}

function portClashes(result: MolePortImport): string[] {
  const out: string[] = [];
  const byPort = new Map<number, string>();
  for (const r of result.rules) {
    if (r.type === 'remote') continue; // those listen on the server, not here
    const first = byPort.get(r.local_port);
    if (first !== undefined) out.push(`${r.name}: local port ${r.local_port} is also used by ${first}; they cannot run at the same time`);
    else byPort.set(r.local_port, r.name);
  }
  return out;
}

export function validateMolePortConfig(text: string): ValidationReport {
  let result: MolePortImport;
  try {
    result = importMolePortYaml(text);
  } catch (e) {
    if (e instanceof WarrenError) return { problems: [e.message], warnings: [], forwardCount: 0 };
    throw e;
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const s of result.skipped) {
    const line = `${s.name.replace(/^setting:/, '')}: ${s.reason}`;
    (NOT_IMPORTED_BY_DESIGN.has(s.name) ? warnings : problems).push(line);
  }
  warnings.push(...typoWarnings(text), ...portClashes(result));
  return { problems, warnings, forwardCount: result.rules.length };
}
