/**
 * What to do with one order now. Pure: the pipeline (lib/sync/pipeline/plan.ts) loads the order, its refunds, the
 * sync record and the order's postings, builds the document when the order is (or is to be) in the books, and calls
 * these.
 *
 * `gateOrder` decides whether the order belongs in the books at all (status, dates, auto-sync); `planSteps` then
 * lists the writes that bring the books to what the store says, each with its own idempotency key:
 *   create (document + its payments) · update (the document, in place, while it is not locked) · adjust (once locked:
 *   an invoice for what was added, a credit for what was removed, dated in the open period) · pay (a payment the
 *   books lack: a capture) · refund (per BigCommerce refund: its credit and the money paid out) · void or
 *   cancel-credit (a cancellation).
 * Whatever the sequence of store events, the books then hold per order: money = paid − refunded; receivable = owed
 * for what was sold; revenue and tax = sold − refunded − cancelled (ARCHITECTURE invariant 3b).
 */
import { statusNamed } from '@/lib/bigcommerce/statuses';
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { localDate } from './build-sales-document';
import { hashVersion } from './content-hash';
import { remainingSale, saleDifference } from './document-difference';
import { refundCredit, refundPayouts, type RefundPayout } from './refund-credit';
import type { DocumentLine, DocumentPayment, PaymentKind, SalesDocument } from './sales-document';
import type { SyncSettings } from './settings';

export type SyncTrigger = 'webhook' | 'sweep' | 'backfill' | 'manual';

/** What the job layer knows about the order's previous sync, if any. */
export interface SyncRecordView {
  /** `summarised`: in daily summary mode, the order waits in (or is booked by) its day's summary (lib/sync/summary). */
  state: 'pending' | 'posted' | 'failed' | 'held' | 'voided' | 'credited' | 'skipped' | 'summarised';
  /** Content hash of the document as last posted; null until posted. */
  contentHash: string | null;
  /** Id of the document in the accounting system; null until posted. */
  remoteId: string | null;
  /** The document can no longer change there (a payment or credit applied, edits refused, a closed period). */
  locked: boolean;
  /** Why the record is in its state; `gone_from_books`: reconciliation's Repair let go of a document the books lost. */
  reason?: string | null;
}

export interface GateInput {
  order: {
    id: number;
    statusId: number;
    /** ISO or RFC 2822 creation date. */
    dateCreated: string;
    isDeleted?: boolean;
  };
  settings: SyncSettings;
  record: SyncRecordView | null;
  /** The order has refunds in BigCommerce (read from V3). */
  hasRefunds?: boolean;
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
  | 'cancellation_left'
  | 'already_voided'
  | 'already_credited';

export type Gate =
  | { action: 'skip'; reason: SkipReason; message: string }
  | { action: 'create'; reason: 'new_order' | 'retry_after_failure' | 'refunded_before_posting'; message: string }
  /** The document is in the books: what changed in the store decides (planSteps). */
  | { action: 'follow'; message: string }
  | { action: 'closed'; reason: 'already_voided'; message: string };

export function isCancelled(order: GateInput['order'], settings: SyncSettings): boolean {
  return order.isDeleted === true || settings.orders.voidStatusIds.includes(order.statusId);
}

/** Statuses in which an order never posted is posted with its refunds (setting `orders.refundStatusIds`). */
export function refundStatuses(settings: SyncSettings): Set<number> {
  return new Set(settings.orders.refundStatusIds);
}

/** Does the order belong in the books? */
export function gateOrder(input: GateInput): Gate {
  const { order, settings, record, trigger } = input;
  const o = settings.orders;

  if (!o.autoSync && (trigger === 'webhook' || trigger === 'sweep')) {
    return { action: 'skip', reason: 'auto_sync_off', message: 'Automatic sync is off for this store; post the order from the activity page.' };
  }
  if (record?.state === 'voided') return { action: 'closed', reason: 'already_voided', message: 'The document was voided when the order was cancelled.' };
  if (record?.remoteId && record.state !== 'pending') return { action: 'follow', message: 'The order is in the books.' };

  if (isCancelled(order, settings)) {
    return { action: 'skip', reason: 'cancelled_before_posting', message: `Order ${order.id} was cancelled before it was posted; nothing to do.` };
  }
  if (o.ordersFromDate !== null) {
    const created = new Date(order.dateCreated);
    if (!Number.isNaN(created.getTime()) && created.toISOString().slice(0, 10) < o.ordersFromDate) {
      return { action: 'skip', reason: 'before_orders_from_date', message: `Order ${order.id} was placed before ${o.ordersFromDate}, the first date to sync.` };
    }
  }
  // Money came in and went back out before we posted the order: the sale, its payment and its refunds all go in.
  const refundedFirst = refundStatuses(settings).has(order.statusId) && input.hasRefunds === true;
  // A document the app posted and the books lost (voided or deleted there; Repair, lib/sync/reconcile/repair.ts): the
  // order was in the books, so it goes back whatever status it has moved on to since (shipped, completed), as
  // reconciliation counts a posted order that moved on; an ignored status still keeps it out.
  const postedBefore = record?.state === 'failed' && record.reason === 'gone_from_books';
  if (!refundedFirst) {
    if (o.ignoredStatusIds.includes(order.statusId)) {
      return { action: 'skip', reason: 'status_ignored', message: `Orders in status ${statusNamed(order.statusId)} are ignored.` };
    }
    if (!o.importStatusIds.includes(order.statusId) && !postedBefore) {
      return { action: 'skip', reason: 'status_not_imported', message: `Order ${order.id} is not in a status that is posted (${statusNamed(order.statusId)}).` };
    }
  }
  if (record && (record.state === 'failed' || record.state === 'held' || record.state === 'pending')) {
    // The idempotency key makes this safe even if the earlier attempt did reach the accounting system.
    return { action: 'create', reason: 'retry_after_failure', message: `Post order ${order.id} again.` };
  }
  if (refundedFirst) return { action: 'create', reason: 'refunded_before_posting', message: `Post order ${order.id} with the refunds BigCommerce made before it was posted.` };
  return { action: 'create', reason: 'new_order', message: `Post order ${order.id}.` };
}

// ---- the writes ----

export interface PlannedCredit {
  number: string;
  lines: DocumentLine[];
  total: string;
  tax: string;
  date: string;
  notes: string[];
}

export type PlannedPayout = RefundPayout & { key: string; date: string };

export type Step =
  | { kind: 'create'; document: SalesDocument; contentHash: string; version: number }
  /** The sale changed: update the document in place or, once it is locked, book the difference (`added`, `removed`). */
  | { kind: 'update'; document: SalesDocument; contentHash: string; version: number; locked: boolean; added: DocumentLine[]; removed: DocumentLine[]; date: string }
  | { kind: 'pay'; payments: Array<DocumentPayment & { key: string }> }
  /** One BigCommerce refund: its credit (null when a cancellation already reversed the sale) and the money paid out. */
  /** `generation`: 1 for the refund's first booking; n when Repair let go of n − 1 bookings the books lost. */
  | { kind: 'refund'; refundId: number; key: string; credit: PlannedCredit | null; payouts: PlannedPayout[]; generation?: number }
  | { kind: 'void'; reason: 'order_cancelled' | 'order_deleted'; key: string }
  | { kind: 'cancel_credit'; key: string; credit: PlannedCredit };

export type StepKind = Step['kind'];

/** What the postings say is booked, as the plan needs it. */
export interface Booked {
  /** Payments in, by kind (booked or skipped: a skipped payment is not tried again by itself). */
  paymentKinds: Set<PaymentKind>;
  payments: DocumentPayment[];
  /** Refunds whose credit (or, after a cancellation, nothing) is booked; and payouts booked, by key. */
  creditedRefunds: Set<number>;
  payoutKeys: Set<string>;
  /**
   * Per refund, how many of its credits the books lost and Repair let go of (postings `gone`): the refund is booked
   * again under keys of the next generation, which no earlier write used (an old key would return the lost document).
   */
  goneCredits?: ReadonlyMap<number, number>;
  /** The lines of every credit booked (refunds, cancellation, adjustments): what is no longer sold. */
  creditLines: DocumentLine[][];
  cancelCredited: boolean;
}

export interface StepsInput {
  storeHash: string;
  order: GateInput['order'];
  settings: SyncSettings;
  gate: Extract<Gate, { action: 'create' | 'follow' }>;
  record: (SyncRecordView & { documentVersion: number; document: SalesDocument | null }) | null;
  booked: Booked;
  refunds: readonly BcRefund[];
  /** The document built from the order now. */
  built: { document: SalesDocument; contentHash: string };
  /** Hash of the booked document under today's hash rules (null when none is booked). */
  bookedHash: string | null;
  /** Today in the store's time zone (YYYY-MM-DD). */
  today: string;
}

export type StepsPlan =
  | { action: 'skip'; reason: SkipReason; message: string }
  | { action: StepKind; reason: string; message: string; steps: Step[] };

/** A date in the open period: `date`, or the day after the lock date when `date` falls in the closed period. */
export function openPeriod(date: string, settings: SyncSettings): string {
  const lock = settings.document.lockDate;
  if (lock === null || date > lock) return date;
  const next = new Date(`${lock}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * The writes that bring the books to what the store says now. Refunds are booked before a cancellation, so a
 * cancellation reverses only what the refunds left; a refund after the cancellation only pays the money out.
 */
export function planSteps(input: StepsInput): StepsPlan {
  const { order, settings, record, booked, built, storeHash } = input;
  const steps: Step[] = [];
  const reasons: string[] = [];
  const key = (operation: KeyOperation, sequence?: number | string) => idempotencyKey(storeHash, order.id, operation, sequence);
  const cancelled = isCancelled(order, settings);

  // The sale as the books hold it (after this run's create or update).
  let sale: SalesDocument;
  let version = record?.documentVersion ?? 0;
  let paymentKinds = booked.paymentKinds;
  let bookedPayments = booked.payments;
  let locked = (record?.locked ?? false) || booked.payments.length > 0 || booked.creditLines.length > 0;

  if (input.gate.action === 'create') {
    sale = built.document;
    steps.push({ kind: 'create', document: built.document, contentHash: built.contentHash, version });
    reasons.push(input.gate.reason);
    paymentKinds = new Set(built.document.payments.map((p) => p.kind));
    bookedPayments = built.document.payments;
    locked = locked || built.document.payments.length > 0;
  } else {
    if (!record?.document) throw new Error(`order ${order.id} is in the books without its document on record`);
    sale = record.document;
    locked = locked || (settings.document.lockDate !== null && sale.date <= settings.document.lockDate);
    const changed = !cancelled && input.bookedHash !== null && input.bookedHash !== built.contentHash;
    const sameBuilder = record.contentHash === null || hashVersion(record.contentHash) === hashVersion(built.contentHash);
    if (changed && sameBuilder) {
      version += 1;
      const difference = saleDifference(sale, built.document);
      // The document keeps its kind and number; what it was paid with is booked apart (payments, never again).
      const next: SalesDocument = { ...built.document, kind: sale.kind, number: sale.number, payments: sale.payments };
      steps.push({ kind: 'update', document: next, contentHash: built.contentHash, version, locked, ...difference, date: openPeriod(input.today, settings) });
      reasons.push(locked ? 'changed_after_lock' : 'content_changed');
      sale = next;
    }
    // A payment the books lack (the order's payment was captured after posting). Only kinds not booked yet: a later
    // edit of a paid order changes what is owed, not what was paid.
    const missing = built.document.payments.filter((p) => !paymentKinds.has(p.kind));
    if (missing.length > 0 && !booked.cancelCredited) {
      steps.push({ kind: 'pay', payments: missing.map((p) => ({ ...p, date: openPeriod(input.today, settings), key: key('payment', `capture-${p.kind.replace('_', '-')}`) })) });
      reasons.push('payment_captured');
      bookedPayments = [...bookedPayments, ...missing];
      paymentKinds = new Set([...paymentKinds, ...missing.map((p) => p.kind)]);
      locked = true;
    }
  }

  // Refunds, oldest first: a credit for what each refunded, and the money paid out.
  const creditLines = [...booked.creditLines];
  let cancelCredited = booked.cancelCredited;
  input.refunds.forEach((refund, index) => {
    const earlier = input.refunds.slice(0, index);
    const credit = booked.creditedRefunds.has(refund.id)
      ? null
      : cancelCredited
        ? null // the cancellation already reversed the sale: this refund only pays the money out
        : refundCredit({ sale, refund, earlier, settings });
    const created = new Date(refund.createdAt);
    const date = openPeriod(Number.isNaN(created.getTime()) ? refund.createdAt.slice(0, 10) : localDate(created, settings.document.timeZone), settings);
    const generation = (booked.goneCredits?.get(refund.id) ?? 0) + 1;
    const again = generation > 1 ? `-g${generation}` : '';
    const payouts = refundPayouts({ sale, payments: bookedPayments, refund, settings })
      .map((p) => ({ ...p, date, key: key('payout', `${refund.id}-${p.paymentId}${again}`) }))
      .filter((p) => !booked.payoutKeys.has(p.key));
    const creditDue = !booked.creditedRefunds.has(refund.id);
    if (!creditDue && payouts.length === 0) return;
    steps.push({
      kind: 'refund',
      refundId: refund.id,
      key: key('refund', `${refund.id}${again}`),
      credit: credit ? { number: `${sale.number}-CR${index + 1}`, lines: credit.lines, total: credit.total, tax: credit.tax, date, notes: credit.notes } : null,
      payouts,
      ...(generation > 1 ? { generation } : {}),
    });
    if (credit) creditLines.push(credit.lines);
    reasons.push('refunded');
    locked = true;
  });

  // Cancellation: void what is unpaid, credit what is paid (the money stays owed to the shopper until refunded).
  if (cancelled && !cancelCredited) {
    const mode = settings.orders.onCancel;
    const unpaid = bookedPayments.length === 0 && creditLines.length === 0 && !locked;
    if (mode === 'leave') {
      if (steps.length === 0) return { action: 'skip', reason: 'cancellation_left', message: `Order ${order.id} was cancelled; its document is left as it is (setting "when an order is cancelled: leave the document").` };
    } else if (unpaid && mode === 'void' && input.gate.action === 'follow') {
      steps.push({ kind: 'void', reason: order.isDeleted ? 'order_deleted' : 'order_cancelled', key: key('void', version) });
      reasons.push(order.isDeleted ? 'order_deleted' : 'order_cancelled');
    } else {
      const lines = remainingSale(sale, creditLines, settings.accounts.rounding);
      const remaining = sum(lines.map((l) => parseUnits(l.gross, sale.currency.scale)));
      if (remaining !== 0n) {
        const tax = sum(lines.map((l) => parseUnits(l.tax, sale.currency.scale)));
        steps.push({
          kind: 'cancel_credit',
          key: key('cancel', version),
          credit: {
            number: `${sale.number}-CX`, lines, total: formatUnits(remaining, sale.currency.scale), tax: formatUnits(tax, sale.currency.scale),
            date: openPeriod(input.today, settings), notes: [],
          },
        });
        reasons.push('cancelled_after_payment');
        cancelCredited = true;
      }
    }
  }

  if (steps.length === 0) {
    if (cancelled && booked.cancelCredited) return { action: 'skip', reason: 'already_credited', message: 'The cancellation was credited already.' };
    if (input.bookedHash !== null && input.bookedHash !== built.contentHash && record?.contentHash && hashVersion(record.contentHash) !== hashVersion(built.contentHash)) {
      return {
        action: 'skip',
        reason: 'already_posted_unchanged',
        message: 'Already posted by an earlier version of Ledgerbridge; not posted again. Edit the order in the accounting system if it changed.',
      };
    }
    return { action: 'skip', reason: 'already_posted_unchanged', message: 'Already posted; nothing changed since.' };
  }
  return { action: steps[0]!.kind, reason: reasons[0] ?? steps[0]!.kind, message: describeSteps(order.id, steps), steps };
}

export function describeSteps(orderId: number, steps: readonly Step[]): string {
  const parts = steps.map((s) => {
    switch (s.kind) {
      case 'create':
        return `post order ${orderId}`;
      case 'update':
        return s.locked ? 'book the edit as an adjustment (the document is locked)' : 'update the document';
      case 'pay':
        return `record the payment (${s.payments.map((p) => p.method).join(', ')})`;
      case 'refund':
        return s.credit ? `credit refund ${s.refundId} (${s.credit.total}) and pay it out` : `pay out refund ${s.refundId}`;
      case 'void':
        return 'void the document (the order was cancelled)';
      case 'cancel_credit':
        return `credit the cancelled order (${s.credit.total})`;
    }
  });
  const text = parts.join(', then ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export type KeyOperation = 'document' | 'payment' | 'void' | 'credit' | 'update' | 'adjust' | 'adjust-credit' | 'refund' | 'payout' | 'cancel';

/**
 * The deterministic idempotency key of one write for one order (ledger posting key, Xero Idempotency-Key, QuickBooks
 * requestid ≤ 50).
 */
export function idempotencyKey(storeHash: string, orderId: number, operation: KeyOperation, sequence: number | string = 0): string {
  const key = `${storeHash}:${orderId}:${operation}${sequence ? `:${sequence}` : ''}`;
  if (key.length > 50) throw new Error(`idempotency key too long: ${key}`);
  return key;
}
