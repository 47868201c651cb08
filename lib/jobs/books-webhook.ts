/**
 * A remote accounting system's webhook about its documents (app/api/webhooks/accounting/[provider]/route.ts):
 * verify the signature with the key its connector names (`env.webhookKey`), then hand each changed document to the
 * books-document-changed function and answer at once. The answer is what the system's handshake expects: 200 for a
 * correctly signed delivery (with or without events), 401 for anything else signed, 404 for a system without webhooks
 * or without a key configured here.
 */
import { definitionOf } from '@/lib/accounting/registry';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { sendJobEvents } from './dispatch';
import { booksDocumentChanged } from './events';

export type BooksWebhookAnswer = { status: 200 | 401 | 404 | 400; body: Record<string, unknown> };

export async function answerBooksWebhook(
  input: { provider: string; rawBody: string; header: (name: string) => string | null },
  deps: { variables?: Readonly<Record<string, string>>; send?: typeof sendJobEvents } = {},
): Promise<BooksWebhookAnswer> {
  const connector = definitionOf(input.provider)?.connector;
  const webhook = connector?.webhook;
  const keyName = connector?.env.webhookKey;
  const key = keyName ? (deps.variables ?? env().variables)[keyName] : undefined;
  if (!connector || !webhook || !key) return { status: 404, body: { error: 'No webhooks are received for this system here.' } };
  if (!webhook.verify(input.rawBody, input.header(webhook.signatureHeader), key)) return { status: 401, body: { error: 'Bad signature.' } };
  const documents = webhook.changedDocuments(input.rawBody);
  if (documents === null) return { status: 400, body: { error: 'Not a delivery this system sends.' } };
  if (documents.length > 0) {
    const events = documents.map((d) =>
      booksDocumentChanged.create({ provider: input.provider, tenantId: d.tenantId, documentId: d.documentId }),
    );
    // Not sent (Inngest unreachable): still 200, so the system does not turn the webhook off; the sweep catches up.
    const sent = await (deps.send ?? sendJobEvents)(events, { provider: input.provider, documents: documents.length });
    if (!sent) logger().warn({ provider: input.provider }, 'books webhook: events not sent');
  }
  return { status: 200, body: { received: documents.length } };
}
