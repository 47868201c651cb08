import { createHash } from 'node:crypto';
import type { SalesDocument } from './sales-document';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Bump when a change to the document builder changes the documents it builds for unchanged orders. Hashes carry it,
 * and a document posted under another version is never "changed" by a deploy alone (which would void and re-post
 * every posted order the next time it is looked at): see planSync.
 */
export const DOCUMENT_BUILDER_VERSION = 1;

/** The builder version a content hash was made with (null for hashes from before versions were recorded). */
export function hashVersion(hash: string): number | null {
  const match = /^v(\d+):/.exec(hash);
  return match ? Number(match[1]) : null;
}

/**
 * Hash of what the order sold, as the accounting system would receive it. Left out: the order's status (a status
 * change alone, such as our own write-back, must not cause an update); how the customer was matched in the
 * accounting system (`match`, `remoteId`, the display name chosen for it: posting creates the customer, so the next
 * look finds it linked; its delivery address, which `shippingContacts` holds already); what was paid (`payments`, `totals.due` and the kind, which follows payment: a capture is a
 * payment applied to the document, never a new document); the notes; the item each line found (an item created in
 * the books after posting does not change the sale); and what the settings decide rather than the order (the
 * number, the date and due date: a new number prefix or time zone must not rewrite every posted document).
 *
 * The pipeline hashes the booked document and the order's document with this same function each time, so a change
 * of what is hashed never looks like a changed order.
 */
export function documentContentHash(document: SalesDocument): string {
  const { source, customer, kind: _kind, payments: _payments, notes: _notes, totals, lines, number: _number, date: _date, dueDate: _dueDate, tracking: _tracking, reference: _reference, ...rest } = document;
  const { statusId: _statusId, ...stableSource } = source;
  const { match: _match, remoteId: _remoteId, displayName: _displayName, deliveryAddress: _delivery, ...orderCustomer } = customer;
  const { due: _due, ...sold } = totals;
  // The rule that chose a line's account is an explanation: the account itself is hashed.
  // The reference comes from the merchant's template (left out above); a line's description is hashed, as it says
  // what was sold: a new description template changes a posted, unlocked document the next time its order is planned.
  const soldLines = lines.map(({ itemId: _itemId, revenueRule: _revenueRule, ...line }) => line);
  const digest = createHash('sha256')
    .update(canonicalJson({ ...rest, source: stableSource, customer: orderCustomer, totals: sold, lines: soldLines }))
    .digest('hex');
  return `v${DOCUMENT_BUILDER_VERSION}:sha256:${digest}`;
}
