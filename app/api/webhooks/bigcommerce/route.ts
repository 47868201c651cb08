import { answerDelivery, MAX_WEBHOOK_BODY_BYTES, TOO_LARGE_ANSWER, WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { webhookDeps } from '@/lib/deps';

export const dynamic = 'force-dynamic';

/**
 * BigCommerce webhook receiver: verify, record once, hand on, answer 2xx fast. Under `next dev` and `next start`;
 * the production server (`npm start`, lib/server/main.ts) answers this path before Next with the same answerDelivery.
 */
export async function POST(request: Request): Promise<Response> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_WEBHOOK_BODY_BYTES) return Response.json(TOO_LARGE_ANSWER.body, { status: TOO_LARGE_ANSWER.status });
  const rawBody = await request.text();
  const answer = await answerDelivery(await webhookDeps(), { secretHeader: request.headers.get(WEBHOOK_SECRET_HEADER), rawBody });
  return Response.json(answer.body, { status: answer.status });
}
