import { uninstallApp } from '@/lib/bigcommerce/install';
import { lifecycleDeps } from '@/lib/deps';
import { callbackFailurePage } from '@/lib/http/callback-failure';

export const dynamic = 'force-dynamic';

/** Uninstall callback (server to server). Idempotent: a replay answers 200 and changes nothing. */
export async function GET(request: Request): Promise<Response> {
  const result = await uninstallApp(await lifecycleDeps(), new URL(request.url).searchParams.get('signed_payload_jwt'));
  if (!result.ok) return callbackFailurePage(result.error);
  return Response.json({
    store_hash: result.value.storeHash,
    known: result.value.known,
    already_uninstalled: result.value.alreadyUninstalled,
  });
}
