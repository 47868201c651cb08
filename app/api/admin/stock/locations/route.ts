import { definitionOf, DEFAULT_PROVIDER, providers } from '@/lib/accounting/registry';
import { adminStore } from '@/lib/admin/context';
import { stockLocationsView } from '@/lib/admin/items-stock';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The two ends of the stock location mapping: the books' locations and the store's inventory locations. */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const definition = definitionOf(ctx.providerId) ?? providers[DEFAULT_PROVIDER];
  return Response.json(
    await stockLocationsView({ system: definition.display.name, books: definition.stockLocations, storeLocations: () => ctx.client.inventoryLocations() }),
  );
});
