import { and, eq } from 'drizzle-orm';
import { syncRecords } from '@/db/schema';
import { adminStore, chartOf } from '@/lib/admin/context';
import { loadSeen } from '@/lib/admin/mappings';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

const DAY = 86_400_000;

/** Payment methods and tax rates seen in the store's orders, what they map to, and the warnings (BigCommerce calls). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const view = await loadSeen({
    settings: ctx.settings,
    chart: await chartOf(ctx),
    recentOrders: async () => {
      const page = await ctx.client.ordersPage({ minDateModified: new Date(Date.now() - 30 * DAY), sort: 'date_modified:asc', limit: 250 }, 1);
      return page.ok ? { ok: true, value: page.value.orders } : page;
    },
    orderTaxes: (orderId) => ctx.client.orderTaxes(orderId),
    heldForTax: async () => {
      const rows = await ctx.db
        .select({ orderId: syncRecords.orderId })
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, session.storeHash), eq(syncRecords.provider, ctx.providerId), eq(syncRecords.state, 'held'), eq(syncRecords.reason, 'unmapped_tax_rate')))
        .limit(25);
      return rows.map((r) => r.orderId);
    },
  });
  return Response.json(view);
});
