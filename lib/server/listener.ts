import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { WebhookDeps } from '@/lib/bigcommerce/webhooks';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequest } from '@/lib/request-context';
import { guardBody } from './body-guard';
import { isWebhookDelivery, serveWebhookDelivery } from './webhook-path';

/** How long a refused client has to read its answer before the connection is dropped. */
const CLOSE_GRACE_MS = 1_000;

/**
 * A request whose body is still arriving when its answer has been sent (refused as too large or too slow, or answered
 * without reading it: a 401, a GET with a body) has its connection closed without reading further. Node would
 * otherwise read the rest of the body to the end, and throw it away, to keep the connection alive: a client could
 * stream 256 MB into a 413. The answer goes out first (FIN after it), reading stops at once, and the connection is
 * destroyed a moment later if the client does not close it.
 */
export function closeUnreadBodies(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    socket.pause();
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  });
}

/**
 * The production server's request listener: webhook deliveries on the direct path, everything else to `rest` (Next's
 * request handler in lib/server/main.ts; the integration tests' route table in tests/integration/support/app-server.ts).
 * Each request gets an id (a well-formed incoming `x-request-id`, else a new one), answered in `x-request-id` and
 * handed on in the request's header; everything done for the request runs in its context, so every log line names it.
 */
export function createRequestListener(options: {
  rest: (req: IncomingMessage, res: ServerResponse) => unknown;
  webhookDeps: () => Promise<WebhookDeps>;
  onWebhookError: (error: unknown) => void;
  /** The build's scripts and styles in brotli (static-brotli.ts): true when it answered; what it leaves goes to `rest`. */
  staticAssets?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): RequestListener {
  return (req, res) => {
    closeUnreadBodies(req, res);
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    runInRequest({ requestId }, () => {
      if (isWebhookDelivery(req)) serveWebhookDelivery(req, res, options.webhookDeps, options.onWebhookError);
      else if (options.staticAssets?.(req, res)) return;
      // Next reads some bodies before the route does: their limit and deadline are kept here (body-guard.ts).
      else if (guardBody(req, res)) void options.rest(req, res);
    });
  };
}
