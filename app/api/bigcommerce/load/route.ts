import { loadApp } from '@/lib/bigcommerce/install';
import { resolveDeepLink } from '@/lib/bigcommerce/deep-link';
import { lifecycleDeps } from '@/lib/deps';
import { env } from '@/lib/env';
import { withStoreHint } from '@/lib/http/security-headers';
import { callbackFailurePage } from '@/lib/http/callback-failure';

export const dynamic = 'force-dynamic';

/** Load callback: the control panel opens the app in its iframe with a signed JWT. */
export async function GET(request: Request): Promise<Response> {
  const result = await loadApp(await lifecycleDeps(), new URL(request.url).searchParams.get('signed_payload_jwt'));
  if (!result.ok) return callbackFailurePage(result.error);
  const path = resolveDeepLink(result.value.path, env().APP_URL);
  if (!path.ok) return callbackFailurePage(path.error);
  // The session travels in the fragment: never sent to a server, never in a Referer (see lib/session.ts).
  const location = `${withStoreHint(path.value, result.value.storeHash)}#session=${encodeURIComponent(result.value.sessionToken)}`;
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}
