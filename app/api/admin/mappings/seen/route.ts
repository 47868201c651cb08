import { adminStore, chartOf, seenDeps } from '@/lib/admin/context';
import { loadSeen } from '@/lib/admin/mappings';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Payment methods and tax rates seen in the store's orders, what they map to, and the warnings (BigCommerce calls). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  const view = await loadSeen({ settings: ctx.settings, chart: await chartOf(ctx), ...seenDeps(ctx, session.storeHash) });
  return Response.json(view);
});
