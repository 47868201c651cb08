import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_BODY_LIMITS, BODY_FAILURE_STATUS, tooLarge, type BodyFailure, type BodyLimits } from '@/lib/http/read-body';

/**
 * The body limit and deadline for every request the production server hands to Next. The routes read their bodies
 * within their own limits (lib/http/read-body.ts), but Next reads a body before the route does whenever proxy.ts runs
 * for the path (it buffers up to 10 MB for the proxy, then reads the rest to the end and drops it, and calls the route
 * only once the whole body is in): there a route's limit and deadline come too late. So the server counts the bytes
 * as Node's parser hands them over and answers 413 at the largest limit any route takes (the admin API's 1 MiB), or
 * 408 when the body is still arriving at the deadline; the route never sees the body, and closeUnreadBodies
 * (listener.ts) closes the connection.
 */
export const NEXT_BODY_LIMITS: BodyLimits = ADMIN_BODY_LIMITS;
/** `/api/inngest`: Inngest posts a run's accumulated step state with every call, which can be several MB. */
export const INNGEST_BODY_LIMITS: BodyLimits = { maxBytes: 32 * 1024 * 1024, timeoutMs: ADMIN_BODY_LIMITS.timeoutMs };

/** The limits for a request Next will serve. */
export function bodyLimitsFor(url: string | undefined): BodyLimits {
  const path = (url ?? '/').split('?')[0];
  return path === '/api/inngest' ? INNGEST_BODY_LIMITS : NEXT_BODY_LIMITS;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function answer(res: ServerResponse, failure: BodyFailure): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ error: failure });
  res.writeHead(BODY_FAILURE_STATUS[failure.kind], { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

/**
 * Watches the request's body; returns false when it was refused at once (a declared Content-Length over the limit),
 * in which case the request must not be handed on.
 */
export function guardBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits = bodyLimitsFor(req.url)): boolean {
  if (!hasBody(req)) return true;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared > limits.maxBytes) {
    answer(res, tooLarge(limits));
    return false;
  }
  let size = 0;
  let refused = false;
  const refuse = (failure: BodyFailure) => {
    refused = true;
    clearTimeout(timer);
    answer(res, failure);
  };
  // Node's parser hands each piece of the body to push(): counted here before anyone (Next) can read it. A refused
  // body's stream never ends for its reader: the route is never called with a truncated body.
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (refused) return false;
    if (chunk !== null && chunk !== undefined) {
      size += (chunk as Buffer).length;
      if (size > limits.maxBytes) {
        refuse(tooLarge(limits));
        return false;
      }
    }
    return push(chunk, encoding);
  };
  const timer = setTimeout(() => {
    if (!req.complete && !refused) refuse({ kind: 'Timeout', message: `The body did not arrive within ${limits.timeoutMs / 1000} s.` });
  }, limits.timeoutMs).unref();
  req.once('end', () => clearTimeout(timer));
  res.once('close', () => clearTimeout(timer));
  return true;
}
