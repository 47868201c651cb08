import { sessionDeps } from '@/lib/deps';
import { noteStoreHash, withinRequest } from '@/lib/request-context';
import { sessionFromRequest, type Session } from '@/lib/session';
import { jsonFailure } from './respond';

/**
 * Every API route behind the embedded pages is wrapped in this: the store comes from the verified session and
 * nowhere else, so editing a store hash or id in a request cannot reach another store. Every answer, refusals
 * included, is `Cache-Control: no-store`: it is one store's data (or one user's session), never for a shared cache
 * or the browser's disk.
 */
export function withSession<Ctx = unknown>(
  handler: (request: Request, session: Session, context: Ctx) => Promise<Response>,
): (request: Request, context: Ctx) => Promise<Response> {
  // In the request's context (lib/request-context.ts): from the verified session on, its log lines name the store.
  return (request, context) =>
    withinRequest(request, async () => {
      const session = await sessionFromRequest(request, await sessionDeps());
      if (!session.ok) return noStore(jsonFailure(session.error));
      noteStoreHash(session.value.storeHash);
      return noStore(await handler(request, session.value, context));
    });
}

function noStore(response: Response): Response {
  try {
    response.headers.set('cache-control', 'no-store');
    return response;
  } catch {
    // Headers of a Response.redirect() or a fetched response are immutable: answer with a copy.
    const copy = new Response(response.body, response);
    copy.headers.set('cache-control', 'no-store');
    return copy;
  }
}
