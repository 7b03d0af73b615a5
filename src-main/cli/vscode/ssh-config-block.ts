// The Warren-managed block in the user's ssh config: one `Host warren-<forward>` per SSM forward to
// an SSH server, so VS Code Remote-SSH can connect through it. Pure text in, text out. The rule that
// matters: every byte outside the block stays exactly as the user wrote it (CRLF, comments, Include
// lines, a missing final newline), and setup followed by cleanup gives back the original bytes.

export const BEGIN_MARKER = '# >>> warren vscode (managed by Warren: do not edit inside) >>>';
export const END_MARKER = '# <<< warren vscode <<<';
export const HOST_PREFIX = 'warren-';

export interface VscodeHostEntry {
  /** The forward's name; the Host alias is `warren-<forward>`. */
  forward: string;
  port: number;
  user?: string;
  knownHostsFile: string;
}

interface Line {
  start: number;
  /** Index just past the line's terminator (or the end of the text when it has none). */
  end: number;
  content: string;
  terminator: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(start, stop);
    const terminator = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    lines.push({ start, end: stop, content: raw.slice(0, raw.length - terminator.length), terminator });
    start = stop;
  }
  return lines;
}

interface BlockSpan {
  start: number;
  end: number;
  /** The block's own line ending (of its first line): what it was written with. */
  eol: string;
  /** Whether the end marker has a line ending; a block at EOF without one stands for a file that had none. */
  endTerminated: boolean;
  body: Line[];
}

/**
 * The first complete block, or null: the first end marker with a begin marker above it, and the
 * nearest such begin marker. A stray marker (a half-deleted block) never pulls the user's lines in.
 */
function findBlock(text: string): BlockSpan | null {
  const lines = splitLines(text);
  let b = -1;
  let e = -1;
  for (let i = 0; i < lines.length && e === -1; i++) {
    const content = (lines[i] as Line).content;
    if (content === BEGIN_MARKER) b = i;
    else if (content === END_MARKER && b !== -1) e = i;
  }
  if (e === -1) return null;
  const begin = lines[b] as Line;
  const endLine = lines[e] as Line;
  return { start: begin.start, end: endLine.end, eol: begin.terminator, endTerminated: endLine.terminator !== '', body: lines.slice(b + 1, e) };
}

/** CRLF when the file's first line ending is CRLF, else LF: the block should look like the rest of the file. */
export function detectEol(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** ssh_config quotes arguments with double quotes; paths (macOS "Application Support") may hold spaces. */
function quoteArg(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

function unquoteArg(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function renderLines(entries: readonly VscodeHostEntry[]): string[] {
  const lines = [BEGIN_MARKER];
  for (const e of entries) {
    lines.push(`Host ${HOST_PREFIX}${e.forward}`, '    HostName 127.0.0.1', `    Port ${e.port}`);
    if (e.user) lines.push(`    User ${e.user}`);
    // A reused local port would otherwise look like a changed host key in the user's known_hosts.
    lines.push('    StrictHostKeyChecking accept-new', `    UserKnownHostsFile ${quoteArg(e.knownHostsFile)}`);
  }
  lines.push(END_MARKER);
  return lines;
}

/** The entries written in the block (none when there is no block). */
export function parseBlock(text: string): VscodeHostEntry[] {
  const span = findBlock(text);
  if (!span) return [];
  const entries: VscodeHostEntry[] = [];
  let cur: VscodeHostEntry | null = null;
  for (const line of span.body) {
    const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(line.content);
    if (!m || (m[1] as string).startsWith('#')) continue;
    const key = (m[1] as string).toLowerCase();
    const value = unquoteArg(m[2] as string);
    if (key === 'host') {
      cur = value.startsWith(HOST_PREFIX) ? { forward: value.slice(HOST_PREFIX.length), port: 0, knownHostsFile: '' } : null;
      if (cur) entries.push(cur);
    } else if (cur && key === 'port') cur.port = Number(value);
    else if (cur && key === 'user') cur.user = value;
    else if (cur && key === 'userknownhostsfile') cur.knownHostsFile = value;
  }
  return entries;
}

export function hasBlock(text: string): boolean {
  return findBlock(text) !== null;
}

/**
 * The text with the block set to these entries: replaced in place when there is one, else appended
 * after one blank line. A file without a final newline gets the block without one too, so that
 * removeBlock can tell and give the original bytes back.
 */
export function applyBlock(text: string, entries: readonly VscodeHostEntry[]): string {
  const span = findBlock(text);
  if (span) {
    const eol = span.eol || detectEol(text);
    const block = renderLines(entries).join(eol) + (span.endTerminated ? eol : '');
    return text.slice(0, span.start) + block + text.slice(span.end);
  }
  const eol = detectEol(text);
  const block = renderLines(entries).join(eol);
  if (text === '') return block + eol;
  if (text.endsWith('\n')) return `${text}${eol}${block}${eol}`;
  return `${text}${eol}${eol}${block}`;
}

/** The text without the block: the inverse of applyBlock's append, and only the block's lines otherwise. */
export function removeBlock(text: string): string {
  const span = findBlock(text);
  if (!span) return text;
  let before = text.slice(0, span.start);
  const after = text.slice(span.end);
  if (after === '' && before !== '') {
    // At EOF: take back the separator applyBlock added (one line ending, or two when the file had no final newline).
    const eol = span.eol || detectEol(text);
    for (let i = span.endTerminated ? 1 : 2; i > 0 && before.endsWith(eol); i--) before = before.slice(0, before.length - eol.length);
  }
  return before + after;
}

/** The text with one forward's entry dropped from the block (the block stays, possibly empty). */
export function removeEntry(text: string, forward: string): string {
  if (!findBlock(text)) return text;
  return applyBlock(
    text,
    parseBlock(text).filter((e) => e.forward !== forward),
  );
}
