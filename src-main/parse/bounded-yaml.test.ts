import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CONFIG_DOCUMENT_LIMITS, ParseLimitError, type ParseLimits } from '../../src-shared/logic/parse-limits.js';
import { checkYamlLimits, parseYamlDocumentBounded } from './bounded-yaml.js';

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

const limits = (maxDepth: number): ParseLimits => ({ ...CONFIG_DOCUMENT_LIMITS, maxDepth });

function limitHit(text: string, l: ParseLimits): ParseLimitError | undefined {
  try {
    checkYamlLimits(text, l, 'doc');
    return undefined;
  } catch (e) {
    if (e instanceof ParseLimitError) return e;
    throw e;
  }
}

describe('checkYamlLimits', () => {
  it('never estimates below the real depth nor above three times it, in block and flow style', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom('block', 'flow', 'any'), (value, collectionStyle) => {
        const text = stringify(value, { collectionStyle });
        expect(parse(text)).toEqual(value); // the document means what we think
        const depth = depthOf(value);
        if (depth > 0) expect(limitHit(text, limits(depth - 1))?.limit).toBe('depth');
        expect(limitHit(text, limits(3 * depth + 1))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('brackets in quoted, plain and block scalars and comments are not nesting', () => {
    const text = [
      'a: "[[[[[[{{{{"',
      "b: '[[[[[['",
      'c: x[[[[[[',
      '# [[[[[[[[[[',
      'd: |',
      `  ${'['.repeat(200)}`,
      `  ${'- '.repeat(200)}`,
      'e: ok',
    ].join('\n');
    expect(limitHit(text, limits(4))).toBeUndefined();
  });

  it('refuses deep flow, block and indented nesting and alias bombs with the line', () => {
    expect(limitHit(`a: ${'['.repeat(65)}`, limits(64))?.message).toMatch(/more than 64 levels \(line 1\)/);
    expect(limitHit('- '.repeat(65), limits(64))?.limit).toBe('depth');
    expect(limitHit('? '.repeat(65), limits(64))?.limit).toBe('depth');
    const indented = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(limitHit(indented, limits(64))?.limit).toBe('depth');
    const bomb = ['a: &a [1, 2]', ...Array.from({ length: 101 }, (_, i) => `k${i}: *a`)].join('\n');
    expect(limitHit(bomb, limits(64))?.message).toMatch(/too many aliases: more than 100/);
  });

  it('reports a repeated key as the yaml package does, with its line, and only repeats of the same type', () => {
    const doc = parseYamlDocumentBounded('a: 1\nb:\n  c: 1\n  "1": x\n  1: y\n  c: 2\n', CONFIG_DOCUMENT_LIMITS, 'doc');
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]).toMatchObject({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', linePos: [{ line: 6, col: 3 }] });
    expect(parseYamlDocumentBounded('a: [{x: 1}, {x: 2}]\n', CONFIG_DOCUMENT_LIMITS, 'doc').errors).toHaveLength(0);
    expect(parseYamlDocumentBounded('a: 1\na: 2\n', CONFIG_DOCUMENT_LIMITS, 'doc', { uniqueKeys: false }).errors).toHaveLength(0);
  });

  // The package's own check compares every pair of keys: at this size it took about 8 s (it was
  // minutes at 1 MiB); one pass takes well under one. The timeout is loose on purpose (busy CI).
  it('a mapping with 15,000 keys within the size limit parses in one pass', { timeout: 20_000 }, () => {
    const text = Array.from({ length: 15_000 }, (_, i) => `${i}: 1`).join('\n');
    expect(text.length).toBeLessThan(CONFIG_DOCUMENT_LIMITS.maxBytes);
    const doc = parseYamlDocumentBounded(text, CONFIG_DOCUMENT_LIMITS, 'doc');
    expect(doc.errors).toHaveLength(0);
  });
});
