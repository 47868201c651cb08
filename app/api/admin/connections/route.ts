import { currentProvider } from '@/lib/admin/context';
import { configuredProviders, providerListings } from '@/lib/admin/connections';
import { connectDeps } from '@/lib/deps';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/**
 * The accounting systems of the registry, with the store's current one (or "reconnect" when its grant was revoked or
 * expired) and which this installation can connect.
 */
export const GET = withSession(async (_request, session) => {
  const provider = await currentProvider(session.storeHash);
  const deps = await connectDeps(provider);
  const connection = deps ? await deps.connections.get(session.storeHash, provider) : null;
  const reconnect = new Set(connection?.status === 'reconnect' ? [provider] : []);
  return Response.json({ current: provider, providers: providerListings(provider, configuredProviders(), reconnect) });
});
