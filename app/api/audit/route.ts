import { auditRepo } from '@/lib/deps';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The store's audit trail, newest first. Any store named in the query is ignored: the session decides. */
export const GET = withSession(async (_request, session) => {
  const entries = await (await auditRepo()).recent(session.storeHash);
  return Response.json({ entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })) });
});
