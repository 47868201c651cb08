/**
 * Step `update-document`: the order's sale changed after it was posted. While the document is not locked it is
 * updated in place where the system allows it (what was paid on it stays, and is never recorded again). Once locked
 * (a payment or credit applied, the system refuses the edit, or the document's date is in a closed period) the
 * difference is booked as an adjustment dated in the open period: an invoice for what was added, a credit note for
 * what was removed. The timeline says which, and why.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { documentOf, linesTotal } from '../document-difference';
import { idempotencyKey, type Step } from '../plan-sync';
import type { SalesDocument } from '../sales-document';
import { providerProblem } from './failures';
import { failStep, settle } from './settle';
import { keyOf, type PipelineDeps } from './ports';
import type { StepOutcome } from './post-document';

export type Update = Extract<Step, { kind: 'update' }>;

export async function updateOrderDocument(deps: PipelineDeps, order: BcOrder, step: Update): Promise<StepOutcome> {
  const key = keyOf(deps, order.id);
  const record = await deps.records.get(key);
  if (!record?.remoteId || !record.document) throw new Error(`update of order ${order.id} without a posted document`);
  const booked = record.document as unknown as SalesDocument;
  const ref = { remoteId: record.remoteId, number: record.remoteNumber ?? booked.number };

  if (!step.locked && !record.locked) {
    const updateKey = idempotencyKey(deps.storeHash, order.id, 'update', step.version);
    await deps.records.beginPosting(key, { key: updateKey, kind: 'update', amount: step.document.totals.total, tax: step.document.totals.tax, detail: { from: booked.totals, to: step.document.totals } });
    const updated = await deps.provider.updateDocument(ref, step.document, updateKey);
    if (updated.ok) {
      await deps.records.finishPosting(key, updateKey, { state: 'posted', remoteId: updated.value.remoteId, number: updated.value.number });
      await deps.records.markPosted(key, {
        remoteId: updated.value.remoteId,
        remoteNumber: updated.value.number,
        contentHash: step.contentHash,
        document: step.document as unknown as Record<string, unknown>,
        message: `Updated in ${deps.provider.displayName} after the order changed (${booked.totals.total} → ${step.document.totals.total}).`,
        documentVersion: step.version,
      });
      await deps.records.addEvent(
        deps.storeHash, order.id, 'updated', `Document ${updated.value.number} updated: the order changed (total ${booked.totals.total} → ${step.document.totals.total}).`,
        { version: step.version, from: booked.totals.total, to: step.document.totals.total }, { once: `updated:${step.version}` },
      );
      return { ok: true, number: updated.value.number };
    }
    if (updated.error.kind !== 'locked') {
      const problem = providerProblem(updated.error, 'Updating the document');
      await deps.records.finishPosting(key, updateKey, { state: 'failed', message: problem.message });
      return failStep(deps, order.id, problem);
    }
    // The system refuses the edit (a payment or credit applied there): from now on the document is locked.
    await deps.records.finishPosting(key, updateKey, { state: 'skipped', message: updated.error.message });
    await deps.records.markLocked(key);
    await deps.records.addEvent(deps.storeHash, order.id, 'locked', `${deps.provider.displayName} no longer lets document ${ref.number} change (${updated.error.message}); the change is booked as an adjustment.`);
  }
  return adjust(deps, order, step, ref, booked);
}

async function adjust(deps: PipelineDeps, order: BcOrder, step: Update, ref: { remoteId: string; number: string }, booked: SalesDocument): Promise<StepOutcome> {
  const key = keyOf(deps, order.id);
  const scale = booked.currency.scale;
  const why = `order ${order.id} changed after document ${ref.number} was locked (paid, credited, or in a closed period)`;
  if (step.added.length > 0) {
    const invoiceKey = idempotencyKey(deps.storeHash, order.id, 'adjust', step.version);
    const number = `${ref.number}-ADJ${step.version}`;
    const document = documentOf(booked, { lines: step.added, number, date: step.date, memo: `Adjustment: ${why}.` });
    await deps.records.beginPosting(key, { key: invoiceKey, kind: 'adjustment_invoice', amount: document.totals.total, tax: document.totals.tax, detail: { lines: step.added, number } });
    const posted = await deps.provider.postDocument(document, invoiceKey);
    if (!posted.ok) {
      const problem = providerProblem(posted.error, 'Posting the adjustment invoice');
      await deps.records.finishPosting(key, invoiceKey, { state: 'failed', message: problem.message });
      return failStep(deps, order.id, problem);
    }
    await deps.records.finishPosting(key, invoiceKey, { state: 'posted', remoteId: posted.value.remoteId, number: posted.value.number });
    await deps.records.addEvent(deps.storeHash, order.id, 'adjusted', `Adjustment invoice ${posted.value.number} (${document.totals.total}) for what was added: ${why}.`, { total: document.totals.total, tax: document.totals.tax, lines: step.added.length }, { once: `adjust:${step.version}` });
  }
  if (step.removed.length > 0) {
    const creditKey = idempotencyKey(deps.storeHash, order.id, 'adjust-credit', step.version);
    const number = `${ref.number}-ADJ${step.version}-CR`;
    const totals = linesTotal(step.removed, scale);
    await deps.records.beginPosting(key, { key: creditKey, kind: 'adjustment_credit', amount: totals.total, tax: totals.tax, detail: { lines: step.removed, number } });
    const credited = await deps.provider.postCreditNote({ document: ref, number, lines: step.removed, date: step.date, reason: `Adjustment: ${why}` }, creditKey);
    if (!credited.ok) {
      const problem = providerProblem(credited.error, 'Posting the adjustment credit note');
      await deps.records.finishPosting(key, creditKey, { state: 'failed', message: problem.message });
      return failStep(deps, order.id, problem);
    }
    await deps.records.finishPosting(key, creditKey, { state: 'posted', remoteId: credited.value.remoteId, number: credited.value.number });
    await deps.records.addEvent(deps.storeHash, order.id, 'adjusted', `Adjustment credit note ${credited.value.number} (${totals.total}) for what was removed: ${why}.`, { total: totals.total, tax: totals.tax, lines: step.removed.length }, { once: `adjust-credit:${step.version}` });
  }
  if (step.added.length === 0 && step.removed.length === 0) {
    await deps.records.addEvent(deps.storeHash, order.id, 'adjusted', `The order's details changed after document ${ref.number} was locked; its amounts did not, so nothing was booked.`, {}, { once: `adjust-none:${step.version}` });
  }
  // The booked sale is now the order as it is (the document plus its adjustments): the next edit is measured from it.
  await deps.records.markPosted(key, {
    remoteId: ref.remoteId,
    remoteNumber: ref.number,
    contentHash: step.contentHash,
    document: step.document as unknown as Record<string, unknown>,
    message: `Posted as ${ref.number}, with an adjustment for a change after it was locked.`,
    documentVersion: step.version,
  });
  await settle(deps, order.id);
  return { ok: true, number: ref.number };
}
