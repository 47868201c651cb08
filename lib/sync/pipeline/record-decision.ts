/** Skips that repeat with every later look at an order (each echo, each duplicate): the timeline says them once at most. */
export const QUIET_SKIPS = new Set(['already_posted_unchanged', 'already_credited', 'already_voided', 'already_summarised']);

/** Step `record-decision`: a plan that writes nothing to the books (a skip, or a hold the merchant must fix) is recorded. */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { keyOf, snapshotOf, type PipelineDeps } from './ports';
import { summaryHashOf, type PlanOutcome } from './plan';
import type { SalesDocument } from '../sales-document';
import type { SummaryEdit } from '../summary/daily-summary';
import { formatUnits, parseUnits } from '@/lib/money';

export async function recordDecision(deps: PipelineDeps, order: BcOrder, plan: Extract<PlanOutcome, { action: 'skip' | 'hold' }>): Promise<void> {
  const key = keyOf(deps, order.id);
  const snapshot = snapshotOf(order);
  if (plan.action === 'skip') {
    await deps.records.markSkipped(key, { reason: plan.reason, message: plan.message }, snapshot);
    if (!QUIET_SKIPS.has(plan.reason)) await deps.records.addEvent(deps.storeHash, order.id, 'skipped', plan.message, { reason: plan.reason });
    return;
  }
  await deps.records.markFailed(key, { state: 'held', reason: plan.reason, message: plan.message }, snapshot);
  await deps.records.addEvent(deps.storeHash, order.id, 'held', plan.message, { reason: plan.reason, problems: plan.problems });
}

/**
 * Step `record-summary`: daily summary mode keeps the order's document and its new refunds for the summaries of their
 * days (each refund under its own key, state `summarised`); nothing is posted now.
 */
function difference(edit: SummaryEdit, field: 'total' | 'tax'): string {
  const scale = edit.after.currency.scale;
  return formatUnits(parseUnits(edit.after.totals[field], scale) - (edit.before ? parseUnits(edit.before.totals[field], scale) : 0n), scale);
}

export async function recordSummarised(deps: PipelineDeps, order: BcOrder, plan: Extract<PlanOutcome, { action: 'summarise' }>): Promise<void> {
  const key = keyOf(deps, order.id);
  if (plan.edit) {
    // Before the record: a crash in between plans again from this posting (its `after` is what the summaries hold).
    const edit = plan.edit;
    await deps.records.beginPosting(key, {
      // The write is the difference: amount and tax are what this change adds (negative: takes off).
      key: edit.key, kind: 'summary_edit', amount: difference(edit, 'total'), tax: difference(edit, 'tax'),
      detail: { date: edit.date, before: edit.before, after: edit.after } as unknown as Record<string, unknown>,
    });
    // Two runs of one order at once with different changes meet on the same key: the one that lost plans again.
    const written = (await deps.records.postings(key)).find((p) => p.key === edit.key);
    if (!written || summaryHashOf(written.detail.after as SalesDocument) !== summaryHashOf(edit.after)) {
      throw new Error(`order ${order.id}: another run recorded change ${edit.key} first; planning again`);
    }
    await deps.records.finishPosting(key, edit.key, { state: 'summarised', message: `Change kept for the daily summary of ${edit.date}.` });
  }
  await deps.records.markSummarised(key, { document: plan.document as unknown as Record<string, unknown>, contentHash: plan.contentHash, message: plan.message }, snapshotOf(order));
  for (const refund of plan.refunds) {
    await deps.records.beginPosting(key, {
      key: refund.key, kind: 'credit', refundId: refund.refundId, amount: refund.credit?.total ?? null, tax: refund.credit?.tax ?? null,
      detail: { date: refund.date, credit: refund.credit, payouts: refund.payouts },
    });
    await deps.records.finishPosting(key, refund.key, { state: 'summarised', message: `Kept for the daily summary of ${refund.date}.` });
  }
  await deps.records.addEvent(
    deps.storeHash, order.id, 'summarised', plan.message,
    { date: plan.document.date, refunds: plan.refunds.map((r) => r.refundId), ...(plan.edit ? { edit: { key: plan.edit.key, date: plan.edit.date } } : {}) },
    { once: `summarised:${plan.contentHash}:${plan.refunds.map((r) => r.refundId).join(',')}${plan.edit ? `:${plan.edit.key}` : ''}` },
  );
}
