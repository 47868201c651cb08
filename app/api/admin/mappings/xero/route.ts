import { adminStore } from '@/lib/admin/context';
import { xeroPostingView } from '@/lib/admin/xero-posting';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The Xero section of the mappings page: whether it applies, and the organisation's tracking categories read live. */
export const GET = withSession(async (_request, session) => {
  const ctx = await adminStore(session);
  return Response.json(await xeroPostingView({ providerId: ctx.providerId, settings: ctx.settings, describe: () => ctx.provider.describe() }));
});
