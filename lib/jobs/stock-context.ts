import { createStockRepo } from '@/lib/repos/stock';
import type { StoreHash } from '@/lib/ids';
import type { StockPushDeps } from '@/lib/sync/stock-push';
import { storeContext } from '@/lib/context';

/** The stock push's dependencies for one store. */
export async function stockContext(storeHash: StoreHash) {
  const ctx = await storeContext(storeHash);
  const stock = createStockRepo({ db: ctx.db });
  const deps: StockPushDeps = { storeHash, provider: ctx.provider, store: ctx.client, records: stock, settings: ctx.settings.stock };
  return { ...ctx, stock, stockDeps: deps };
}
