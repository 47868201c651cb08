import type { MeView } from '@/lib/admin/permissions';
import { storePermissions } from '@/lib/admin/permissions';
import { storeRepo } from '@/lib/deps';
import { env } from '@/lib/env';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The signed-in store and user, for the page header, and the permissions the store still has to grant. */
export const GET = withSession(async (_request, session) => {
  const store = await (await storeRepo()).findInstalled(session.storeHash);
  return Response.json({
    store: store && {
      hash: store.storeHash,
      name: store.storeName,
      plan: store.planLevel,
      currency: store.currency,
      installedAt: store.installedAt.toISOString(),
      permissions: storePermissions(store.scope, env().requiredScopes),
    },
    user: { id: session.userId },
  } satisfies MeView);
});
