import { adminStore } from '@/lib/admin/context';
import { bcFailureText } from '@/lib/admin/connections';
import { failure } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The store's order statuses with the merchant's own labels (GET /v2/order_statuses). */
export const GET = withSession(async (_request, session) => {
  const { client } = await adminStore(session);
  const statuses = await client.orderStatuses();
  if (!statuses.ok) return failure({ kind: 'Upstream', message: bcFailureText(statuses.error) });
  return Response.json({ statuses: statuses.value.sort((a, b) => a.id - b.id) });
});
