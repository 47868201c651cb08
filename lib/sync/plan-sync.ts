/**
 * What to do with one order now: skip, create, update, void or credit. Pure; the job layer loads the order
 * and the sync record, builds the document (for its content hash) when the order is eligible, and calls this.
 */
import { hashVersion } from './content-hash';
import type { SyncSettings } from './settings';

export type SyncTrigger = 'webhook' | 'sweep' | 'backfill' | 'manual';

/** What the job layer knows about the order's previous sync, if any. */
export interface SyncRecordView {
  state: 'pending' | 'posted' | 'failed' | 'held' | 'voided' | 'credited' | 'skipped';
  /** Content hash of the document as last posted; null until posted. */
  contentHash: string | null;
  /** Id of the document in the accounting system; null until posted. */
  remoteId: string | null;
  /** The document can no longer change there (paid, reconciled, in a closed period). */
  locked: boolean;
}

export interface PlanInput {
  order: {
    id: number;
    statusId: number;
    /** ISO or RFC 2822 creation date. */
    dateCreated: string;
    isDeleted?: boolean;
  };
  settings: SyncSettings;
  record: SyncRecordView | null;
  /** Hash of the document built from the order now; null when it was not built (not eligible or it failed). */
  contentHash: string | null;
  trigger: SyncTrigger;
}

export type SkipReason =
  | 'auto_sync_off'
  | 'before_orders_from_date'
  | 'status_ignored'
  | 'status_not_imported'
  | 'already_posted_unchanged'
  | 'document_locked'
  | 'cancelled_before_posting'
  | 'already_voided'
  | 'already_credited';

export type SyncPlan =
  | { action: 'skip'; reason: SkipReason; message: string }
  | { action: 'create'; reason: 'new_order' | 'retry_after_failure'; message: string }
  | { action: 'update'; reason: 'content_changed'; message: string }
  | { action: 'void'; reason: 'order_cancelled' | 'order_deleted'; message: string }
  | { action: 'credit'; reason: 'order_refunded' | 'cancelled_after_lock'; message: string };

export function planSync(input: PlanInput): SyncPlan {
  const { order, settings, record, contentHash, trigger } = input;
  const o = settings.orders;
  const posted = record?.state === 'posted';

  if (!o.autoSync && (trigger === 'webhook' || trigger === 'sweep')) {
    return { action: 'skip', reason: 'auto_sync_off', message: 'Automatic sync is off for this store; post the order from the activity page.' };
  }

  // Cancellation, deletion and refunds concern documents that exist; before posting they mean "never post".
  const cancelled = order.isDeleted === true || o.voidStatusIds.includes(order.statusId);
  const refunded = o.refundStatusIds.includes(order.statusId);
  if (cancelled || refunded) {
    if (record?.state === 'voided') return { action: 'skip', reason: 'already_voided', message: 'The document was already voided.' };
    if (record?.state === 'credited') return { action: 'skip', reason: 'already_credited', message: 'A credit note was already posted.' };
    if (!posted) {
      return { action: 'skip', reason: 'cancelled_before_posting', message: `Order ${order.id} was ${refunded ? 'refunded' : 'cancelled'} before it was posted; nothing to do.` };
    }
    if (refunded) return { action: 'credit', reason: 'order_refunded', message: `Order ${order.id} was refunded: post a credit note for the document.` };
    if (record.locked) {
      return { action: 'credit', reason: 'cancelled_after_lock', message: `Order ${order.id} was cancelled after its document was locked: post a credit note.` };
    }
    return order.isDeleted
      ? { action: 'void', reason: 'order_deleted', message: `Order ${order.id} was deleted: void the document.` }
      : { action: 'void', reason: 'order_cancelled', message: `Order ${order.id} was cancelled: void the document.` };
  }

  if (posted) {
    if (contentHash === null || contentHash === record.contentHash) {
      return { action: 'skip', reason: 'already_posted_unchanged', message: 'Already posted; nothing changed since.' };
    }
    if (record.contentHash !== null && hashVersion(record.contentHash) !== hashVersion(contentHash)) {
      // Built by another version of the document builder: the difference may be ours, not the order's.
      return {
        action: 'skip',
        reason: 'already_posted_unchanged',
        message: 'Already posted by an earlier version of Ledgerbridge; not posted again. Edit the order in the accounting system if it changed.',
      };
    }
    if (record.locked) {
      return { action: 'skip', reason: 'document_locked', message: `Order ${order.id} changed after its document was locked (paid or reconciled); review it in the accounting system.` };
    }
    return { action: 'update', reason: 'content_changed', message: `Order ${order.id} changed since it was posted: update the document.` };
  }

  if (o.ordersFromDate !== null) {
    const created = new Date(order.dateCreated);
    if (!Number.isNaN(created.getTime()) && created.toISOString().slice(0, 10) < o.ordersFromDate) {
      return { action: 'skip', reason: 'before_orders_from_date', message: `Order ${order.id} was placed before ${o.ordersFromDate}, the first date to sync.` };
    }
  }
  if (o.ignoredStatusIds.includes(order.statusId)) {
    return { action: 'skip', reason: 'status_ignored', message: `Orders in status ${order.statusId} are ignored.` };
  }
  if (!o.importStatusIds.includes(order.statusId)) {
    return { action: 'skip', reason: 'status_not_imported', message: `Order ${order.id} is not in a status that is posted (status ${order.statusId}).` };
  }
  if (record && (record.state === 'failed' || record.state === 'held' || record.state === 'pending')) {
    // The idempotency key makes this safe even if the earlier attempt did reach the accounting system.
    return { action: 'create', reason: 'retry_after_failure', message: `Post order ${order.id} again.` };
  }
  return { action: 'create', reason: 'new_order', message: `Post order ${order.id}.` };
}

/** The deterministic idempotency key for one posting of one order (ledger posting key, Xero Idempotency-Key, QuickBooks requestid ≤ 50). */
export function idempotencyKey(storeHash: string, orderId: number, operation: 'document' | 'payment' | 'void' | 'credit' | 'update', sequence = 0): string {
  const key = `${storeHash}:${orderId}:${operation}${sequence ? `:${sequence}` : ''}`;
  if (key.length > 50) throw new Error(`idempotency key too long: ${key}`);
  return key;
}
