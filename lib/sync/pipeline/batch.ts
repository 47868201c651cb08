/**
 * Many loaded orders at once (a backfill page). Where the provider takes documents in batches (Xero: 50 invoices a
 * request), what the plans look up is read first in a few calls (prefetch), every order is planned, the new
 * documents go out in batches and their payments likewise; every other write (refunds, updates, cancellations, and
 * what follows a batched create) runs as `act` would run it, one order at a time. Otherwise each order runs the
 * pipeline on its own, `workers` at once. Results in the order given; every order ends exactly as the pipeline
 * would leave it, so a retry of the page repeats nothing.
 */
import { orderSkus } from '../build-sales-document';
import { idempotencyKey, type Step, type SyncTrigger } from '../plan-sync';
import type { PostedDocumentRef, ProviderFailure } from '../provider';
import type { DocumentPayment } from '../sales-document';
import { actOnPlan, planAndNote, processLoadedOrder, runInline, type Acted } from './act';
import { providerProblem } from './failures';
import type { OrderToPlan } from './plan';
import { keyOf, snapshotOf, type PipelineDeps } from './ports';
import { completePost, failPost, paymentKey, postOrderDocument, recordPaymentPosting, type Create, type StepOutcome } from './post-document';
import { bookRefunds, type Refund } from './refund';
import { writeBackAfter } from './write-back';

/** Runs `task` over `items`, `workers` at once, results in the order of `items`. */
export async function inPool<T, R>(items: readonly T[], workers: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, workers), items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!);
      }
    }),
  );
  return results;
}

export async function processLoadedOrders(
  deps: PipelineDeps,
  orders: readonly OrderToPlan[],
  options: { trigger: SyncTrigger; writeBack: boolean; workers: number },
): Promise<Acted[]> {
  const { provider } = deps;
  if (!provider.postDocuments || provider.limits.batchSize <= 1) {
    return inPool(orders, options.workers, (order) => processLoadedOrder(deps, order, options));
  }
  if (provider.prefetch) {
    const read = await provider.prefetch({ skus: orders.flatMap((o) => orderSkus(o.order)) });
    // A refusal here (e.g. a revoked grant) is left to the plans, which meet it again and record it per order.
    if (!read.ok && (read.error.kind === 'rate_limited' || read.error.kind === 'unavailable')) providerProblem(read.error, 'Reading items and contacts');
  }
  const plans = await inPool(orders, options.workers, (order) => planAndNote(deps, order, options.trigger));
  const results: Acted[] = new Array(orders.length);
  const creates: Array<{ index: number; input: OrderToPlan; step: Create }> = [];
  plans.forEach((plan, index) => {
    const first = 'steps' in plan ? plan.steps[0] : undefined;
    if (first?.kind === 'create') creates.push({ index, input: orders[index]!, step: first });
  });
  const posted = await postOrderDocuments(deps, creates.map((c) => ({ order: c.input.order, step: c.step })));
  const batched = new Set<number>();
  creates.forEach((c, i) => {
    const outcome = posted[i]!;
    batched.add(c.index);
    results[c.index] = outcome.ok
      ? { result: 'posted', reason: plans[c.index]!.reason, message: plans[c.index]!.message, ...(outcome.number ? { number: outcome.number } : {}) }
      : { result: 'failed', reason: outcome.reason, message: outcome.message };
  });
  // What remains of each plan (all of it, or what follows a batched create: the refunds an order had before it was
  // posted). Plans of refunds only go out together (Xero: 50 credit notes a request); the rest one order at a time.
  const remaining = plans.map((plan, index) => {
    if (batched.has(index)) return results[index]!.result === 'posted' && 'steps' in plan ? plan.steps.slice(1) : [];
    return null;
  });
  const refunds: Array<{ index: number; order: OrderToPlan['order']; step: Refund }> = [];
  remaining.forEach((steps, index) => {
    const list = steps ?? ('steps' in plans[index]! ? (plans[index] as { steps: Step[] }).steps : []);
    if (list.length > 0 && list.every((s) => s.kind === 'refund')) {
      for (const step of list) refunds.push({ index, order: orders[index]!.order, step: step as Refund });
    }
  });
  const refundOrders = new Set(refunds.map((r) => r.index));
  const booked = await bookRefunds(deps, refunds);
  booked.forEach((outcome, i) => {
    const { index } = refunds[i]!;
    if (!outcome.ok) results[index] = { result: 'failed', reason: outcome.reason, message: outcome.message };
    else if (!batched.has(index) && results[index]?.result !== 'failed') results[index] = { result: 'refunded', reason: plans[index]!.reason, message: plans[index]!.message, ...(outcome.number ? { number: outcome.number } : {}) };
  });
  await inPool(orders.map((_, index) => index), options.workers, async (index) => {
    if (refundOrders.has(index)) return;
    const plan = plans[index]!;
    const order = orders[index]!.order;
    const steps = remaining[index] ?? null;
    if (steps === null) {
      results[index] = await actOnPlan(deps, order, plan, runInline);
      return;
    }
    if (steps.length === 0 || !('steps' in plan)) return;
    const rest = await actOnPlan(deps, order, { ...plan, steps }, runInline);
    if (rest.result === 'failed') results[index] = rest;
  });
  if (options.writeBack) {
    await inPool(orders.map((o, index) => ({ order: o.order, index })), options.workers, ({ order, index }) => writeBackAfter(deps, order, results[index]!));
  }
  return results;
}

/**
 * New documents in batches: every sync record is marked pending with its idempotency key first, then the provider
 * posts them `batchSize` a request and reports each one; payments follow, batched likewise. Each order ends posted
 * or failed exactly as postOrderDocument would leave it.
 */
export async function postOrderDocuments(
  deps: PipelineDeps,
  items: ReadonlyArray<{ order: OrderToPlan['order']; step: Create }>,
): Promise<StepOutcome[]> {
  const { provider } = deps;
  if (!provider.postDocuments || items.length === 0) return Promise.all(items.map((item) => postOrderDocument(deps, item.order, item.step)));
  const keys = items.map(({ order, step }) => idempotencyKey(deps.storeHash, order.id, 'document', step.version));
  await inPool(items.map((item, i) => ({ item, key: keys[i]! })), 8, ({ item, key }) =>
    deps.records.markPending(keyOf(deps, item.order.id), { idempotencyKey: key, reason: 'new_order', message: `Posting order ${item.order.id}.` }, snapshotOf(item.order)),
  );
  const posted = await provider.postDocuments(items.map(({ step }, i) => ({ document: step.document, idempotencyKey: keys[i]! })));

  const payments: Array<{ index: number; document: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string; carried: boolean }> = [];
  items.forEach(({ order, step }, index) => {
    const outcome = posted[index]!;
    if (!outcome.ok) return;
    step.document.payments.forEach((payment, n) => {
      const document = { remoteId: outcome.value.remoteId, number: outcome.value.number };
      payments.push({ index, document, payment, idempotencyKey: paymentKey(deps, order.id, step.version, n), carried: step.document.kind === 'sales_receipt' });
    });
  });
  const toSend = payments.filter((p) => !p.carried);
  await inPool(toSend, 8, (p) => deps.records.beginPosting(keyOf(deps, items[p.index]!.order.id), { key: p.idempotencyKey, kind: 'payment', amount: p.payment.amount, detail: { payment: p.payment, document: p.document } }));
  const sent = toSend.length === 0 ? [] : provider.recordPayments
    ? await provider.recordPayments(toSend)
    : await Promise.all(toSend.map((p) => provider.recordPayment(p.document, p.payment, p.idempotencyKey)));
  const answers = new Map(toSend.map((p, i) => [p.idempotencyKey, sent[i]!]));

  const transient: ProviderFailure[] = [];
  const outcomes = await inPool(items.map((item, index) => ({ item, index })), 8, async ({ item: { order, step }, index }): Promise<StepOutcome> => {
    const key = keyOf(deps, order.id);
    const outcome = posted[index]!;
    const mine = payments.filter((p) => p.index === index);
    const answered = mine.map((p) => answers.get(p.idempotencyKey));
    const busy = answered.find((a) => a !== undefined && !a.ok && (a.error.kind === 'rate_limited' || a.error.kind === 'unavailable'));
    const failure: ProviderFailure | null = !outcome.ok ? outcome.error : busy && !busy.ok ? busy.error : null;
    if (failure && (failure.kind === 'rate_limited' || failure.kind === 'unavailable')) {
      // Left pending with its key: the caller's retry posts it (or finds it) once the system answers again.
      transient.push(failure);
      return { ok: false, reason: failure.kind, message: failure.message };
    }
    if (!outcome.ok) return failPost(deps, key, snapshotOf(order), providerProblem(outcome.error, 'Posting the document'));
    const skipped: string[] = [];
    for (const [i, p] of mine.entries()) {
      const recorded = await recordPaymentPosting(deps, order.id, p.document, p.payment, p.idempotencyKey, p.carried, p.carried ? undefined : answered[i]);
      if (!recorded.ok) return failPost(deps, key, snapshotOf(order), recorded);
      if (recorded.skipped) skipped.push(recorded.skipped);
    }
    return completePost(deps, { order, step, posted: outcome.value, skippedPayments: skipped, batched: true });
  });
  // What was posted or refused is recorded; an outage or rate limit on any element makes the whole call retry
  // (its posted orders are then recognised as posted, the rest sent again under the same keys).
  const retryAfter = (f: ProviderFailure) => ('retryAfterMs' in f ? (f.retryAfterMs ?? 0) : 0);
  const wait = transient.reduce<ProviderFailure | null>((a, b) => (!a || retryAfter(b) > retryAfter(a) ? b : a), null);
  if (wait) providerProblem(wait, `${transient.length} of ${items.length} documents`);
  return outcomes;
}
