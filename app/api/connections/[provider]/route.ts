import { getDb } from '@/db';
import { definitionOf, DEFAULT_PROVIDER } from '@/lib/accounting/registry';
import { connectDeps } from '@/lib/deps';
import { jsonFailure } from '@/lib/http/respond';
import { withSession } from '@/lib/http/with-session';
import { createStoreSyncRepo } from '@/lib/repos/store-sync';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ provider: string }> };

/** The store's connection to this accounting system: connected (organisation), choose_tenant, reconnect, or none. */
export const GET = withSession<Context>(async (_request, session, { params }) => {
  const { provider } = await params;
  const deps = await connectDeps(provider);
  if (!deps) return Response.json({ provider, configured: false, connection: null });
  const connection = await deps.connections.get(session.storeHash, provider);
  return Response.json({ provider, configured: true, connection });
});

/** Disconnect: revoke the tokens at the provider, delete them here, and post to the built-in ledger again. */
export const DELETE = withSession<Context>(async (_request, session, { params }) => {
  const { provider } = await params;
  const connector = definitionOf(provider)?.connector;
  const deps = await connectDeps(provider);
  if (!connector || !deps) return jsonFailure({ kind: 'NotFound', message: `${provider} is not connected.` });
  const { revoked } = await connector.disconnect(deps, session.storeHash);
  await createStoreSyncRepo({ db: await getDb() }).setProvider(session.storeHash, DEFAULT_PROVIDER);
  return Response.json({ provider, disconnected: true, revoked });
});
