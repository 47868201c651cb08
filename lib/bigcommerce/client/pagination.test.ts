import { describe, expect, it } from 'vitest';
import { ok } from '@/lib/errors';
import { chunk, collectV3, v2Pages } from './pagination';

describe('pagination guards', () => {
  it('a V2 server that ignores `page` is a bug, not an endless loop', async () => {
    const same = Array.from({ length: 3 }, (_, i) => ({ id: i + 1 }));
    const pages = v2Pages(async () => ok(same), (items) => items as Array<{ id: number }>, { limit: 3, keyOf: (o) => o.id });
    const consume = async () => {
      for await (const page of pages) expect(page.ok).toBe(true);
    };
    await expect(consume()).rejects.toThrow(/repeats page 1/);
  });

  it('collects every V3 page and refuses a server that answers another page than asked', async () => {
    const good = await collectV3(async (page) => ok({ items: [page * 10], pagination: { current_page: page, total_pages: 3 } }));
    expect(good).toEqual({ ok: true, value: [10, 20, 30] });
    await expect(collectV3(async () => ok({ items: [1], pagination: { current_page: 1, total_pages: 3 } }))).rejects.toThrow(/asked for page 2/);
  });

  it('chunks', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
