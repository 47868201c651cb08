import { removeUser } from '@/lib/bigcommerce/install';
import { lifecycleDeps } from '@/lib/deps';
import { callbackFailurePage } from '@/lib/http/callback-failure';

export const dynamic = 'force-dynamic';

/** Remove-user callback (server to server): the user loses access to this store's app at once. */
export async function GET(request: Request): Promise<Response> {
  const result = await removeUser(await lifecycleDeps(), new URL(request.url).searchParams.get('signed_payload_jwt'));
  if (!result.ok) return callbackFailurePage(result.error);
  return Response.json({ store_hash: result.value.storeHash, user_id: result.value.userId, removed: result.value.removed });
}
