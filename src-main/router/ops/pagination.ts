// `?page=&per_page=` for the router API's lists: strict parsing (a typo is an error, not page 1)
// and the slice arithmetic, kept apart from HTTP so both are tested on their own.
import type { Paginated } from '../../../src-shared/api/conduit-router.js';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 500;

export type PageQuery = { ok: true; page: number; perPage: number } | { ok: false; message: string };

export function parsePageQuery(params: URLSearchParams): PageQuery {
  const page = positiveInt(params.get('page'), 1);
  if (page === undefined) return { ok: false, message: 'page must be a whole number from 1' };
  const perPage = positiveInt(params.get('per_page'), DEFAULT_PER_PAGE);
  if (perPage === undefined || perPage > MAX_PER_PAGE) return { ok: false, message: `per_page must be a whole number from 1 to ${MAX_PER_PAGE}` };
  return { ok: true, page, perPage };
}

/** A page past the end is empty, not an error: the list may have shrunk between two requests. */
export function paginate<T>(items: readonly T[], page: number, perPage: number): Paginated<T> {
  const start = (page - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    page,
    per_page: perPage,
    total: items.length,
    total_pages: Math.ceil(items.length / perPage),
  };
}

function positiveInt(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 ? n : undefined;
}
