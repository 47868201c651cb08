import { AsyncLocalStorage } from 'node:async_hooks';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

export { REQUEST_ID_HEADER, requestIdFrom };

/**
 * The request a piece of work belongs to, so every log line it writes names it (lib/logger.ts's mixin): its id, and
 * the store once a session or a callback has said which. Entered once per request at the edge (the production
 * server's listener; withSession under `next dev`), read by the logger, never passed by hand.
 */
export interface RequestContext {
  readonly requestId: string;
  storeHash?: string;
}

// On globalThis: the production server loads this module through tsx, Next's bundles load their own copy of it, and a
// request entered in one must be seen by the other.
const storage = ((globalThis as unknown as { __lbRequestContext?: AsyncLocalStorage<RequestContext> }).__lbRequestContext ??=
  new AsyncLocalStorage<RequestContext>());

export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** The store the current request acts for, from here on in its log lines. Outside a request it does nothing. */
export function noteStoreHash(storeHash: string): void {
  const context = storage.getStore();
  if (context) context.storeHash = storeHash;
}

/**
 * Runs a route handler inside the request's context: the one the production server entered already, or under
 * `next dev` (no custom server) a new one with the id from the request's `x-request-id` header (the proxy's) or a
 * fresh id.
 */
export function withinRequest<T>(request: Request, work: () => T): T {
  return withinRequestId(request.headers.get(REQUEST_ID_HEADER), work);
}

export function withinRequestId<T>(incoming: string | null | undefined, work: () => T): T {
  if (storage.getStore()) return work();
  return storage.run({ requestId: requestIdFrom(incoming) }, work);
}

/** The fields every log line of the current request carries. */
export function requestLogFields(): { requestId?: string; storeHash?: string } {
  const context = storage.getStore();
  if (!context) return {};
  return context.storeHash ? { requestId: context.requestId, storeHash: context.storeHash } : { requestId: context.requestId };
}
