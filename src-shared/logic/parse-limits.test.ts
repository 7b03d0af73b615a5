import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJsonDepth, checkSize, parseJsonBounded, ParseLimitError, utf8Length } from './parse-limits.js';

/** Nesting depth of a JSON value: a scalar is 0, a collection one more than its deepest member. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

function refusal(fn: () => unknown): ParseLimitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseLimitError);
    return e as ParseLimitError;
  }
  throw new Error('expected a ParseLimitError');
}

describe('parse limits', () => {
  it('utf8Length agrees with TextEncoder, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
      { numRuns: 300 },
    );
  });

  it('checkSize counts UTF-8 bytes, not characters', () => {
    expect(() => checkSize('é'.repeat(50), 100, 'x')).not.toThrow();
    const e = refusal(() => checkSize('é'.repeat(51), 100, 'the thing'));
    expect(e.limit).toBe('bytes');
    expect(e.message).toMatch(/^the thing is too large: 102 bytes; the limit is 100 bytes/);
    refusal(() => checkSize('x'.repeat(101), 100, 'x'));
  });

  it('parseJsonBounded equals JSON.parse within the depth limit and refuses any deeper value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, max) => {
        const text = JSON.stringify(value);
        const depth = depthOf(value);
        if (depth <= max) expect(parseJsonBounded(text, 'doc', { maxBytes: 1 << 20, maxDepth: max, maxAliases: 0 })).toEqual(JSON.parse(text));
        else expect(refusal(() => parseJsonBounded(text, 'doc', { maxBytes: 1 << 20, maxDepth: max, maxAliases: 0 })).limit).toBe('depth');
      }),
      { numRuns: 300 },
    );
  });

  it('brackets inside strings (escaped quotes too) do not count', () => {
    expect(() => checkJsonDepth(JSON.stringify({ a: '[[[[{{{{\\"[[[[' }), 1, 'x')).not.toThrow();
    const e = refusal(() => checkJsonDepth(`{"a":\n${'['.repeat(100)}`, 64, 'the message'));
    expect(e.message).toBe("the message is nested too deeply: more than 64 levels (line 2); the limit keeps the parser's stack safe — flatten the document");
  });

  it('a million `[` is refused in one cheap pass', () => {
    const started = performance.now();
    refusal(() => parseJsonBounded('['.repeat(1_000_000), 'x', { maxBytes: 2 << 20, maxDepth: 64, maxAliases: 0 }));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
