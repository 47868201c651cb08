import { audit, reconciliationDeps } from '@/lib/admin/context';
import { failure, parseBody } from '@/lib/admin/http';
import { repairSchema } from '@/lib/admin/reconciliation';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** "Repair": what the app can fix on a day (all, or the orders given), through the pipeline, in the background. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, repairSchema);
  if (!input.ok) return input.response;
  const deps = await reconciliationDeps(session);
  const { date, orderIds } = input.value;
  if (!(await deps.send({ from: date, to: date, repair: { date, ...(orderIds ? { orderIds } : {}) } }))) {
    return failure({ kind: 'Upstream', message: 'Background jobs are not available; try again shortly.' });
  }
  await audit(session, 'reconciliation.repair', input.value);
  return Response.json({ queued: true }, { status: 202 });
});
