import { reconciliationDeps } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { dayQuerySchema, reconciliationCsv, reconciliationView } from '@/lib/admin/reconciliation';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** A day's reconciliation as CSV (?date=, default yesterday), as a download. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, dayQuerySchema);
  if (!query.ok) return query.response;
  const deps = await reconciliationDeps(session);
  const view = await reconciliationView(deps.db, deps.storeHash, { yesterday: deps.yesterday, date: query.value.date });
  return new Response(reconciliationCsv(view.days), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="reconciliation-${view.date}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
