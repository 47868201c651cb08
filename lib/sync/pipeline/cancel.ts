/**
 * Steps `void-document` and `credit-cancellation`: a cancelled order. Unpaid, its document is voided. Paid (and
 * BigCommerce does not refund a cancelled order by itself), its revenue and tax are reversed by a credit note for
 * what the refunds have not credited yet, and the money stays owed to the shopper until a refund pays it out.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { Step } from '../plan-sync';
import { providerProblem } from './failures';
import { failStep } from './settle';
import { postedDocumentOf, type PipelineDeps } from './ports';
import type { StepOutcome } from './post-document';

export type Void = Extract<Step, { kind: 'void' }>;
export type CancelCredit = Extract<Step, { kind: 'cancel_credit' }>;

export async function voidOrderDocument(deps: PipelineDeps, order: BcOrder, step: Void): Promise<StepOutcome> {
  const { key, document } = await postedDocumentOf(deps, order.id, 'void');
  await deps.records.beginPosting(key, { key: step.key, kind: 'void', detail: { reason: step.reason } });
  const voided = await deps.provider.voidDocument(document, step.key);
  if (!voided.ok) {
    const problem = providerProblem(voided.error, 'Voiding the document');
    await deps.records.finishPosting(key, step.key, { state: 'failed', message: problem.message });
    return failStep(deps, order.id, problem);
  }
  await deps.records.finishPosting(key, step.key, { state: 'posted', remoteId: voided.value.remoteId, number: document.number });
  const why = step.reason === 'order_deleted' ? 'the order was deleted' : 'the order was cancelled before it was paid';
  await deps.records.markClosed(key, { state: 'voided', message: `Document ${document.number} voided: ${why}.` });
  await deps.records.addEvent(deps.storeHash, order.id, 'voided', `Document ${document.number} voided: ${why}.`, { reason: step.reason }, { once: `voided:${step.key}` });
  return { ok: true, number: document.number };
}

export async function creditCancellation(deps: PipelineDeps, order: BcOrder, step: CancelCredit): Promise<StepOutcome> {
  const { key, document } = await postedDocumentOf(deps, order.id, 'cancellation credit');
  const c = step.credit;
  await deps.records.beginPosting(key, { key: step.key, kind: 'cancel_credit', amount: c.total, tax: c.tax, detail: { lines: c.lines, number: c.number, date: c.date } });
  const posted = await deps.provider.postCreditNote({ document, number: c.number, lines: c.lines, date: c.date, reason: `BigCommerce order ${order.id} cancelled` }, step.key);
  if (!posted.ok) {
    const problem = providerProblem(posted.error, 'Posting the credit note for the cancellation');
    await deps.records.finishPosting(key, step.key, { state: 'failed', message: problem.message });
    return failStep(deps, order.id, problem);
  }
  await deps.records.finishPosting(key, step.key, { state: 'posted', remoteId: posted.value.remoteId, number: posted.value.number });
  await deps.records.markLocked(key);
  const message = `Order cancelled after it was paid: credit note ${posted.value.number} (${c.total}, tax ${c.tax}) reverses the sale; the money stays owed to the shopper until BigCommerce refunds it.`;
  await deps.records.markClosed(key, { state: 'credited', message });
  await deps.records.addEvent(deps.storeHash, order.id, 'credited', message, { total: c.total, tax: c.tax, number: posted.value.number }, { once: `credited:${step.key}` });
  return { ok: true, number: posted.value.number };
}
