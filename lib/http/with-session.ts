import { sessionDeps } from '@/lib/deps';
import { sessionFromRequest, type Session } from '@/lib/session';
import { jsonFailure } from './respond';

/**
 * Every API route behind the embedded pages is wrapped in this: the store comes from the verified session and
 * nowhere else, so editing a store hash or id in a request cannot reach another store.
 */
export function withSession<Ctx = unknown>(
  handler: (request: Request, session: Session, context: Ctx) => Promise<Response>,
): (request: Request, context: Ctx) => Promise<Response> {
  return async (request, context) => {
    const session = await sessionFromRequest(request, await sessionDeps());
    if (!session.ok) return jsonFailure(session.error);
    return handler(request, session.value, context);
  };
}
