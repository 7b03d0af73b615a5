// Limits on every document Warren parses from a door, a peer or a file (issue 14, finding 3).
// Parsers recurse per nesting level: a 200 KB run of `[` overflowed the stack inside the `yaml`
// package, and when the overflow lands while V8 compiles a regular expression the process aborts
// (`FATAL ERROR: RegExpCompiler Allocation failed`) — no try/catch can save it. So the size and the
// nesting depth are checked by a cheap linear scan *before* a parser sees the text, and the error
// names the limit. Pure: no `node:` import, usable on every side.

export interface ParseLimits {
  /** Largest document, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest nesting of collections (arrays, objects, tables, flow or block YAML collections). */
  maxDepth: number;
  /** Most YAML aliases (`*name`) in one document: each may expand a whole subtree (billion laughs). */
  maxAliases: number;
}

/**
 * A settings-like document written by a person (MolePort config.yaml, router.toml, client TOML):
 * the real ones are a few KB and 4–5 levels deep, so these leave ample room (128 KiB is about a
 * thousand forwards). The size also bounds the time: the YAML parser needs several µs per byte on
 * the daemon's only thread, so 1 MiB would stall every tunnel for seconds.
 */
export const CONFIG_DOCUMENT_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 128 * 1024, maxDepth: 64, maxAliases: 100 });

/**
 * A Conduit TOML file. A router's `authorized_clients` lists every client (about 200 bytes each),
 * so a large fleet needs more room than a MolePort config; smol-toml reads 1 MiB in ~0.3 s.
 */
export const TOML_FILE_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxAliases: 0 });

/** A JSON message from a client or a peer (JSON-RPC, a Conduit control message, an SSM parameter). */
export const JSON_MESSAGE_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 1024 * 1024, maxDepth: 64, maxAliases: 0 });

/**
 * ssh_config and known_hosts are line-based (no nesting to bound) and may be long on an admin's
 * machine (a known_hosts line is up to ~1 KB), so only their size is capped, generously.
 */
export const SSH_FILE_MAX_BYTES = 16 * 1024 * 1024;

export type ParseLimitKind = 'bytes' | 'depth' | 'aliases';

/** A document refused before parsing. The message says which limit, the value found and the fix. */
export class ParseLimitError extends Error {
  override readonly name = 'ParseLimitError';
  constructor(
    readonly limit: ParseLimitKind,
    readonly max: number,
    message: string,
  ) {
    super(message);
  }
}

/** UTF-8 length of a JS string, stopping early once it passes `stopAbove`. */
export function utf8Length(text: string, stopAbove = Infinity): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else n += 3;
  }
  return n;
}

const sizeText = (n: number): string =>
  n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB (${n} bytes)` : n >= 1024 ? `${Math.round(n / 1024)} KiB (${n} bytes)` : `${n} bytes`;

/** Refuse text bigger than limits.maxBytes. `what` names the document ("the MolePort config"). */
export function checkSize(text: string, maxBytes: number, what: string): void {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three, so only the middle band is counted.
  if (text.length * 3 <= maxBytes) return;
  const bytes = text.length > maxBytes ? text.length : utf8Length(text, maxBytes);
  if (bytes > maxBytes) throw sizeError(what, maxBytes, bytes);
}

export function sizeError(what: string, maxBytes: number, bytes?: number): ParseLimitError {
  const found = bytes === undefined ? `more than ${maxBytes} bytes` : `${bytes} bytes`;
  return new ParseLimitError('bytes', maxBytes, `${what} is too large: ${found}; the limit is ${sizeText(maxBytes)} — check that it is the right file or message`);
}

export function depthError(what: string, maxDepth: number, where: string): ParseLimitError {
  return new ParseLimitError('depth', maxDepth, `${what} is nested too deeply: more than ${maxDepth} levels${where}; the limit keeps the parser's stack safe — flatten the document`);
}

/** 1-based line of offset i (for messages only; counted once, on the refusal path). */
function lineOf(text: string, i: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < i; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

/**
 * Throws when JSON text nests `[`/`{` deeper than maxDepth. Brackets inside strings do not count;
 * the scan is one pass and needs no valid JSON (the parser reports syntax errors afterwards).
 */
export function checkJsonDepth(text: string, maxDepth: number, what: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw depthError(what, maxDepth, ` (line ${lineOf(text, i)})`);
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

/**
 * JSON.parse behind the size and depth checks. V8's JSON.parse itself is iterative, but what comes
 * next (zod, JSON.stringify, the logger) recurses per level, so a deep value must not get in.
 * Throws ParseLimitError for a limit, SyntaxError for bad JSON.
 */
export function parseJsonBounded(text: string, what: string, limits: Readonly<ParseLimits> = JSON_MESSAGE_LIMITS): unknown {
  checkSize(text, limits.maxBytes, what);
  checkJsonDepth(text, limits.maxDepth, what);
  return JSON.parse(text) as unknown;
}
