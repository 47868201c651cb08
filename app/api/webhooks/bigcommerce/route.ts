import { answerDelivery, countRefusedBody, WEBHOOK_BODY_LIMITS, WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { signatureHeadersOf } from '@/lib/bigcommerce/webhook-signature';
import { webhookDeps } from '@/lib/deps';
import { bodyFailureResponse, bodyText, readRequestBody } from '@/lib/http/read-body';

export const dynamic = 'force-dynamic';

/**
 * BigCommerce webhook receiver: verify, record once, hand on, answer 2xx fast. Under `next dev` and `next start`;
 * the production server (`npm start`, lib/server/main.ts) answers this path before Next with the same answerDelivery.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await readRequestBody(request, WEBHOOK_BODY_LIMITS);
  const deps = await webhookDeps();
  if (!body.ok) {
    countRefusedBody(deps, body.error);
    return bodyFailureResponse(body.error);
  }
  const rawBody = bodyText(body.bytes);
  const answer = await answerDelivery(deps, {
    secretHeader: request.headers.get(WEBHOOK_SECRET_HEADER),
    signature: signatureHeadersOf((name) => request.headers.get(name)),
    rawBody,
  });
  return Response.json(answer.body, { status: answer.status });
}
