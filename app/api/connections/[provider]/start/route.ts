import { bindingCookie } from '@/lib/accounting/connect/browser-binding';
import { definitionOf } from '@/lib/accounting/registry';
import { connectDeps } from '@/lib/deps';
import { env } from '@/lib/env';
import { jsonFailure } from '@/lib/http/respond';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/**
 * The consent URL for the store's session, asked for by the app's connect page in the consent window (a new
 * window: consent pages cannot be shown inside the control-panel iframe). The answer binds the flow to that window's
 * browser with a cookie its callback must bring back (lib/accounting/connect/browser-binding.ts), which is why this
 * is a POST from that first-party window and not a GET from the embedded page.
 */
export const POST = withSession<{ params: Promise<{ provider: string }> }>(async (_request, session, { params }) => {
  const { provider } = await params;
  const definition = definitionOf(provider);
  if (!definition?.connector) return jsonFailure({ kind: 'NotFound', message: `${provider} cannot be connected.` });
  const deps = await connectDeps(provider);
  if (!deps) {
    const { clientId, clientSecret } = definition.connector.env;
    return jsonFailure({ kind: 'Conflict', message: `${definition.display.name} is not configured for this app (${clientId}, ${clientSecret}).` });
  }
  const started = definition.connector.start(deps, session);
  const cookie = bindingCookie({ provider, secret: deps.config.stateSecret, consentUrl: started.url, secure: new URL(env().APP_URL).protocol === 'https:' });
  return Response.json(started, { headers: { 'set-cookie': cookie } });
});
