import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { paginate, parsePageQuery } from './pagination.js';

describe('pagination', () => {
  it('parses page and per_page strictly, with defaults', () => {
    expect(parsePageQuery(new URLSearchParams(''))).toEqual({ ok: true, page: 1, perPage: 50 });
    expect(parsePageQuery(new URLSearchParams('page=3&per_page=500'))).toEqual({ ok: true, page: 3, perPage: 500 });
    for (const bad of ['page=0', 'page=-1', 'page=1.5', 'page=abc', 'page=', 'per_page=0', 'per_page=501', 'per_page=1e2', 'page=99999999999'])
      expect(parsePageQuery(new URLSearchParams(bad)).ok).toBe(false);
  });

  it('the pages, read in order, are the list exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (items, perPage) => {
        const first = paginate(items, 1, perPage);
        expect(first.total).toBe(items.length);
        expect(first.total_pages).toBe(Math.ceil(items.length / perPage));
        const all: number[] = [];
        for (let p = 1; p <= first.total_pages; p++) {
          const page = paginate(items, p, perPage);
          expect(page.items.length).toBeLessThanOrEqual(perPage);
          if (p < first.total_pages) expect(page.items).toHaveLength(perPage);
          all.push(...page.items);
        }
        expect(all).toEqual(items);
        expect(paginate(items, first.total_pages + 1, perPage).items).toEqual([]);
      }),
    );
  });
});
