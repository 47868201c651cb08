import { listNotifications, listNotificationsSchema, notificationRepo } from '@/lib/admin/notifications';
import { parseQuery } from '@/lib/admin/http';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The store's notifications, newest first, with the unread count (the bell's list). */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, listNotificationsSchema);
  if (!query.ok) return query.response;
  return Response.json(await listNotifications(await notificationRepo(), session.storeHash, query.value));
});
