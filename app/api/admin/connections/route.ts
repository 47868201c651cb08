import { currentProvider } from '@/lib/admin/context';
import { providerListings } from '@/lib/admin/connections';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** The accounting systems of the registry, with the store's current one and which this installation can connect. */
export const GET = withSession(async (_request, session) => {
  const provider = await currentProvider(session.storeHash);
  return Response.json({ current: provider, providers: providerListings(provider) });
});
