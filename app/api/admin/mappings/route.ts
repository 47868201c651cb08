import { adminStore, chartOf } from '@/lib/admin/context';
import { chartView } from '@/lib/admin/mappings';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The chart to map to and what no longer validates against it (no BigCommerce call: the form renders at once). */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  return Response.json(chartView(ctx.settings, await chartOf(ctx)));
});
