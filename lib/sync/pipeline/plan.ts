/**
 * Step `plan`: what the books need now for this order. Reads the sync record and the order's postings (what is
 * booked), builds the document when the order is or is to be in the books, and asks the pure planner
 * (lib/sync/plan-sync.ts). Records nothing.
 */
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { localDate } from '../build-sales-document';
import { createHash } from 'node:crypto';
import { canonicalJson, documentContentHash } from '../content-hash';
import { gateOrder, isCancelled, planSteps, type Booked, type PlannedCredit, type PlannedPayout, type Step, type StepKind, type SyncTrigger } from '../plan-sync';
import { postingModeFor, type SummaryEdit } from '../summary/daily-summary';
import { summaryDayClosed } from '../summary/post-summaries';
import { dayBounds } from '../days';
import type { DocumentLine, DocumentPayment, SalesDocument } from '../sales-document';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { buildDocument } from './build-document';
import { fromStore } from './failures';
import { keyOf, type PipelineDeps, type Posting, type SyncRecord } from './ports';

/** A refund of an order in daily summary mode: booked by the summary of its own day (`date`). */
export interface SummarisedRefund {
  refundId: number;
  key: string;
  date: string;
  credit: PlannedCredit | null;
  payouts: PlannedPayout[];
}

export type PlanOutcome =
  | { action: 'skip'; reason: string; message: string }
  /** Daily summary mode: keep the document (and the refunds not yet kept) for the day's summary; post nothing now. */
  | {
      action: 'summarise'; reason: 'in_daily_summary'; message: string; document: SalesDocument; contentHash: string; refunds: SummarisedRefund[];
      /** A change the closed day that holds the order cannot take: booked in the summary of the day of the change. */
      edit: SummaryEdit | null;
    }
  | { action: 'hold'; reason: string; message: string; problems: { code: string; message: string }[] }
  | { action: StepKind; reason: string; message: string; steps: Step[] };

export interface OrderToPlan {
  order: BcOrder;
  /** The order's refunds by id ascending; null when they were not read. */
  refunds: BcRefund[] | null;
  refundsUnreadable?: string;
  /** The order's record as read a moment before in the same step (loadOrderAndRecord); read here when not given. */
  record?: SyncRecord | null;
}

/** What the postings (and, for documents posted before postings existed, the document itself) say is booked. */
export function bookedFrom(record: SyncRecord | null, postings: readonly Posting[]): Booked {
  const done = (p: Posting) => p.state === 'posted' || p.state === 'skipped';
  const paymentPostings = postings.filter((p) => p.kind === 'payment' && done(p));
  const document = record?.document as SalesDocument | null | undefined;
  // Posted before postings were kept: the document's payments were recorded with it.
  const legacy = paymentPostings.length === 0 && !postings.some((p) => p.kind === 'payment') && record?.remoteId && document?.payments?.length;
  const payments: DocumentPayment[] = legacy ? document!.payments : paymentPostings.map((p) => p.detail.payment as DocumentPayment);
  const credits = postings.filter((p) => (p.kind === 'credit' || p.kind === 'cancel_credit') && p.state === 'posted');
  return {
    paymentKinds: new Set(payments.map((p) => p.kind)),
    payments,
    creditedRefunds: new Set(postings.filter((p) => p.kind === 'credit' && p.refundId !== null && done(p)).map((p) => p.refundId!)),
    payoutKeys: new Set(postings.filter((p) => p.kind === 'payout' && done(p)).map((p) => p.key)),
    creditLines: credits.map((p) => (p.detail.lines as DocumentLine[] | undefined) ?? []),
    cancelCredited: postings.some((p) => p.kind === 'cancel_credit' && p.state === 'posted'),
    goneCredits: postings.reduce((m, p) => (p.kind === 'credit' && p.refundId !== null && p.state === 'gone' ? m.set(p.refundId, (m.get(p.refundId) ?? 0) + 1) : m), new Map<number, number>()),
  };
}

/** Decides what to do with the order now and, when it is to be posted or followed, builds the document. */
export async function planOrder(deps: PipelineDeps, input: OrderToPlan, trigger: SyncTrigger): Promise<PlanOutcome> {
  const { order } = input;
  const key = keyOf(deps, order.id);
  const record = input.record !== undefined ? input.record : await deps.records.get(key);
  // An order in the error status because we put it there (its post was held or failed) is still an order to
  // import: without this, the echo of that status write and the merchant's retry would skip it as "not in an
  // import status", and the echo would replace the held reason with that skip.
  const inOurErrorStatus =
    (record?.state === 'held' || record?.state === 'failed') &&
    record.writtenStatusId !== null &&
    record.writtenStatusId === order.status_id &&
    deps.settings.orders.statusOnError === order.status_id;
  const planStatus = inOurErrorStatus ? (deps.settings.orders.importStatusIds[0] ?? order.status_id) : order.status_id;
  const orderView = { id: order.id, statusId: planStatus, dateCreated: order.date_created, isDeleted: order.is_deleted ?? false };
  const refunds = input.refunds ?? [];
  const gate = gateOrder({ order: orderView, settings: deps.settings, record, hasRefunds: refunds.length > 0, trigger });
  if (gate.action === 'skip' || gate.action === 'closed') return { action: 'skip', reason: gate.reason, message: gate.message };

  const postings = record ? await deps.records.postings(key) : [];
  const booked = bookedFrom(record, postings);
  const bookedDocument = gate.action === 'follow' ? ((record?.document as SalesDocument | null) ?? null) : null;
  const built = await buildDocument(deps, order);
  let problems: { code: string; message: string }[] = [];
  let document: SalesDocument;
  if (built.ok) document = built.document;
  else if (bookedDocument) {
    // The order changed into something that cannot be built (a SKU without an item, a tax rate not mapped): what
    // is booked stays; the rest of the order's events (refunds, payments, a cancellation) are still booked.
    document = bookedDocument;
    problems = built.problems;
  } else {
    return { action: 'hold', reason: built.problems[0]?.code ?? 'invalid', message: built.problems.map((p) => p.message).join(' '), problems: built.problems };
  }
  const contentHash = documentContentHash(document);
  const plan = planSteps({
    storeHash: deps.storeHash,
    order: orderView,
    settings: deps.settings,
    gate,
    record: record ? { ...record, document: bookedDocument } : null,
    booked,
    refunds,
    built: { document, contentHash },
    bookedHash: bookedDocument ? documentContentHash(bookedDocument) : null,
    today: localDate((deps.now?.() ?? new Date()), deps.settings.document.timeZone),
  });
  if ('steps' in plan && gate.action === 'create' && !record?.remoteId && await inSummaries(deps, record, postings, document.date)) {
    return summarise(deps, record, postings, document, plan.steps);
  }
  if ('steps' in plan) {
    await capturedAmounts(deps, order.id, plan.steps, booked, document.currency.scale);
    if (plan.steps.length === 0) return { action: 'skip', reason: 'already_posted_unchanged', message: 'Already posted; the payment BigCommerce took is booked.' };
    return { ...plan, action: plan.steps[0]!.kind };
  }
  if (plan.action === 'skip' && problems.length > 0 && !isCancelled(orderView, deps.settings)) {
    return { action: 'hold', reason: problems[0]?.code ?? 'invalid', message: `The order changed, but the change cannot be booked: ${problems.map((p) => p.message).join(' ')}`, problems };
  }
  return plan;
}

/**
 * Whether the order goes into daily summaries: its day is a summary day (`posting.mode` from `posting.summaryFrom`),
 * or, after the store went back to one document per order, the order or its day is in summaries already (kept or
 * posted): a day is never posted both ways, and an order never both in a summary and on its own.
 */
async function inSummaries(deps: PipelineDeps, record: SyncRecord | null, postings: readonly Posting[], date: string): Promise<boolean> {
  if (postingModeFor(deps.settings.posting, date) === 'daily_summary') return true;
  if (record?.state === 'summarised' || postings.some((p) => p.kind === 'summary_edit')) return true;
  const day = await deps.records.summaryDay?.({ storeHash: deps.storeHash, provider: deps.providerId }, date, dayBounds(deps.settings.document.timeZone, date));
  return Boolean(day?.posted || day?.kept);
}

/** What a summary takes from an order: its lines, totals, payments and day; not its customer match, notes or status. */
export function summaryHashOf(document: SalesDocument): string {
  // A capture is a new payment in the day's summary (unlike a per-order document's hash).
  const { customer: _customer, notes: _notes, source: { statusId: _statusId, ...source }, ...rest } = document;
  return `summary:${createHash('sha256').update(canonicalJson({ ...rest, source })).digest('hex')}`;
}

/** The order as the summaries hold it: its last late edit's `after`, else the document kept for its own day. */
function summarisedVersion(record: SyncRecord | null, postings: readonly Posting[]): { document: SalesDocument; edits: number } | null {
  const edits = postings.filter((p) => p.kind === 'summary_edit');
  const last = edits.at(-1);
  if (last) return { document: last.detail.after as SalesDocument, edits: edits.length };
  if (record?.state === 'summarised' && record.document) return { document: record.document as unknown as SalesDocument, edits: 0 };
  return null;
}

/**
 * Daily summary mode (`posting.mode`, from `posting.summaryFrom` on, decided by the order's day): the order is not
 * posted on its own. Its document, and each refund's credit and payouts as the per-order plan computed them, are kept
 * for the summary of the day each happened in (lib/sync/summary). An order already kept, unchanged, with no new
 * refund, is a quiet skip.
 *
 * Late changes never rewrite a closed day (`posting.summaryCloseHours` after it ended, once posted): a change to an
 * order whose summary is closed (or that has had a late change already), and an order first seen after its own day
 * closed, is an edit booked in the summary of today (the day of the change), under its own key; a refund of a
 * closed day is kept for today's summary.
 */
async function summarise(deps: PipelineDeps, record: SyncRecord | null, postings: readonly Posting[], document: SalesDocument, steps: readonly Step[]): Promise<PlanOutcome> {
  const contentHash = summaryHashOf(document);
  const now = deps.now?.() ?? new Date();
  const today = localDate(now, deps.settings.document.timeZone);
  const closedDays = new Map<string, boolean>();
  const closed = async (day: string): Promise<boolean> => {
    if (day >= today) return false;
    let known = closedDays.get(day);
    if (known === undefined) {
      const state = (await deps.records.summaryDay?.({ storeHash: deps.storeHash, provider: deps.providerId }, day, dayBounds(deps.settings.document.timeZone, day))) ?? { posted: false, closed: false };
      known = summaryDayClosed(state, day, { now, timeZone: deps.settings.document.timeZone, closeHours: deps.settings.posting.summaryCloseHours });
      closedDays.set(day, known);
    }
    return known;
  };
  const kept = new Set(postings.filter((p) => p.kind === 'credit' && p.refundId !== null).map((p) => p.refundId));
  const refunds: SummarisedRefund[] = [];
  for (const step of steps) {
    if (step.kind !== 'refund' || kept.has(step.refundId)) continue;
    const happened = step.credit?.date ?? step.payouts[0]?.date ?? document.date;
    const date = (await closed(happened)) ? today : happened;
    refunds.push({ refundId: step.refundId, key: step.key, date, credit: step.credit, payouts: step.payouts });
  }
  const held = summarisedVersion(record, postings);
  let edit: SummaryEdit | null = null;
  if (held ? held.edits > 0 || await closed(held.document.date) : await closed(document.date)) {
    if (!held || summaryHashOf(held.document) !== contentHash) {
      const n = (held?.edits ?? 0) + 1;
      edit = {
        orderId: document.source.orderId, key: `${deps.storeHash}:summary-edit:${document.source.orderId}:${n}`,
        date: today, before: held?.document ?? null, after: document,
      };
    }
  }
  if (record?.state === 'summarised' && record.contentHash === contentHash && refunds.length === 0 && !edit) {
    return { action: 'skip', reason: 'already_summarised', message: 'Kept for its day’s summary; nothing changed.' };
  }
  const parts = [
    edit ? (edit.before ? `Changed after the summary of ${edit.before.date} was closed: the difference is kept for the daily summary of ${today}` : `First seen after the summary of ${document.date} was closed: kept for the daily summary of ${today}`) : `Kept for the daily summary of ${document.date}`,
    refunds.length ? `, with ${refunds.length} refund${refunds.length === 1 ? '' : 's'} for the summaries of their days` : '',
  ];
  return { action: 'summarise', reason: 'in_daily_summary', document, contentHash, refunds, edit, message: `${parts.join('')}.` };
}

/**
 * A payment captured after the order was posted is what BigCommerce took, not the order's total: a capture takes
 * what was authorized, and an order edited in between may total more or less. (Xero refuses a payment above what an
 * invoice still owes: the order then fails with Xero's words, for the merchant to record the overpayment there.) The gateway payment of a `pay` step is
 * set from the order's transactions (purchases and captures) less what is booked already; without permission to
 * read them, the order's amount stands.
 */
async function capturedAmounts(deps: PipelineDeps, orderId: number, steps: Step[], booked: Booked, scale: number): Promise<void> {
  const pay = steps.find((s) => s.kind === 'pay');
  if (!pay || pay.kind !== 'pay' || !deps.store.orderTransactions) return;
  const gateway = pay.payments.find((p) => p.kind === 'gateway');
  if (!gateway) return;
  const read = await deps.store.orderTransactions(orderId);
  if (!read.ok) {
    if (read.error.kind === 'Forbidden' || read.error.kind === 'NotFound') return;
    fromStore(read.error, `loading the transactions of order ${orderId}`);
  }
  if (!read.ok) return;
  const taken = sum(read.value.filter((t) => (t.event === 'purchase' || t.event === 'capture') && t.status === 'ok').map((t) => parseUnits(t.amount, scale)));
  const already = sum(booked.payments.filter((p) => p.kind === 'gateway').map((p) => parseUnits(p.amount, scale)));
  const due = taken - already;
  // More than the document asks when the order was reduced after the payment was authorized: the shopper is then
  // owed the difference (a negative receivable) until the merchant refunds it.
  if (due <= 0n) pay.payments = pay.payments.filter((p) => p !== gateway);
  else gateway.amount = formatUnits(due, scale);
  if (pay.payments.length === 0) steps.splice(steps.indexOf(pay), 1);
}
