/**
 * Repair (issue 17): what reconciliation found that the app can put right, through the normal exactly-once path (the
 * same load → plan → post the retry and the sweep use). An order missing from the books, pending or failed is run
 * again (its idempotency key finds a document an earlier attempt did create); a refund not credited is booked by the
 * same run. A document voided or deleted in the books is posted again as a new document: our record lets go of the
 * old one and the next version's key is used, so the old key can never return the voided or deleted document.
 * Held, skipped, changed and duplicated orders need a person and are left alone.
 */
import { loadOrder, processLoadedOrder, keyOf, type OrderResult, type PipelineDeps, type RecordKey } from '../pipeline';
import type { Difference, DifferenceClass } from './types';

export const REPAIR_CLASSES: ReadonlySet<DifferenceClass> = new Set(['pending', 'failed', 'missing_in_books', 'voided_in_books', 'refund_not_credited']);

export const isRepairable = (d: Pick<Difference, 'class'>) => REPAIR_CLASSES.has(d.class);

export interface RepairDeps {
  pipeline: PipelineDeps;
  /**
   * The books no longer hold the order's document (reconciliation read them just now): the record keeps its history
   * but no longer points at it, and the next posting takes the next document version (a new idempotency key).
   */
  forgetDocument(key: RecordKey, message: string): Promise<void>;
}

export interface RepairOutcome {
  orderId: number;
  class: DifferenceClass;
  result: OrderResult | 'not_found';
  message: string;
}

export async function repairDifferences(deps: RepairDeps, differences: readonly Difference[]): Promise<RepairOutcome[]> {
  const out: RepairOutcome[] = [];
  const done = new Set<number>();
  for (const difference of differences.filter(isRepairable)) {
    if (done.has(difference.orderId)) continue;
    done.add(difference.orderId);
    const key = keyOf(deps.pipeline, difference.orderId);
    if (difference.class === 'voided_in_books') {
      const record = await deps.pipeline.records.get(key);
      if (record?.remoteId) await deps.forgetDocument(key, `Repair: ${difference.reason} Posting it again.`);
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
