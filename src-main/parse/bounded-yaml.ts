// YAML behind the limits of src-shared/logic/parse-limits.ts. The `yaml` package's own Lexer is a
// flat state machine (no recursion per level), so its tokens give an exact view of what is a flow
// bracket, a quoted or block scalar, a comment or an alias before the recursive parts (the CST
// parser and the composer) run. Alias bombs are refused twice: by counting `*alias` tokens here, and
// by toJS's maxAliasCount (https://eemeli.org/yaml/#tojs-options: "Prevent exponential entity
// expansion attacks by limiting data aliasing").
import { CST, Lexer, LineCounter, YAMLParseError, isScalar, parseDocument, visit, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { checkSize, depthError, ParseLimitError, type ParseLimits } from '../../src-shared/logic/parse-limits.js';

const MARKERS = new Set<string>([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR, CST.BOM]);
const BLOCK_INDICATORS = new Set(['-', '?', ':']);

/**
 * Throws ParseLimitError when the text is too big, nests too deep or has too many aliases.
 *
 * Block depth is estimated from columns: the first token of a line pops every open level at or
 * right of its column and opens one; so does each `-`, `?` or `:` indicator, and the first token
 * after one (a compact `- key: v` opens a mapping at `key`). `key: value` thus counts up to three
 * levels for one: the estimate is never below the real depth and at most about three times it.
 */
export function checkYamlLimits(text: string, limits: Readonly<ParseLimits>, what: string): void {
  checkSize(text, limits.maxBytes, what);
  const block: number[] = [];
  let flow = 0;
  let col = 0;
  let line = 1;
  let lineStart = true;
  let aliases = 0;
  let afterIndicator = false;
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) continue;
    const start = col;
    const nl = token.lastIndexOf('\n');
    if (nl === -1) col += token.length;
    else {
      col = token.length - nl - 1;
      for (let k = token.indexOf('\n'); k !== -1; k = token.indexOf('\n', k + 1)) line++;
    }
    const c = token[0];
    if (c === '\n' || c === '\r') {
      lineStart = true;
      afterIndicator = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '#') continue; // spaces and comments are not content
    if (c === '*' && ++aliases > limits.maxAliases)
      throw new ParseLimitError('aliases', limits.maxAliases, `${what} has too many aliases: more than ${limits.maxAliases} (line ${line}); each one may copy a whole subtree — write the values out`);
    if (flow === 0) {
      if (lineStart) {
        while (block.length > 0 && block[block.length - 1]! >= start) block.pop();
        block.push(start);
      } else if (afterIndicator || BLOCK_INDICATORS.has(token)) block.push(start);
    }
    afterIndicator = BLOCK_INDICATORS.has(token);
    if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    // A multi-line token (block scalar body) that ends with its newline leaves us at a line start.
    lineStart = nl !== -1 && nl === token.length - 1;
    if (block.length + flow > limits.maxDepth) throw depthError(what, limits.maxDepth, ` (line ${line})`);
  }
}

/** Offset of the first key that repeats an earlier scalar key of the same mapping (one pass, a Set per mapping). */
function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const id = `${typeof pair.key.value}:${String(pair.key.value)}`;
        if (seen.has(id)) {
          found = pair.key.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * parseDocument after checkYamlLimits: the only way Warren should read YAML that came from outside.
 * Unique keys (the `yaml` default) are checked here in one pass: the package compares every key of
 * a mapping with every other, and 90,000 keys took minutes of the daemon's only thread.
 */
export function parseYamlDocumentBounded(
  text: string,
  limits: Readonly<ParseLimits>,
  what: string,
  options: ParseOptions & DocumentOptions & SchemaOptions = {},
): Document.Parsed {
  checkYamlLimits(text, limits, what);
  const ownUniqueCheck = options.uniqueKeys === undefined || options.uniqueKeys === true;
  const lineCounter = options.lineCounter ?? new LineCounter();
  const doc = parseDocument(text, { ...options, lineCounter, uniqueKeys: ownUniqueCheck ? false : options.uniqueKeys });
  if (ownUniqueCheck && doc.errors.length === 0) {
    const at = firstDuplicateKey(doc);
    if (at !== undefined) {
      const err = new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
      err.linePos = [lineCounter.linePos(at)];
      doc.errors.push(err);
    }
  }
  return doc;
}
