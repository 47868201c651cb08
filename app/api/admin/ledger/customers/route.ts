import { adminDb } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { customers, listQuerySchema } from '@/lib/admin/ledger-view';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, listQuerySchema);
  if (!query.ok) return query.response;
  return Response.json(await customers(await adminDb(), session.storeHash, query.value));
});
