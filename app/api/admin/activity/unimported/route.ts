import { adminStore } from '@/lib/admin/context';
import { unimportedOrders } from '@/lib/admin/unimported';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Eligible orders of the last week without a sync record (the sweep would import them; "Import selected" does it now). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const result = await unimportedOrders({
    settings: ctx.settings,
    ordersPage: (filter, page) => ctx.client.ordersPage(filter, page),
    known: async (ids) => new Set((await ctx.records.statesOf(session.storeHash, ctx.providerId, ids)).keys()),
  });
  return Response.json(result);
});
