import { startXeroConnection } from '@/lib/accounting/connect/xero';
import { xeroConnectDeps } from '@/lib/deps';
import { jsonFailure } from '@/lib/http/respond';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/**
 * The consent URL for the store's session. The page opens it in a new window: Xero's consent page cannot be shown
 * inside the control-panel iframe.
 */
export const GET = withSession<{ params: Promise<{ provider: string }> }>(async (_request, session, { params }) => {
  const { provider } = await params;
  if (provider !== 'xero') return jsonFailure({ kind: 'NotFound', message: `${provider} cannot be connected yet.` });
  const deps = await xeroConnectDeps();
  if (!deps) return jsonFailure({ kind: 'Conflict', message: 'Xero is not configured for this app (XERO_CLIENT_ID, XERO_CLIENT_SECRET).' });
  return Response.json(startXeroConnection(deps, session));
});
