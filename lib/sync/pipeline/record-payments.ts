/**
 * Step `record-payments`: a payment the books lack is applied to the existing document (an authorized order that
 * was captured after it was posted): never a void and a re-post. Each payment under its own key, once.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { Step } from '../plan-sync';
import { failStep, settle } from './settle';
import { postedDocumentOf, type PipelineDeps } from './ports';
import { recordPaymentPosting, type StepOutcome } from './post-document';

export type Pay = Extract<Step, { kind: 'pay' }>;

export async function recordOrderPayments(deps: PipelineDeps, order: BcOrder, step: Pay): Promise<StepOutcome> {
  const { document: ref } = await postedDocumentOf(deps, order.id, 'payment');
  for (const { key: postingKey, ...payment } of step.payments) {
    const outcome = await recordPaymentPosting(deps, order.id, ref, payment, postingKey, false);
    if (!outcome.ok) return failStep(deps, order.id, outcome);
    const message = outcome.skipped ?? `Payment of ${payment.amount} (${payment.method}) applied to ${ref.number}.`;
    await deps.records.addEvent(deps.storeHash, order.id, outcome.skipped ? 'payment_not_recorded' : 'payment_recorded', message, { amount: payment.amount, method: payment.method, account: payment.account }, { once: `payment:${postingKey}` });
  }
  await settle(deps, order.id);
  return { ok: true, number: ref.number };
}
