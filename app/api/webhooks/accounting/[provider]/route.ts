import { WEBHOOK_BODY_LIMITS } from '@/lib/bigcommerce/webhooks';
import { bodyFailureResponse, bodyText, readRequestBody } from '@/lib/http/read-body';
import { answerBooksWebhook } from '@/lib/jobs/books-webhook';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ provider: string }> };

/** An accounting system's webhook about its documents: verify with its key, hand on, answer fast (lib/jobs/books-webhook.ts). */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const { provider } = await params;
  const body = await readRequestBody(request, WEBHOOK_BODY_LIMITS);
  if (!body.ok) return bodyFailureResponse(body.error);
  const answer = await answerBooksWebhook({ provider, rawBody: bodyText(body.bytes), header: (name) => request.headers.get(name) });
  return Response.json(answer.body, { status: answer.status });
}
