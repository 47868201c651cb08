import { markNotificationsRead, markReadSchema, notificationRepo } from '@/lib/admin/notifications';
import { parseBody } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Marks notifications read: `{"ids":[…]}` or `{"all":true}`; another store's ids change nothing. */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, markReadSchema);
  if (!input.ok) return input.response;
  return Response.json(await markNotificationsRead(await notificationRepo(), session.storeHash, input.value));
});
