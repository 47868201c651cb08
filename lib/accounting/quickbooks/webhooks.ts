/**
 * Intuit's webhooks (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications):
 * one endpoint and one verifier token per app; `intuit-signature`: "Hash the notification payload with
 * HMAC_SHA256_ALGORITHM using your verifier token as the key" and compare it with the header, which is that hash in
 * base64. Answer within 3 s; Intuit retries (20, 30, 50 minutes) and may deliver out of order. Entities name the
 * object, never its content: the app reads the invoice.
 *
 * Two payload formats, both read:
 * - CloudEvents, Intuit's format since its webhooks moved to it (announced 2025-11-12, mandatory for every app by
 *   mid-2026: https://blogs.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure/; Intuit's SDKs read
 *   both): a JSON array of events `{specversion: "1.0", id, source, type: "qbo.<entity>.<action>.v1", datacontenttype,
 *   time, intuitentityid, intuitaccountid (the realm), data}`, actions created, updated, deleted, merged, voided, emailed.
 * - The earlier `{eventNotifications: [{realmId, dataChangeEvent: {entities: [{name, id, operation, lastUpdated}]}}]}`.
 */
import { z } from 'zod';
import type { ConnectorWebhook } from '../definition';
import { remoteIdOf } from './refs';
import { verifyBase64HmacSha256 } from '../connect/webhook-signature';

export const INTUIT_SIGNATURE_HEADER = 'intuit-signature';

const notificationSchema = z.object({
  eventNotifications: z.array(
    z
      .object({
        realmId: z.string().min(1),
        dataChangeEvent: z
          .object({ entities: z.array(z.object({ name: z.string(), id: z.string().min(1), operation: z.string() }).loose()) })
          .loose()
          .optional(),
      })
      .loose(),
  ),
});

const cloudEventsSchema = z.array(
  z
    .object({
      specversion: z.literal('1.0'),
      id: z.string().min(1),
      type: z.string(),
      intuitentityid: z.string().min(1),
      intuitaccountid: z.string().min(1),
    })
    .loose(),
);

/** "qbo.invoice.updated.v1" → the entity and operation in the earlier format's words ("Invoice", "Update"). */
const CLOUD_ENTITIES: Record<string, string> = { invoice: 'Invoice', payment: 'Payment' };
const CLOUD_ACTIONS: Record<string, string> = { created: 'Create', updated: 'Update', deleted: 'Delete', voided: 'Void', merged: 'Merge', emailed: 'Emailed' };

interface EntityChange {
  realmId: string;
  name: string;
  id: string;
  operation: string;
}

function entityChanges(json: unknown): EntityChange[] | null {
  if (Array.isArray(json)) {
    const events = cloudEventsSchema.safeParse(json);
    if (!events.success) return null;
    return events.data.flatMap((e) => {
      const parts = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/.exec(e.type);
      const name = parts ? CLOUD_ENTITIES[parts[1]!] : undefined;
      const operation = parts ? CLOUD_ACTIONS[parts[2]!] : undefined;
      return name && operation ? [{ realmId: e.intuitaccountid, name, id: e.intuitentityid, operation }] : [];
    });
  }
  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success) return null;
  return parsed.data.eventNotifications.flatMap((n) => (n.dataChangeEvent?.entities ?? []).map((e) => ({ realmId: n.realmId, name: e.name, id: e.id, operation: e.operation })));
}

export const verifyIntuitSignature = verifyBase64HmacSha256;

export const quickbooksWebhook: ConnectorWebhook = {
  signatureHeader: INTUIT_SIGNATURE_HEADER,
  verify: verifyIntuitSignature,
  changedDocuments(rawBody) {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return null;
    }
    const changes = entityChanges(json);
    if (!changes) return null;
    // Invoices (a credit memo applied changes the invoice's Balance; a void is an operation of its own) and payments,
    // which name themselves, not the invoices they pay: the provider reads those (linkedDocuments). Ids as the
    // provider keeps its remote ids ("Invoice:130", "Payment:88").
    return changes
      .filter((e) => (e.name === 'Invoice' && ['Update', 'Void', 'Delete'].includes(e.operation)) || (e.name === 'Payment' && ['Create', 'Update'].includes(e.operation)))
      .map((e) => ({ tenantId: e.realmId.toLowerCase(), documentId: remoteIdOf(e.name === 'Payment' ? 'Payment' : 'Invoice', e.id) }));
  },
};
