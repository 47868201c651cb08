import { importSelected, importSelectedSchema } from '@/lib/admin/actions';
import { bulkDeps } from '@/lib/admin/context';
import { failure, parseBody } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** "Import selected": one manual sync per selected order of this store. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, importSelectedSchema);
  if (!input.ok) return input.response;
  const result = await importSelected(await bulkDeps(session), input.value);
  if (!result.ok) return failure({ kind: 'Upstream', message: result.message });
  return Response.json({ queued: result.queued }, { status: 202 });
});
