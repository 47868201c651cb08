/**
 * Is a webhook's order the one we posted, moved to the status we wrote and nothing else? BigCommerce's
 * `store/order/updated` does not say what changed (PLATFORM-FACTS, webhooks), and our own status write sends one: a run
 * per order loaded the order and planned it again only to find it unchanged. The write-back records a fingerprint of
 * the order as it was posted from, with the settings it was planned under; a later run whose order has that
 * fingerprint, in the status we wrote, plans nothing (`unchangedSinceOurWrite`). Any other change of the order (an
 * edit, a capture, a refund: each changes the order resource) or of the settings gives another fingerprint and the
 * order is planned as always; any other write of the record clears it (lib/repos/sync-records.ts).
 */
import { createHash } from 'node:crypto';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { SyncSettings } from '../settings';
import { canonicalJson, DOCUMENT_BUILDER_VERSION } from '../content-hash';
import type { SyncRecord } from './ports';

/**
 * The order without what our status write changes (its status and the time of the change), with the settings and the
 * document builder's version it is planned under.
 */
export function orderFingerprint(order: BcOrder, settings: SyncSettings): string {
  const { date_modified: _modified, status_id: _statusId, status: _status, custom_status: _custom, ...rest } = order;
  const digest = createHash('sha256').update(canonicalJson({ order: rest, settings: settingsDigest(settings), builder: DOCUMENT_BUILDER_VERSION })).digest('hex');
  return `sha256:${digest}`;
}

/** The settings' own hash, once per settings object (a store context reads them once and plans many orders). */
const settingsDigests = new WeakMap<SyncSettings, string>();
function settingsDigest(settings: SyncSettings): string {
  let digest = settingsDigests.get(settings);
  if (digest === undefined) {
    digest = createHash('sha256').update(canonicalJson(settings)).digest('hex');
    settingsDigests.set(settings, digest);
  }
  return digest;
}

/**
 * The order is as posted, in the status we wrote after posting it, and nothing was recorded since: planning it again
 * would find it unchanged. Not for a status that cancels or refunds (a misconfigured write-back status is then planned
 * as the merchant's change would be).
 */
export function unchangedSinceOurWrite(record: SyncRecord | null, order: BcOrder, settings: SyncSettings): boolean {
  if (!record || record.state !== 'posted' || !record.orderFingerprint) return false;
  if (record.writtenStatusId === null || record.writtenStatusId !== order.status_id) return false;
  const o = settings.orders;
  if (o.voidStatusIds.includes(order.status_id) || o.refundStatusIds.includes(order.status_id)) return false;
  return record.orderFingerprint === orderFingerprint(order, settings);
}
