import { audit, reconciliationDeps } from '@/lib/admin/context';
import { failure, parseBody, parseQuery } from '@/lib/admin/http';
import { dayQuerySchema, reconcileNowSchema, reconciliationView } from '@/lib/admin/reconciliation';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The last 30 days (agree / differ / not reconciled) and one day's two columns and differences (?date=, default yesterday). */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, dayQuerySchema);
  if (!query.ok) return query.response;
  const deps = await reconciliationDeps(session);
  return Response.json({ timeZone: deps.timeZone, ...(await reconciliationView(deps.db, deps.storeHash, { yesterday: deps.yesterday, date: query.value.date })) });
});

/** "Reconcile now": the days given are reconciled in the background; the page polls GET. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, reconcileNowSchema);
  if (!input.ok) return input.response;
  const deps = await reconciliationDeps(session);
  if (!(await deps.send(input.value))) return failure({ kind: 'Upstream', message: 'Background jobs are not available; try again shortly.' });
  await audit(session, 'reconciliation.requested', input.value);
  return Response.json({ queued: true }, { status: 202 });
});
