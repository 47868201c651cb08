/**
 * The per-order page: the sync record, its timeline in plain words (each refund, its credit note and the money paid
 * back, with amounts), every write to the books after the document (sync_postings: payments, refund credits,
 * payouts, updates, adjustments, voids, a cancellation's credit), the document as posted, and Preview (the document
 * that would be posted now under the current settings, built by the same pipeline code, never posted).
 */
import type { StoreHash } from '@/lib/ids';
import { errorMessage } from '@/lib/errors';
import { currencyScale, formatUnits, isDecimal, parseUnits } from '@/lib/money';
import { loadOrder, planOrder, type PipelineDeps, type Posting, type PostingKind, type PostingState } from '@/lib/sync/pipeline';
import type { SalesDocument } from '@/lib/sync/sales-document';
import type { SyncRecordRow } from '@/lib/repos/sync-records';

export type { PostingKind, PostingState };

export interface TimelineEntry {
  kind: string;
  /** The event in a few words ("Refund credited", "Money paid back"). */
  label: string;
  message: string;
  at: string;
  /** What the event moved, a decimal string in the order's currency (a credit's total, a payout), or null. */
  amount: string | null;
  /** The tax in `amount`, when the event has one (a refund's credit note, a cancellation's, an adjustment). */
  tax: string | null;
  /** The BigCommerce refund the event books. */
  refundId: number | null;
  detail: Record<string, unknown>;
}

/** One write to the books beside the document (a row of sync_postings), for "Refunds and adjustments". */
export interface OrderPosting {
  kind: PostingKind;
  /** The kind in words ("Refund credit note", "Money paid back"). */
  label: string;
  refundId: number | null;
  state: PostingState;
  /** The state in words: Booked, In progress, Not booked (the message says why), Failed. */
  stateLabel: string;
  number: string | null;
  remoteId: string | null;
  /** Gross amount and tax, decimal strings in the order's currency. */
  amount: string | null;
  tax: string | null;
  /** Payments and payouts: the payment method and the account the money went into or out of. */
  method: string | null;
  account: string | null;
  message: string | null;
  at: string;
}

/** The order's refunds as booked: how many, the credit notes' total and the money paid back (posted writes only). */
export interface RefundSummary {
  refunds: number;
  credited: string;
  paidBack: string;
}

export interface OrderDetail {
  orderId: number;
  record: {
    state: string;
    reason: string | null;
    message: string | null;
    documentNumber: string | null;
    remoteId: string | null;
    attempts: number;
    total: string | null;
    currency: string | null;
    customer: string | null;
    orderStatusId: number | null;
    orderDate: string | null;
    postedAt: string | null;
    updatedAt: string;
  } | null;
  timeline: TimelineEntry[];
  /** Oldest first. */
  postings: OrderPosting[];
  /** Null when the order has no refund booked or under way. */
  refunds: RefundSummary | null;
  /** The canonical document as last posted. */
  document: SalesDocument | null;
}

export interface OrderDetailDeps {
  storeHash: StoreHash;
  provider: string;
  record(orderId: number): Promise<(SyncRecordRow & { customerName?: string | null; orderTotal?: string | null; currency?: string | null; orderDateCreated?: Date | null; postedAt?: Date | null }) | null>;
  timeline(orderId: number): Promise<Array<{ kind: string; message: string; detail: Record<string, unknown>; at: Date }>>;
  /** The order's postings for the store's current provider, oldest first. */
  postings(orderId: number): Promise<Posting[]>;
}

/** Every timeline event kind the pipeline writes, in the words the order page shows. */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  webhook_received: 'Webhook received',
  planned: 'Planned',
  requested: 'Requested',
  posted: 'Posted',
  payment_recorded: 'Payment recorded',
  payment_not_recorded: 'Payment not recorded',
  refund_credited: 'Refund credited',
  money_out: 'Money paid back',
  updated: 'Document updated',
  locked: 'Document locked',
  adjusted: 'Adjustment booked',
  credited: 'Cancellation credited',
  voided: 'Document voided',
  note: 'Note',
  refunds_unreadable: 'Refunds could not be read',
  status_written: 'Status written back',
  held: 'Needs attention',
  failed: 'Attempt failed',
  skipped: 'Skipped',
};

export const POSTING_LABELS: Readonly<Record<PostingKind, string>> = {
  payment: 'Payment received',
  credit: 'Refund credit note',
  payout: 'Money paid back',
  void: 'Void',
  update: 'Document update',
  adjustment_invoice: 'Adjustment invoice',
  adjustment_credit: 'Adjustment credit note',
  cancel_credit: 'Cancellation credit note',
  summary_edit: 'Change booked in a later daily summary',
};

export const POSTING_STATE_LABELS: Readonly<Record<PostingState, string>> = {
  posted: 'Booked',
  pending: 'In progress',
  skipped: 'Not booked',
  failed: 'Failed',
  summarised: 'In the daily summary',
  gone: 'Gone from the books (booked again by Repair)',
};

/** Where each kind keeps its amount (and tax) in `detail`. */
const AMOUNT_FIELDS: Readonly<Record<string, { amount: string; tax?: string }>> = {
  posted: { amount: 'total' },
  payment_recorded: { amount: 'amount' },
  payment_not_recorded: { amount: 'amount' },
  refund_credited: { amount: 'total', tax: 'tax' },
  money_out: { amount: 'amount' },
  updated: { amount: 'to' },
  adjusted: { amount: 'total', tax: 'tax' },
  credited: { amount: 'total', tax: 'tax' },
};

const decimalOrNull = (value: unknown): string | null => (isDecimal(value) ? String(value) : null);

function humanise(kind: string): string {
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Label, amount, tax and refund of one timeline event, from its kind and detail. */
export function describeEvent(kind: string, detail: Record<string, unknown>): Pick<TimelineEntry, 'label' | 'amount' | 'tax' | 'refundId'> {
  const fields = AMOUNT_FIELDS[kind];
  const refundId = detail.refundId;
  return {
    label: EVENT_LABELS[kind] ?? humanise(kind),
    amount: fields ? decimalOrNull(detail[fields.amount]) : null,
    tax: fields?.tax ? decimalOrNull(detail[fields.tax]) : null,
    refundId: typeof refundId === 'number' && Number.isInteger(refundId) ? refundId : null,
  };
}

function postingView(p: Posting): OrderPosting {
  const payment = (p.detail.payment ?? null) as { method?: unknown; account?: unknown } | null;
  return {
    kind: p.kind,
    label: POSTING_LABELS[p.kind] ?? humanise(p.kind),
    refundId: p.refundId,
    state: p.state,
    stateLabel: POSTING_STATE_LABELS[p.state] ?? humanise(p.state),
    number: p.number,
    remoteId: p.remoteId,
    amount: p.amount,
    tax: p.tax,
    method: typeof payment?.method === 'string' ? payment.method : null,
    account: typeof payment?.account === 'string' ? payment.account : null,
    message: p.message,
    at: p.createdAt.toISOString(),
  };
}

/** Sums decimal strings exactly (integer units at the currency's scale, four places without a currency). */
function total(amounts: Array<string | null>, currency: string | null): string {
  const scale = currency ? currencyScale(currency) : 4;
  return formatUnits(amounts.reduce((sum, a) => (a !== null && isDecimal(a) ? sum + parseUnits(a, scale) : sum), 0n), scale);
}

export function summariseRefunds(postings: readonly Posting[], currency: string | null): RefundSummary | null {
  const ofRefunds = postings.filter((p) => (p.kind === 'credit' && p.refundId !== null) || p.kind === 'payout');
  if (ofRefunds.length === 0) return null;
  const booked = (kind: PostingKind) => ofRefunds.filter((p) => p.kind === kind && p.state === 'posted').map((p) => p.amount);
  return {
    refunds: new Set(ofRefunds.map((p) => p.refundId ?? `payout:${p.key}`)).size,
    credited: total(booked('credit'), currency),
    paidBack: total(booked('payout'), currency),
  };
}

/** Null when the store has no trace of the order (never seen, or another store's). */
export async function loadOrderDetail(deps: OrderDetailDeps, orderId: number): Promise<OrderDetail | null> {
  const [record, timeline, postings] = await Promise.all([deps.record(orderId), deps.timeline(orderId), deps.postings(orderId)]);
  if (!record && timeline.length === 0 && postings.length === 0) return null;
  const currency = record?.currency ?? null;
  return {
    orderId,
    record: record && {
      state: record.state,
      reason: record.reason,
      message: record.message,
      documentNumber: record.remoteNumber,
      remoteId: record.remoteId,
      attempts: record.attempts,
      total: record.orderTotal ?? null,
      currency,
      customer: record.customerName ?? null,
      orderStatusId: record.orderStatusId,
      orderDate: record.orderDateCreated ? record.orderDateCreated.toISOString() : null,
      postedAt: record.postedAt ? record.postedAt.toISOString() : null,
      updatedAt: record.updatedAt.toISOString(),
    },
    timeline: timeline.map((t) => ({ kind: t.kind, ...describeEvent(t.kind, t.detail), message: t.message, detail: t.detail, at: t.at.toISOString() })),
    postings: postings.map(postingView),
    refunds: summariseRefunds(postings, currency),
    document: (record?.document as SalesDocument | null) ?? null,
  };
}

export type Preview =
  | {
      ok: true;
      /** What a sync now would do (skip, create, update, void, credit, hold) and why. */
      plan: { action: string; reason: string; message: string };
      /** The document the current settings build for the order (as if it were eligible), or null when it cannot be built. */
      document: SalesDocument | null;
      problems: { code: string; message: string }[];
    }
  | { ok: false; kind: 'NotFound' | 'Upstream'; message: string };

export interface PreviewDeps {
  pipeline: PipelineDeps;
}

/**
 * Two plans, no writes: the real one (what a sync would do now, refunds included), and one under the same settings
 * with the order treated as eligible and never posted, which yields the document itself even for an order already
 * posted or skipped. Planning only reads (record, postings, items, customers, taxes).
 */
export async function previewOrder(deps: PreviewDeps, orderId: number): Promise<Preview> {
  let loaded: Awaited<ReturnType<typeof loadOrder>>;
  try {
    loaded = await loadOrder(deps.pipeline, orderId);
  } catch (error) {
    return { ok: false, kind: 'Upstream', message: errorMessage(error) };
  }
  if (!loaded.found) return { ok: false, kind: 'NotFound', message: `Order ${orderId} does not exist in BigCommerce.` };
  const { order } = loaded;
  const real = await planOrder(deps.pipeline, loaded, 'manual');
  const o = deps.pipeline.settings.orders;
  const asEligible: PipelineDeps = {
    ...deps.pipeline,
    settings: {
      ...deps.pipeline.settings,
      orders: { ...o, importStatusIds: [order.status_id], ignoredStatusIds: [], voidStatusIds: [], refundStatusIds: [], ordersFromDate: null },
    },
    records: { ...deps.pipeline.records, get: async () => null, postings: async () => [] },
  };
  const built = await planOrder(asEligible, { order: { ...order, is_deleted: false }, refunds: null }, 'manual');
  const create = 'steps' in built ? built.steps.find((s) => s.kind === 'create') : undefined;
  const document = create && create.kind === 'create' ? create.document : null;
  const problems = built.action === 'hold' ? built.problems : [];
  return { ok: true, plan: { action: real.action, reason: real.reason, message: real.message }, document, problems };
}
