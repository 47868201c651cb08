/**
 * Repair (issue 17): what reconciliation found that the app can put right, through the normal exactly-once path (the
 * same load → plan → post the retry and the sweep use). An order missing from the books, pending or failed is run
 * again (its idempotency key finds a document an earlier attempt did create); a refund not credited is booked by the
 * same run. A document voided or deleted in the books is posted again as a new document: our record lets go of the
 * old one and the next version's key is used, so the old key can never return the voided or deleted document.
 *
 * What went with it is let go of too, when the books read just now no longer hold it: the payments recorded on the
 * lost document, and each refund's credit (a credit note voided with it, a credit memo or refund receipt deleted) with
 * its payouts. The same run then books them again, the refunds under keys of their next generation: the order is whole
 * in the books once more (document, credits, payments and payouts), each write once. A credit the books still hold is
 * kept and not booked twice. Held, skipped, changed and duplicated orders need a person and are left alone.
 */
import type { BooksDocument } from '../provider';
import { loadOrder, processLoadedOrder, keyOf, type OrderResult, type PipelineDeps, type Posting, type RecordKey } from '../pipeline';
import type { Difference, DifferenceClass } from './types';

export const REPAIR_CLASSES: ReadonlySet<DifferenceClass> = new Set(['pending', 'failed', 'missing_in_books', 'voided_in_books', 'refund_not_credited']);

export const isRepairable = (d: Pick<Difference, 'class'>) => REPAIR_CLASSES.has(d.class);

export interface RepairDeps {
  pipeline: PipelineDeps;
  /**
   * The books no longer hold the order's document (reconciliation read them just now): the record keeps its history
   * but no longer points at it, and the next posting takes the next document version (a new idempotency key).
   * `gonePostings`: the keys of the order's postings whose writes went with it (Repair books them again).
   */
  forgetDocument(key: RecordKey, message: string, gonePostings: readonly string[]): Promise<void>;
  /** The books no longer hold what these postings wrote (a refund's credit and payouts): booked again by the next run. */
  forgetPostings?(key: RecordKey, postingKeys: readonly string[], message: string): Promise<void>;
  /**
   * What reconciliation read from the books for the range (up to today), to tell which of an order's credits the books
   * still hold. Without them, Repair lets go of the document and its payments only.
   */
  books?: BooksRead;
}

/** What reconciliation read from the books: every document dated within `window` (YYYY-MM-DD, inclusive). */
export interface BooksRead {
  documents: readonly BooksDocument[];
  window: { from: string; to: string };
}

export interface RepairOutcome {
  orderId: number;
  class: DifferenceClass;
  result: OrderResult | 'not_found';
  message: string;
}

export async function repairDifferences(deps: RepairDeps, differences: readonly Difference[]): Promise<RepairOutcome[]> {
  const out: RepairOutcome[] = [];
  // One run per order, for the difference that says most: a lost document first (the order's other differences, a
  // refund not credited among them, are what went with it).
  const byOrder = new Map<number, Difference>();
  for (const difference of differences.filter(isRepairable)) {
    const seen = byOrder.get(difference.orderId);
    if (!seen || (difference.class === 'voided_in_books' && seen.class !== 'voided_in_books')) byOrder.set(difference.orderId, difference);
  }
  for (const difference of byOrder.values()) {
    const key = keyOf(deps.pipeline, difference.orderId);
    if (difference.class === 'voided_in_books' || difference.class === 'refund_not_credited') {
      const record = await deps.pipeline.records.get(key);
      const postings = record ? await deps.pipeline.records.postings(key) : [];
      if (difference.class === 'voided_in_books' && record?.remoteId) {
        const gone = [...paymentsOn(postings, record.remoteId), ...lostCredits(postings, deps.books)];
        await deps.forgetDocument(key, `Repair: ${difference.reason} Posting it again.`, gone);
      } else if (difference.class === 'refund_not_credited' && record?.remoteId && deps.forgetPostings) {
        const gone = lostCredits(postings, deps.books);
        if (gone.length > 0) await deps.forgetPostings(key, gone, `Repair: ${difference.reason} Crediting it again.`);
      }
    }
    const loaded = await loadOrder(deps.pipeline, difference.orderId, { refunds: true });
    if (!loaded.found) {
      out.push({ orderId: difference.orderId, class: difference.class, result: 'not_found', message: `Order ${difference.orderId} is no longer in the store.` });
      continue;
    }
    const acted = await processLoadedOrder(deps.pipeline, loaded, { trigger: 'manual', writeBack: true, recheck: true });
    out.push({ orderId: difference.orderId, class: difference.class, result: acted.result, message: acted.message });
  }
  return out;
}

const booked = (p: Posting) => p.state === 'posted' || p.state === 'skipped';

/** The payments recorded on the lost document: they cannot outlive it (the remote systems refuse to void or delete a paid one: its payments go first). */
function paymentsOn(postings: readonly Posting[], remoteId: string): string[] {
  return postings
    .filter((p) => p.kind === 'payment' && booked(p) && (p.detail.document as { remoteId?: string } | undefined)?.remoteId === remoteId)
    .map((p) => p.key);
}

/**
 * The refunds whose credit the books no longer hold, with their payouts: a refund's credit is held while a live credit
 * the books list carries its remote id or number, or the remote id of one of its payouts (a system may turn a credit
 * paid out whole into a refund receipt of the same number). Nothing is let go of without the books' list.
 */
function lostCredits(postings: readonly Posting[], books: BooksRead | undefined): string[] {
  if (!books) return [];
  const live = books.documents.filter((d) => d.kind === 'credit_note' && d.status !== 'voided');
  const ids = new Set(live.map((d) => d.remoteId));
  const numbers = new Set(live.map((d) => d.number));
  const out: string[] = [];
  // A credit dated outside what was read (or of no known date) is not the books' to say it is lost.
  const read = (p: Posting) => {
    const date = p.detail.date;
    return typeof date === 'string' && date >= books.window.from && date <= books.window.to;
  };
  for (const credit of postings.filter((p) => p.kind === 'credit' && p.refundId !== null && p.state === 'posted' && read(p))) {
    const payouts = postings.filter((p) => p.kind === 'payout' && p.refundId === credit.refundId && booked(p) && payoutOf(p, credit));
    const held = (credit.remoteId !== null && ids.has(credit.remoteId)) || (credit.number !== null && numbers.has(credit.number))
      || payouts.some((p) => p.remoteId !== null && ids.has(p.remoteId));
    if (!held) out.push(credit.key, ...payouts.map((p) => p.key));
  }
  return out;
}

/** Whether a payout was paid against this credit (its detail names the credit it went against). */
const payoutOf = (payout: Posting, credit: Posting) => {
  const against = payout.detail.credit as { remoteId?: string } | undefined;
  return !against?.remoteId || against.remoteId === credit.remoteId;
};
