import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { WebhookDeps } from '@/lib/bigcommerce/webhooks';
import { isWebhookDelivery, serveWebhookDelivery } from './webhook-path';

/**
 * The production server's request listener: webhook deliveries on the direct path, everything else to `rest` (Next's
 * request handler in lib/server/main.ts; the integration tests' route table in tests/integration/support/app-server.ts).
 */
export function createRequestListener(options: {
  rest: (req: IncomingMessage, res: ServerResponse) => unknown;
  webhookDeps: () => Promise<WebhookDeps>;
  onWebhookError: (error: unknown) => void;
}): RequestListener {
  return (req, res) => {
    if (isWebhookDelivery(req)) serveWebhookDelivery(req, res, options.webhookDeps, options.onWebhookError);
    else void options.rest(req, res);
  };
}
