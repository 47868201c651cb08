/**
 * After a write that follows the first posting (an update, a payment, a refund, a cancellation): a problem leaves
 * the order `failed` with the merchant's message while its document stays in the books (a retry plans again from
 * what the postings say is booked); success returns an order that had failed to `posted`.
 */
import type { Problem } from './failures';
import { keyOf, type PipelineDeps } from './ports';
import type { StepOutcome } from './post-document';

export async function failStep(deps: PipelineDeps, orderId: number, problem: Problem): Promise<StepOutcome> {
  await deps.records.markFailed(keyOf(deps, orderId), { state: 'failed', ...problem });
  await deps.records.addEvent(deps.storeHash, orderId, 'failed', problem.message, { reason: problem.reason });
  return { ok: false, ...problem };
}

export async function settle(deps: PipelineDeps, orderId: number): Promise<void> {
  await deps.records.markSettled(keyOf(deps, orderId));
}
