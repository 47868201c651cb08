/**
 * What the order pipeline needs from the world, as ports: the store (BigCommerce), the sync records and postings
 * (our own bookkeeping), and the accounting system (lib/sync/provider.ts). The job layer, the command line and the
 * admin build them (lib/context.ts); tests pass fakes.
 */
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcRefund, BcTransaction } from '@/lib/bigcommerce/client/model';
import type { BcOrder, BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import type { Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { SyncRecordView } from '../plan-sync';
import type { AccountingProvider, PostedDocumentRef } from '../provider';
import type { ProductClassification } from '../revenue-rules';
import type { SyncSettings } from '../settings';

export interface StorePort {
  getOrder(orderId: number): Promise<Result<BcOrder, BcFailure>>;
  setOrderStatus(orderId: number, statusId: number): Promise<Result<unknown, BcFailure>>;
  orderTaxes?(orderId: number): Promise<Result<BcOrderTax[], BcFailure>>;
  /** The order's refunds (V3), by id ascending. */
  refunds?(orderId: number): Promise<Result<BcRefund[], BcFailure>>;
  /** The order's payment transactions (V3): what was actually taken (a capture takes what was authorized). */
  orderTransactions?(orderId: number): Promise<Result<BcTransaction[], BcFailure>>;
  /** Catalog categories and brand by product id (GET /v3/catalog/products?id:in=), for revenue rules by category or brand. */
  productClassifications?(productIds: readonly number[]): Promise<Result<ReadonlyMap<number, ProductClassification>, BcFailure>>;
}

export interface OrderSnapshot {
  statusId: number;
  dateCreated: Date | null;
  dateModified: Date | null;
  total: string;
  currency: string;
  customerName: string;
}

export interface RecordKey {
  storeHash: StoreHash;
  orderId: number;
  provider: string;
}

export type SyncRecord = SyncRecordView & {
  documentVersion: number;
  document: Record<string, unknown> | null;
  remoteNumber: string | null;
  writtenStatusId: number | null;
  statusWrittenAt: Date | null;
  orderDateModified: Date | null;
  /** The order as posted from, recorded with our status write (order-fingerprint.ts); absent or null: none. */
  orderFingerprint?: string | null;
};

/** `summary_edit`: daily summary mode, a change to an order of a closed day, booked by the summary of the day of the change. */
export type PostingKind = 'payment' | 'credit' | 'payout' | 'void' | 'update' | 'adjustment_invoice' | 'adjustment_credit' | 'cancel_credit' | 'summary_edit';
/**
 * `summarised`: a refund (or a late edit) of an order in daily summary mode, booked by the summary of its day.
 * `gone`: reconciliation read the books and they no longer hold what this posting wrote (deleted or voided there by a
 * person); Repair let go of it (lib/sync/reconcile/repair.ts), and the write is booked again under a new key.
 */
export type PostingState = 'pending' | 'posted' | 'skipped' | 'failed' | 'summarised' | 'gone';

/** One write to the books for an order beside its document (sync_postings). */
export interface Posting {
  key: string;
  kind: PostingKind;
  refundId: number | null;
  state: PostingState;
  remoteId: string | null;
  number: string | null;
  amount: string | null;
  tax: string | null;
  detail: Record<string, unknown>;
  message: string | null;
  createdAt: Date;
}

export interface RecordPort {
  get(key: RecordKey): Promise<SyncRecord | null>;
  markPending(key: RecordKey, input: { idempotencyKey: string; reason: string; message: string }, snapshot: OrderSnapshot): Promise<void>;
  markPosted(
    key: RecordKey,
    input: { remoteId: string; remoteNumber: string; contentHash: string; document: Record<string, unknown>; message: string; documentVersion: number },
  ): Promise<void>;
  markFailed(key: RecordKey, input: { state: 'failed' | 'held'; reason: string; message: string }, snapshot?: OrderSnapshot): Promise<void>;
  markSkipped(key: RecordKey, input: { reason: string; message: string }, snapshot?: OrderSnapshot): Promise<void>;
  /**
   * Daily summary mode: the order's document is kept for its day's summary (state `summarised`), not posted on its
   * own. The summary that books it sets `remoteNumber` later (lib/sync/summary).
   */
  markSummarised(key: RecordKey, input: { document: Record<string, unknown>; contentHash: string; message: string }, snapshot: OrderSnapshot): Promise<void>;
  markClosed(key: RecordKey, input: { state: 'voided' | 'credited'; message: string }): Promise<void>;
  /** The document can no longer change in the books (a payment or credit is applied, the system refuses edits). */
  markLocked(key: RecordKey): Promise<void>;
  /** A write after the first posting succeeded: an order left `failed` or `held` with its document in the books is `posted` again. */
  markSettled(key: RecordKey): Promise<void>;
  /**
   * The status we wrote. `orderFingerprint`: the order as posted from (order-fingerprint.ts), when this write followed
   * its post; without it the record keeps none.
   */
  recordStatusWritten(key: RecordKey, statusId: number, orderFingerprint?: string | null): Promise<void>;
  /** `once`: a key the order's timeline holds at most once; false when it already did (nothing written). */
  addEvent(
    storeHash: StoreHash,
    orderId: number,
    kind: string,
    message: string,
    detail?: Record<string, unknown>,
    options?: { once?: string },
  ): Promise<boolean>;
  /**
   * Daily summary mode: whether `day` has orders kept for its summaries, a summary in the books, and one of its
   * summaries closed (absent: no summaries kept, every day open). `created`: the day's bounds (store time zone).
   */
  summaryDay?(scope: { storeHash: StoreHash; provider: string }, day: string, created: { from: Date; to: Date }): Promise<{ kept: boolean; posted: boolean; closed: boolean }>;
  /** The order's postings, oldest first. */
  postings(key: RecordKey): Promise<Posting[]>;
  /** Before the provider is called: the posting under its key, pending (kept as it is when the key exists). */
  beginPosting(
    key: RecordKey,
    posting: { key: string; kind: PostingKind; refundId?: number | null; amount?: string | null; tax?: string | null; detail?: Record<string, unknown> },
  ): Promise<void>;
  /** After the provider answered: the remote id (or why not), on the posting written by beginPosting. */
  finishPosting(key: RecordKey, postingKey: string, outcome: { state: Exclude<PostingState, 'pending'>; remoteId?: string | null; number?: string | null; message?: string | null }): Promise<void>;
}

export interface PipelineDeps {
  storeHash: StoreHash;
  providerId: string;
  provider: AccountingProvider;
  store: StorePort;
  records: RecordPort;
  settings: SyncSettings;
  /** Store default currency (GET /v2/store), when the order does not say. */
  storeCurrency?: string | null;
  now?: () => Date;
}

export const keyOf = (deps: Pick<PipelineDeps, 'storeHash' | 'providerId'>, orderId: number): RecordKey => ({
  storeHash: deps.storeHash,
  orderId,
  provider: deps.providerId,
});

export function snapshotOf(order: BcOrder): OrderSnapshot {
  const billing = order.billing_address;
  const name = `${billing.first_name ?? ''} ${billing.last_name ?? ''}`.trim() || billing.company || billing.email || 'Guest';
  const date = (value: string | null | undefined) => {
    const parsed = value ? new Date(value) : null;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
  };
  return {
    statusId: order.status_id,
    dateCreated: date(order.date_created),
    dateModified: date(order.date_modified),
    total: String(order.total_inc_tax),
    currency: order.currency_code ?? order.default_currency_code ?? '',
    customerName: name,
  };
}

/** The order's document in the books, for a write that follows it (a bug when there is none: the plan said so). */
export async function postedDocumentOf(deps: Pick<PipelineDeps, 'records' | 'storeHash' | 'providerId'>, orderId: number, what: string) {
  const key = keyOf(deps, orderId);
  const record = await deps.records.get(key);
  if (!record?.remoteId) throw new Error(`${what} of order ${orderId} without a posted document`);
  const document: PostedDocumentRef = { remoteId: record.remoteId, number: record.remoteNumber ?? '' };
  return { key, record, document };
}
