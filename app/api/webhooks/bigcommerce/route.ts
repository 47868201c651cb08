import { MAX_WEBHOOK_BODY_BYTES, receiveWebhook, WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { webhookDeps } from '@/lib/deps';
import { jsonFailure } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

/** BigCommerce webhook receiver: verify, record once, hand on, answer 2xx fast. */
export async function POST(request: Request): Promise<Response> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_WEBHOOK_BODY_BYTES) return Response.json({ error: { kind: 'TooLarge' } }, { status: 413 });
  const rawBody = await request.text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BODY_BYTES) return Response.json({ error: { kind: 'TooLarge' } }, { status: 413 });
  const result = await receiveWebhook(await webhookDeps(), {
    secretHeader: request.headers.get(WEBHOOK_SECRET_HEADER),
    rawBody,
  });
  if (!result.ok) return jsonFailure(result.error);
  return Response.json({ received: true, duplicate: result.value.duplicate });
}
