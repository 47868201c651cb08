import { retryFailed, retryFailedSchema } from '@/lib/admin/actions';
import { bulkDeps } from '@/lib/admin/context';
import { failure, parseBody } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** "Retry failed": the selected (or all) failed and held orders of this store, synced again now. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, retryFailedSchema);
  if (!input.ok) return input.response;
  const result = await retryFailed(await bulkDeps(session), input.value);
  if (!result.ok) return failure({ kind: 'Upstream', message: result.message });
  return Response.json({ queued: result.queued }, { status: 202 });
});
