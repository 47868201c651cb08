import { emailChoicesSchema, emailSettings, notificationRepo } from '@/lib/admin/notifications';
import { failure, parseBody } from '@/lib/admin/http';
import { env } from '@/lib/env';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

const mailStatus = () => ({ emailOn: Boolean(env().SMTP_URL), from: env().MAIL_FROM });

/** Whether email is on, the signed-in user's choices, and who of the store gets what (bounced addresses named). */
export const GET = withSession(async (_request, session) => Response.json(await emailSettings(await notificationRepo(), session, mailStatus())));

/** The signed-in user's own choices: which kinds of alert, and the daily digest. */
export const PUT = withSession(async (request, session) => {
  const input = await parseBody(request, emailChoicesSchema);
  if (!input.ok) return input.response;
  const repo = await notificationRepo();
  if (!(await repo.setPreferences(session.storeHash, session.userId, input.value))) {
    return failure({ kind: 'Forbidden', message: 'You are not one of this store’s users on record: open the app from the control panel again.' });
  }
  return Response.json(await emailSettings(repo, session, mailStatus()));
});
