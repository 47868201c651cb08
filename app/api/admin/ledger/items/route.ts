import { adminDb } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { items, listQuerySchema } from '@/lib/admin/ledger-view';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Items of the built-in ledger with their stock on hand at the default location. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, listQuerySchema);
  if (!query.ok) return query.response;
  return Response.json(await items(await adminDb(), session.storeHash, query.value));
});
