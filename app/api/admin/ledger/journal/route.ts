import { adminDb } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { journal, journalQuerySchema } from '@/lib/admin/ledger-view';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The built-in ledger's journal, newest first, filtered by date, account, kind, number or order. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, journalQuerySchema);
  if (!query.ok) return query.response;
  return Response.json(await journal(await adminDb(), session.storeHash, query.value));
});
