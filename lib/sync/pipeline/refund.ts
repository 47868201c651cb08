/**
 * Step `refund-<id>`: one BigCommerce refund becomes exactly one credit note holding what was refunded, and the money
 * goes back out of the account it came into, one payout per refund payment. Every write has the refund's own key, so
 * duplicated webhooks, retries and crashes never book a refund twice. A refund that follows a cancellation (whose
 * credit note already reversed the sale) only pays the money out, against that credit note.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { Step } from '../plan-sync';
import type { CreditNoteInput, Outcome, PostedDocument, PostedDocumentRef, RecordedPayment } from '../provider';
import type { DocumentPayment } from '../sales-document';
import { providerProblem } from './failures';
import { failStep, settle } from './settle';
import { postedDocumentOf, type PipelineDeps } from './ports';
import type { StepOutcome } from './post-document';

export type Refund = Extract<Step, { kind: 'refund' }>;

/** The provider's answers when they were asked for many refunds at once (a backfill page): used instead of asking again. */
export interface RefundAnswers {
  credit?: Outcome<PostedDocument>;
  payouts?: ReadonlyMap<string, Outcome<RecordedPayment>>;
}

export async function bookRefund(deps: PipelineDeps, order: BcOrder, step: Refund, answers: RefundAnswers = {}): Promise<StepOutcome> {
  const { key, document } = await postedDocumentOf(deps, order.id, 'refund');
  const postings = await deps.records.postings(key);
  const label = `refund ${step.refundId}`;

  // The credit: this refund's own, or (after a cancellation) the cancellation's credit note.
  let credit: PostedDocumentRef | null = null;
  const booked = postings.find((p) => p.key === step.key && (p.state === 'posted' || p.state === 'skipped'));
  if (step.credit && !booked) {
    const c = step.credit;
    await deps.records.beginPosting(key, { key: step.key, kind: 'credit', refundId: step.refundId, amount: c.total, tax: c.tax, detail: { lines: c.lines, number: c.number, date: c.date } });
    const posted = answers.credit ?? (await deps.provider.postCreditNote(creditInput(document, step, c), step.key));
    if (!posted.ok) {
      const problem = providerProblem(posted.error, `Posting the credit note for ${label}`);
      await deps.records.finishPosting(key, step.key, { state: 'failed', message: problem.message });
      return failStep(deps, order.id, problem);
    }
    await deps.records.finishPosting(key, step.key, { state: 'posted', remoteId: posted.value.remoteId, number: posted.value.number });
    await deps.records.markLocked(key);
    credit = { remoteId: posted.value.remoteId, number: posted.value.number };
    await deps.records.addEvent(
      deps.storeHash, order.id, 'refund_credited',
      `Credit note ${posted.value.number} for BigCommerce ${label}: ${c.total} (tax ${c.tax}).`,
      { refundId: step.refundId, total: c.total, tax: c.tax, number: posted.value.number, lines: c.lines.map((l) => ({ description: l.description, quantity: l.quantity, gross: l.gross })) },
      { once: `refund_credited:${step.refundId}${again(step)}` },
    );
    for (const [i, note] of c.notes.entries()) {
      await deps.records.addEvent(deps.storeHash, order.id, 'note', note, { refundId: step.refundId }, { once: `refund_note:${step.refundId}${again(step)}:${i}` });
    }
  } else if (booked) {
    credit = booked.remoteId ? { remoteId: booked.remoteId, number: booked.number ?? '' } : null;
  } else {
    // After a cancellation: nothing left to credit; the money is paid out against the cancellation's credit note.
    const cancellation = postings.find((p) => p.kind === 'cancel_credit' && p.state === 'posted');
    credit = cancellation?.remoteId ? { remoteId: cancellation.remoteId, number: cancellation.number ?? '' } : null;
    await deps.records.beginPosting(key, { key: step.key, kind: 'credit', refundId: step.refundId, amount: '0', tax: '0', detail: { coveredBy: cancellation?.number ?? null } });
    await deps.records.finishPosting(key, step.key, {
      state: 'skipped',
      remoteId: credit?.remoteId ?? null,
      number: credit?.number ?? null,
      message: `The cancellation's credit note ${credit?.number ?? ''} already reversed the sale; only the money is paid out.`,
    });
  }
  if (!credit) throw new Error(`refund ${step.refundId} of order ${order.id}: no credit note to pay out against`);

  for (const payout of step.payouts) {
    const payment = payoutPayment(step, payout);
    await deps.records.beginPosting(key, { key: payout.key, kind: 'payout', refundId: step.refundId, amount: payout.amount, detail: { payment, providerId: payout.providerId, offline: payout.offline, credit } });
    const paid = answers.payouts?.get(payout.key) ?? (await deps.provider.payOut(credit, payment, payout.key));
    if (!paid.ok) {
      const problem = providerProblem(paid.error, `Paying out ${label}`);
      await deps.records.finishPosting(key, payout.key, { state: 'failed', message: problem.message });
      return failStep(deps, order.id, problem);
    }
    if (paid.value.skipped) {
      await deps.records.finishPosting(key, payout.key, { state: 'skipped', message: paid.value.skipped });
      await deps.records.addEvent(deps.storeHash, order.id, 'payment_not_recorded', paid.value.skipped, { refundId: step.refundId }, { once: `money_out_skipped:${payout.key}` });
      continue;
    }
    await deps.records.finishPosting(key, payout.key, { state: 'posted', remoteId: paid.value.remoteId });
    await deps.records.addEvent(
      deps.storeHash, order.id, 'money_out',
      `${payout.amount} paid back to the shopper (${payout.method}${payout.offline ? ', offline' : ''}) from account ${payout.account} for ${label}.`,
      { refundId: step.refundId, amount: payout.amount, account: payout.account, method: payout.method },
      { once: `money_out:${payout.key}` },
    );
  }
  await settle(deps, order.id);
  return { ok: true, number: credit.number };
}

/** A refund booked again after Repair let go of what the books lost: its timeline events are new ones. */
const again = (step: Refund) => ((step.generation ?? 1) > 1 ? `:g${step.generation}` : '');

const creditInput = (document: PostedDocumentRef, step: Refund, c: NonNullable<Refund['credit']>): CreditNoteInput => ({
  document, number: c.number, lines: c.lines, date: c.date, reason: `BigCommerce refund ${step.refundId}`,
});

const payoutPayment = (step: Refund, payout: Refund['payouts'][number]): DocumentPayment => ({
  kind: payout.kind, method: payout.method, account: payout.account, amount: payout.amount, date: payout.date, reference: `BigCommerce refund ${step.refundId}`,
});

/**
 * Many refunds at once (a backfill page), where the provider takes them in batches (Xero: 50 credit notes, then 50
 * refund payments, a request): the credits are asked for together, then the payouts, and each refund is recorded by
 * bookRefund with those answers, exactly as one refund alone would be. Without batches, one by one.
 */
export async function bookRefunds(deps: PipelineDeps, items: ReadonlyArray<{ order: BcOrder; step: Refund }>): Promise<StepOutcome[]> {
  const { provider } = deps;
  if (!provider.postCreditNotes || !provider.payOuts) {
    const outcomes: StepOutcome[] = [];
    for (const item of items) outcomes.push(await bookRefund(deps, item.order, item.step));
    return outcomes;
  }
  // What each refund still needs, from its order's postings.
  const prepared = await Promise.all(items.map(async ({ order, step }) => {
    const { key, document } = await postedDocumentOf(deps, order.id, 'refund');
    const postings = await deps.records.postings(key);
    const booked = postings.find((p) => p.key === step.key && (p.state === 'posted' || p.state === 'skipped'));
    const cancellation = postings.find((p) => p.kind === 'cancel_credit' && p.state === 'posted');
    return { order, step, key, document, booked, cancellation };
  }));
  const toCredit = prepared.filter((p) => p.step.credit && !p.booked);
  for (const p of toCredit) {
    const c = p.step.credit!;
    await deps.records.beginPosting(p.key, { key: p.step.key, kind: 'credit', refundId: p.step.refundId, amount: c.total, tax: c.tax, detail: { lines: c.lines, number: c.number, date: c.date } });
  }
  const credited = toCredit.length ? await provider.postCreditNotes(toCredit.map((p) => ({ input: creditInput(p.document, p.step, p.step.credit!), idempotencyKey: p.step.key }))) : [];
  const creditAnswers = new Map(toCredit.map((p, i) => [p.step.key, credited[i]!]));
  // The credit each payout goes against: the answer just given, the credit booked before, or the cancellation's.
  const payouts: Array<{ credit: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string; key: typeof prepared[number]['key']; step: Refund }> = [];
  for (const p of prepared) {
    const answer = creditAnswers.get(p.step.key);
    const ref = answer?.ok ? { remoteId: answer.value.remoteId, number: answer.value.number }
      : p.booked?.remoteId ? { remoteId: p.booked.remoteId, number: p.booked.number ?? '' }
      : !p.step.credit && p.cancellation?.remoteId ? { remoteId: p.cancellation.remoteId, number: p.cancellation.number ?? '' } : null;
    if (!ref) continue;
    for (const payout of p.step.payouts) {
      const payment = payoutPayment(p.step, payout);
      await deps.records.beginPosting(p.key, { key: payout.key, kind: 'payout', refundId: p.step.refundId, amount: payout.amount, detail: { payment, providerId: payout.providerId, offline: payout.offline, credit: ref } });
      payouts.push({ credit: ref, payment, idempotencyKey: payout.key, key: p.key, step: p.step });
    }
  }
  const paid = payouts.length ? await provider.payOuts(payouts.map(({ credit, payment, idempotencyKey }) => ({ credit, payment, idempotencyKey }))) : [];
  const payoutAnswers = new Map(payouts.map((p, i) => [p.idempotencyKey, paid[i]!]));
  const outcomes: StepOutcome[] = [];
  for (const p of prepared) {
    const answer = creditAnswers.get(p.step.key);
    outcomes.push(await bookRefund(deps, p.order, p.step, { ...(answer ? { credit: answer } : {}), payouts: payoutAnswers }));
  }
  return outcomes;
}
