import { activityQuerySchema, listActivity } from '@/lib/admin/activity';
import { adminDb, currentProvider } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** One page of the activity table (sync records), filtered by state, order date, order id, customer, amount. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, activityQuerySchema);
  if (!query.ok) return query.response;
  const [db, provider] = await Promise.all([adminDb(), currentProvider(session.storeHash)]);
  return Response.json(await listActivity(db, session.storeHash, query.value, provider));
});
