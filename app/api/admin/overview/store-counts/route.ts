import { adminStore } from '@/lib/admin/context';
import { storeOrderCounts } from '@/lib/admin/overview';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** "To fulfil" and "To ship" from BigCommerce; separate so the overview never waits for the store's API. */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  return Response.json(await storeOrderCounts(ctx.client));
});
