/**
 * Xero's webhooks (https://developer.xero.com/documentation/guides/webhooks/overview/ and
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/): one delivery URL and one webhook
 * key per app, set in Xero's developer portal. Every delivery carries `x-xero-signature`, the base64 HMAC-SHA256 of
 * the raw body keyed with the webhook key. "Intent to receive": before Xero activates the subscription (and now and
 * then after) it sends payloads with no events, some correctly and some incorrectly signed, and the receiver must
 * answer 200 to the first and 401 to the second, within 5 s; any other answer leaves the webhook inactive. The same
 * rule answers every delivery. Events name a resource and its tenant (`INVOICE`/`UPDATE`, `resourceId`, `tenantId`),
 * never its content: the app reads the invoice.
 */
import { z } from 'zod';
import type { ConnectorWebhook } from '../definition';
import { verifyBase64HmacSha256 } from '../connect/webhook-signature';

export const XERO_SIGNATURE_HEADER = 'x-xero-signature';

const deliverySchema = z.object({
  events: z.array(
    z
      .object({
        resourceId: z.string().min(1),
        resourceUrl: z.string().optional(),
        eventCategory: z.string(),
        eventType: z.string(),
        tenantId: z.string().min(1),
      })
      .loose(),
  ),
  firstEventSequence: z.number().optional(),
  lastEventSequence: z.number().optional(),
  entropy: z.string().optional(),
});

export const verifyXeroSignature = verifyBase64HmacSha256;

export const xeroWebhook: ConnectorWebhook = {
  signatureHeader: XERO_SIGNATURE_HEADER,
  verify: verifyXeroSignature,
  changedDocuments(rawBody) {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return null;
    }
    const parsed = deliverySchema.safeParse(json);
    if (!parsed.success) return null;
    // Invoices only: contacts and credit notes change no order's status (a credit note shows on its invoice).
    return parsed.data.events
      .filter((e) => e.eventCategory === 'INVOICE' && e.eventType === 'UPDATE')
      .map((e) => ({ tenantId: e.tenantId.toLowerCase(), documentId: e.resourceId.toLowerCase() }));
  },
};
