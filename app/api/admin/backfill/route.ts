import { backfillView, startBackfill, startBackfillSchema } from '@/lib/admin/backfill';
import { audit, backfillDeps } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The latest backfill of the store and its progress (the page polls this while one runs). */
export const GET = withSession(async (_request, session) => {
  const deps = await backfillDeps(session);
  const latest = await deps.storeSync.latestBackfill(session.storeHash);
  return Response.json({ backfill: latest ? backfillView(latest) : null });
});

/** Starts a backfill from a date (or answers the one already running). */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, startBackfillSchema);
  if (!input.ok) return input.response;
  const result = await startBackfill(await backfillDeps(session), input.value);
  if (!result.ok) {
    if (result.message.includes('future')) return validationResponse({ fromDate: result.message });
    return failure({ kind: 'Upstream', message: result.message });
  }
  if (result.created) await audit(session, 'backfill.started', { backfillId: result.backfill.id, fromDate: input.value.fromDate });
  return Response.json({ created: result.created, backfill: result.backfill }, { status: result.created ? 201 : 200 });
});
