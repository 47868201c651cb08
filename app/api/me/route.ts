import { storeRepo } from '@/lib/deps';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The signed-in store and user, for the page header. */
export const GET = withSession(async (_request, session) => {
  const store = await (await storeRepo()).findInstalled(session.storeHash);
  return Response.json({
    store: store && {
      hash: store.storeHash,
      name: store.storeName,
      plan: store.planLevel,
      currency: store.currency,
      installedAt: store.installedAt.toISOString(),
    },
    user: { id: session.userId },
  });
});
