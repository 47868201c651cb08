import { definitionOf } from '@/lib/accounting/registry';
import { connectDeps } from '@/lib/deps';
import { jsonFailure } from '@/lib/http/respond';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/**
 * The consent URL for the store's session. The page opens it in a new window: consent pages cannot be shown inside
 * the control-panel iframe.
 */
export const GET = withSession<{ params: Promise<{ provider: string }> }>(async (_request, session, { params }) => {
  const { provider } = await params;
  const definition = definitionOf(provider);
  if (!definition?.connector) return jsonFailure({ kind: 'NotFound', message: `${provider} cannot be connected.` });
  const deps = await connectDeps(provider);
  if (!deps) {
    const { clientId, clientSecret } = definition.connector.env;
    return jsonFailure({ kind: 'Conflict', message: `${definition.display.name} is not configured for this app (${clientId}, ${clientSecret}).` });
  }
  return Response.json(definition.connector.start(deps, session));
});
