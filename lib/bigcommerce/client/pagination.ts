/**
 * The two ways BigCommerce pages a list.
 * - V2 (`/v2/orders`): `page=N&limit=250`, no totals; the last page is short, and a page past the end is a
 *   204 with no body. We stop on a short or empty page.
 * - V3: `meta.pagination {current_page, total_pages}`; we stop at the last page.
 */
import { err, ok, type Result } from '@/lib/errors';
import type { BcFailure } from './failures';

/** The largest page BigCommerce serves for the lists we read. */
export const PAGE_LIMIT = 250;

/**
 * Pages of a V2 list, in order, as an async iterator of results. Empty pages are not yielded; after a failure the
 * iterator yields it and stops.
 *
 * `fetchPage` returns the raw items and `parse` turns them into ours: as soon as a page comes back full, the next
 * one is requested while this one is parsed and consumed (a read-ahead of one page), so the network and the
 * platform work while we do. If the consumer stops early, that one read-ahead call is the only waste.
 * `keyOf` identifies an item so a server that ignores `page` (the same page again) is caught as a bug instead of
 * looping for ever.
 */
export async function* v2Pages<T>(
  fetchPage: (page: number, limit: number) => Promise<Result<unknown[], BcFailure>>,
  parse: (items: unknown[]) => T[],
  options: { limit?: number; keyOf?: (item: T) => unknown } = {},
): AsyncGenerator<Result<T[], BcFailure>, void, undefined> {
  const limit = Math.min(PAGE_LIMIT, Math.max(1, options.limit ?? PAGE_LIMIT));
  let previousFirst: unknown = undefined;
  let pending: Promise<Result<unknown[], BcFailure>> | null = fetchPage(1, limit);
  try {
    for (let page = 1; pending; page += 1) {
      const result: Result<unknown[], BcFailure> = await pending;
      pending = null;
      if (!result.ok) {
        yield result;
        return;
      }
      const raw = result.value;
      if (raw.length === 0) return;
      const full = raw.length >= limit;
      if (full) pending = fetchPage(page + 1, limit);
      const items = parse(raw);
      const first = options.keyOf && items[0] !== undefined ? options.keyOf(items[0]) : undefined;
      if (first !== undefined && page > 1 && first === previousFirst) {
        throw new Error(`V2 pagination: page ${page} repeats page ${page - 1} (the server ignored the page parameter)`);
      }
      previousFirst = first;
      yield ok(items);
    }
  } finally {
    // Abandoned read-ahead (the consumer stopped, or parsing threw): let it finish quietly.
    void pending?.catch(() => undefined);
  }
}

export interface V3Page<T> {
  items: T[];
  pagination?: { current_page: number; total_pages: number } | undefined;
}

/** Every item of a V3 list, following `meta.pagination` from page 1 to `total_pages`. */
export async function collectV3<T>(
  fetchPage: (page: number) => Promise<Result<V3Page<T>, BcFailure>>,
): Promise<Result<T[], BcFailure>> {
  const all: T[] = [];
  for (let page = 1; ; page += 1) {
    const result = await fetchPage(page);
    if (!result.ok) return err(result.error);
    all.push(...result.value.items);
    const p = result.value.pagination;
    if (!p || result.value.items.length === 0 || p.current_page >= p.total_pages) return ok(all);
    if (p.current_page !== page) {
      throw new Error(`V3 pagination: asked for page ${page}, got page ${p.current_page}`);
    }
  }
}

/** Splits a list into chunks of at most `size` (ids and SKUs per `:in` filter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
