import { appContext, storeContext } from '@/lib/context';
import type { StoreHash } from '@/lib/ids';
import { applyBooksStatus } from '@/lib/sync/pipeline';
import { inngest } from '../client';
import { booksDocumentChanged } from '../events';
import { translateFailures } from './retry';

/**
 * One run per document the books say changed (a verified webhook): find-orders (the stores connected to that tenant
 * and their orders with that document) → one set-status-from-books step per order (lib/sync/pipeline/books-status.ts:
 * read the document, map, write once). Runs of one tenant go one at a time: each reads one document there.
 */
export const booksStatusFunction = inngest.createFunction(
  {
    id: 'books-document-changed',
    triggers: [booksDocumentChanged],
    concurrency: [{ key: 'event.data.provider + "-" + event.data.tenantId', limit: 1 }],
    retries: 5,
  },
  async ({ event, step }) => {
    const { provider, tenantId, documentId } = event.data;
    const orders = await step.run('find-orders', async () => {
      const ctx = await appContext();
      const stores = await ctx.connections.storesOnTenant(provider, tenantId);
      const found: Array<{ storeHash: string; orderId: number }> = [];
      const seen = new Set<string>();
      for (const storeHash of stores) {
        const { records, providerId, pipeline } = await ctx.storeContext(storeHash);
        // Only where this system is the store's books now (a store that moved to another keeps its old records).
        if (providerId !== provider) continue;
        const ids = await records.ordersByRemoteId(storeHash, provider, documentId);
        // Not one of ours: a transaction applied to documents (a payment) names them when read.
        if (ids.length === 0 && pipeline.provider.linkedDocuments) {
          const linked = await pipeline.provider.linkedDocuments(documentId);
          if (linked.ok) for (const doc of linked.value) ids.push(...(await records.ordersByRemoteId(storeHash, provider, doc)));
        }
        for (const orderId of ids) {
          if (seen.has(`${storeHash}-${orderId}`)) continue;
          seen.add(`${storeHash}-${orderId}`);
          found.push({ storeHash, orderId });
        }
      }
      return found;
    });
    const results = [];
    for (const { storeHash, orderId } of orders) {
      results.push(
        await step.run(`set-status-from-books-${storeHash}-${orderId}`, () =>
          translateFailures(async () => ({ storeHash, orderId, ...(await applyBooksStatus((await storeContext(storeHash as StoreHash)).pipeline, orderId)) })),
        ),
      );
    }
    return { documentId, results };
  },
);
