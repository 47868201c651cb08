import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerDelivery, countRefusedBody, WEBHOOK_BODY_LIMITS, WEBHOOK_SECRET_HEADER, type WebhookAnswer, type WebhookDeps } from '@/lib/bigcommerce/webhooks';
import { signatureHeadersOf } from '@/lib/bigcommerce/webhook-signature';
import { BODY_FAILURE_STATUS, bodyText, readIncomingBody } from '@/lib/http/read-body';

/** The receiver's path, the one the app registers its hooks with (lib/bigcommerce/store-webhooks.ts). */
export const WEBHOOK_PATH = '/api/webhooks/bigcommerce';

const FAILED_ANSWER: WebhookAnswer = {
  status: 500,
  body: { error: { kind: 'Internal', message: 'The delivery could not be recorded; BigCommerce will send it again.' } },
};

/** A delivery to the receiver: `POST /api/webhooks/bigcommerce`, with or without a query string. */
export function isWebhookDelivery(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  const query = req.url.indexOf('?');
  return (query < 0 ? req.url : req.url.slice(0, query)) === WEBHOOK_PATH;
}

/**
 * Answers a delivery on Node's request and response directly, without Next's request pipeline (which costs more CPU
 * per request than everything the receiver does: see README, Performance). Same answers as the Next route: both read
 * the body through lib/http/read-body.ts and call answerDelivery. A body over the limit is refused as soon as it is
 * known to be, a slow one at the deadline, and the connection closed.
 */
export function serveWebhookDelivery(
  req: IncomingMessage,
  res: ServerResponse,
  deps: () => Promise<WebhookDeps>,
  onError: (error: unknown) => void,
): void {
  const send = (answer: WebhookAnswer, close = false) => {
    if (res.headersSent) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(text);
  };
  void readIncomingBody(req, WEBHOOK_BODY_LIMITS).then((read) => {
    if (!read.ok) {
      send({ status: BODY_FAILURE_STATUS[read.error.kind], body: { error: read.error } }, true);
      deps().then((d) => countRefusedBody(d, read.error), onError);
      return;
    }
    const secret = req.headers[WEBHOOK_SECRET_HEADER];
    // As Request.text() in the route: UTF-8 with a leading BOM dropped.
    const rawBody = bodyText(read.bytes);
    deps()
      .then((d) =>
        answerDelivery(d, {
          secretHeader: typeof secret === 'string' ? secret : null,
          signature: signatureHeadersOf((name) => req.headers[name]),
          rawBody,
        }),
      )
      .then(send, (error: unknown) => {
        onError(error);
        send(FAILED_ANSWER);
      });
  });
}
