import { cancelRunningBackfill } from '@/lib/admin/backfill';
import { audit, backfillDeps } from '@/lib/admin/context';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Cancels the running backfill; orders already posted stay posted. */
export const POST = withSession(async (_request, session) => {
  const backfill = await cancelRunningBackfill(await backfillDeps(session));
  if (backfill?.status === 'cancelled') await audit(session, 'backfill.cancelled', { backfillId: backfill.id });
  return Response.json({ backfill });
});
