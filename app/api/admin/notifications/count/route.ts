import { notificationRepo, type UnreadCountView } from '@/lib/admin/notifications';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The bell's number: the store's unread notifications. */
export const GET = withSession(async (_request, session) => {
  const view: UnreadCountView = { unread: await (await notificationRepo()).unreadCount(session.storeHash) };
  return Response.json(view);
});
