/**
 * Step `post-document`: the order's first posting, the document and the payments it was paid with. The sync record
 * is marked pending with the idempotency key before the provider is called, each payment's posting likewise, and the
 * record is completed with the remote id right after, in this same step: a crash in between is retried with the
 * same keys, and the provider returns what the first call created.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { idempotencyKey, type Step } from '../plan-sync';
import type { PostedDocumentRef, ProviderFailure } from '../provider';
import type { DocumentPayment } from '../sales-document';
import { providerProblem, type Problem } from './failures';
import { keyOf, snapshotOf, type OrderSnapshot, type PipelineDeps, type RecordKey } from './ports';

export type Create = Extract<Step, { kind: 'create' }>;

export type StepOutcome = { ok: true; number?: string } | { ok: false; reason: string; message: string };

/** The key of the document's payment number `index` (kept from the first version of the pipeline: in-flight retries). */
export const paymentKey = (deps: Pick<PipelineDeps, 'storeHash'>, orderId: number, version: number, index: number) =>
  idempotencyKey(deps.storeHash, orderId, 'payment', version * 100 + index);

export async function postOrderDocument(deps: PipelineDeps, order: BcOrder, step: Create): Promise<StepOutcome> {
  const key = keyOf(deps, order.id);
  const snapshot = snapshotOf(order);
  const documentKey = idempotencyKey(deps.storeHash, order.id, 'document', step.version);
  await deps.records.markPending(key, { idempotencyKey: documentKey, reason: 'new_order', message: `Posting order ${order.id}.` }, snapshot);
  const posted = await deps.provider.postDocument(step.document, documentKey);
  if (!posted.ok) return failPost(deps, key, snapshot, providerProblem(posted.error, 'Posting the document'));

  const ref = { remoteId: posted.value.remoteId, number: posted.value.number };
  const payments = step.document.payments.map((payment, index) => ({ payment, key: paymentKey(deps, order.id, step.version, index) }));
  const outcomes = [];
  for (const p of payments) {
    outcomes.push(await recordPaymentPosting(deps, order.id, ref, p.payment, p.key, step.document.kind === 'sales_receipt'));
  }
  const failure = outcomes.find((o) => !o.ok);
  if (failure && !failure.ok) return failPost(deps, key, snapshot, failure);
  const skipped = outcomes.flatMap((o) => (o.ok && o.skipped ? [o.skipped] : []));
  return completePost(deps, { order, step, posted: posted.value, skippedPayments: skipped, batched: false });
}

/**
 * One payment in: its posting pending under its key, the provider's answer on it. A sales receipt carries its
 * payment (nothing to call); a system that will not take it (Xero: a draft invoice) makes it `skipped`, with why.
 */
export async function recordPaymentPosting(
  deps: PipelineDeps,
  orderId: number,
  document: PostedDocumentRef,
  payment: DocumentPayment,
  postingKey: string,
  carried: boolean,
  answered?: { ok: true; value: { remoteId: string; skipped?: string } } | { ok: false; error: ProviderFailure },
): Promise<({ ok: true; skipped?: string }) | ({ ok: false } & Problem)> {
  const key = keyOf(deps, orderId);
  await deps.records.beginPosting(key, { key: postingKey, kind: 'payment', amount: payment.amount, detail: { payment, document } });
  if (carried) {
    await deps.records.finishPosting(key, postingKey, { state: 'posted', remoteId: document.remoteId, number: document.number, message: 'Carried by the sales receipt.' });
    return { ok: true };
  }
  const paid = answered ?? (await deps.provider.recordPayment(document, payment, postingKey));
  if (!paid.ok) {
    const problem = providerProblem(paid.error, 'Recording the payment');
    await deps.records.finishPosting(key, postingKey, { state: 'failed', message: problem.message });
    return { ok: false, ...problem };
  }
  if (paid.value.skipped) {
    await deps.records.finishPosting(key, postingKey, { state: 'skipped', message: paid.value.skipped });
    return { ok: true, skipped: paid.value.skipped };
  }
  await deps.records.finishPosting(key, postingKey, { state: 'posted', remoteId: paid.value.remoteId });
  await deps.records.markLocked(key);
  return { ok: true };
}

/**
 * The document is in the books (and its payments recorded or said to be skipped): complete the sync record with the
 * remote id and put it on the order's timeline.
 */
export async function completePost(
  deps: PipelineDeps,
  input: { order: BcOrder; step: Create; posted: { remoteId: string; number: string; created: boolean }; skippedPayments: readonly string[]; batched: boolean },
): Promise<StepOutcome> {
  const { order, step, posted } = input;
  await deps.records.markPosted(keyOf(deps, order.id), {
    remoteId: posted.remoteId,
    remoteNumber: posted.number,
    contentHash: step.contentHash,
    document: step.document as unknown as Record<string, unknown>,
    message: `Posted to ${deps.provider.displayName} as ${posted.number}.`,
    documentVersion: step.version,
  });
  // Two runs racing on one order (Inngest's concurrency limits steps, not runs) may both get here for one document:
  // the second found it by its idempotency key. The timeline says it once.
  const once = `${step.version}:${posted.remoteId}`;
  await deps.records.addEvent(
    deps.storeHash,
    order.id,
    'posted',
    `Posted as document ${posted.number}.`,
    {
      remoteId: posted.remoteId,
      version: step.version,
      created: posted.created,
      total: step.document.totals.total,
      ...(input.batched ? { batched: true } : {}),
    },
    { once: `posted:${once}` },
  );
  for (const [index, message] of input.skippedPayments.entries()) {
    await deps.records.addEvent(deps.storeHash, order.id, 'payment_not_recorded', message, {}, { once: `payment_not_recorded:${once}:${index}` });
  }
  return { ok: true, number: posted.number };
}

export async function failPost(deps: PipelineDeps, key: RecordKey, snapshot: OrderSnapshot | undefined, problem: Problem): Promise<StepOutcome> {
  // A revoked connection is the merchant's to reconnect, not an error of the order: held, as when planning meets it
  // (reconnecting retries it either way).
  const state = problem.reason === 'auth_revoked' ? 'held' : 'failed';
  await deps.records.markFailed(key, { state, ...problem }, snapshot);
  await deps.records.addEvent(deps.storeHash, key.orderId, state, problem.message, { reason: problem.reason });
  return { ok: false, ...problem };
}
