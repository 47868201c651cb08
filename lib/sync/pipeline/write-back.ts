/**
 * Step `write-back-status`: the one rule for the status written back to BigCommerce after an order was processed,
 * whatever ran it (webhook, sweep, backfill, command line, retry).
 * - Posted: the configured "imported" status; a problem (held or failed): the configured error status. Only while
 *   the order sits in an import status (or in the error status we put it in): a refund, a cancellation or the
 *   merchant's own status is never overwritten.
 * - Anything else: nothing, except a repair: an order in the books whose status was never written (a crash between
 *   the post and the write) gets it the next time it is looked at, by any trigger.
 * The webhook our write causes comes back as an order change; the record's writtenStatusId lets the pipeline
 * recognise that echo without loading the order.
 */
import type { BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { statusNamed } from '@/lib/bigcommerce/statuses';
import { fromStore } from './failures';
import { keyOf, type PipelineDeps } from './ports';
import type { Acted } from './act';

export type WriteBack = { written: number | null; reason: string };

const GONE: WriteBack = { written: null, reason: 'the order no longer exists' };

/** The order as it is now, read right before a status write; null when it no longer exists (a failure throws). */
async function orderNow(deps: PipelineDeps, orderId: number): Promise<BcOrder | null> {
  const now = await deps.store.getOrder(orderId);
  if (now.ok) return now.value;
  if (now.error.kind === 'NotFound') return null;
  return fromStore(now.error, `reading the status of order ${orderId}`);
}

export async function writeBackStatus(
  deps: PipelineDeps,
  input: {
    orderId: number; currentStatusId: number; outcome: 'imported' | 'error'; recheck?: boolean;
    /** The order as posted from (order-fingerprint.ts), kept with an `imported` write so its echo plans nothing. */
    orderFingerprint?: string;
  },
): Promise<WriteBack> {
  const target = input.outcome === 'imported' ? deps.settings.orders.statusAfterImport : deps.settings.orders.statusOnError;
  if (target === null) return { written: null, reason: `no status is configured for ${input.outcome} orders` };
  if (target === input.currentStatusId) return { written: null, reason: 'the order already has that status' };
  if (input.recheck) {
    // BigCommerce has no conditional status write: read the status again right before writing, so a status the
    // merchant set meanwhile (a cancellation seconds after the order was placed) is never overwritten by ours.
    const now = await orderNow(deps, input.orderId);
    if (!now) return GONE;
    if (now.status_id !== input.currentStatusId) {
      await deps.records.addEvent(deps.storeHash, input.orderId, 'status_left', `Status not written: the order's status changed to ${statusNamed(now.status_id)} meanwhile.`, { statusId: now.status_id });
      return { written: null, reason: 'the status changed meanwhile' };
    }
  }
  const result = await deps.store.setOrderStatus(input.orderId, target);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return GONE;
    fromStore(result.error, `setting the status of order ${input.orderId}`);
  }
  await deps.records.recordStatusWritten(keyOf(deps, input.orderId), target, input.outcome === 'imported' ? (input.orderFingerprint ?? null) : null);
  await deps.records.addEvent(deps.storeHash, input.orderId, 'status_written', `Order status set to ${statusNamed(target)} (${input.outcome === 'imported' ? 'posted' : 'could not be posted'}).`, {
    statusId: target,
  });
  return { written: target, reason: input.outcome };
}

/**
 * The status write after an order was processed (the rule above). `recheck`: read the order's status again before
 * writing (one order at a time, where the order was loaded a while ago); a backfill page writes from its listing.
 */
export async function writeBackAfter(
  deps: PipelineDeps,
  order: Pick<BcOrder, 'id' | 'status_id'>,
  acted: Pick<Acted, 'result'>,
  options: { recheck?: boolean; orderFingerprint?: string } = {},
): Promise<WriteBack> {
  const o = deps.settings.orders;
  const importing = o.importStatusIds.includes(order.status_id) || (o.statusOnError !== null && order.status_id === o.statusOnError);
  const write = (outcome: 'imported' | 'error', orderFingerprint?: string) =>
    writeBackStatus(deps, { orderId: order.id, currentStatusId: order.status_id, outcome, recheck: options.recheck ?? false, ...(orderFingerprint ? { orderFingerprint } : {}) });
  // Posted from this order: the write's echo finds it unchanged but for our status (order-fingerprint.ts).
  if (acted.result === 'posted') return importing ? write('imported', options.orderFingerprint) : { written: null, reason: 'the order is no longer in an import status' };
  if (acted.result === 'held' || acted.result === 'failed') return importing ? write('error') : { written: null, reason: 'the order is not in an import status' };
  const record = await deps.records.get(keyOf(deps, order.id));
  if (record?.state === 'posted' && record.writtenStatusId === null && o.importStatusIds.includes(order.status_id)) return write('imported');
  return { written: null, reason: 'nothing to write' };
}

/**
 * After an order's run gave up (Inngest's retries spent): the error status, by the same rule as after a failed post,
 * read from the order as it is now. Only an order in an import status (or already in ours) gets it: an order that was
 * never to be posted (Pending, say) keeps its status, since an order in our error status is one the planner imports.
 */
export async function writeErrorStatusAfterFailure(deps: PipelineDeps, orderId: number): Promise<WriteBack> {
  const now = await orderNow(deps, orderId);
  return now ? writeBackAfter(deps, now, { result: 'failed' }) : GONE;
}

/**
 * Can writeBackAfter write anything for this outcome? Only for a post, a hold or a failure, or to repair an order in
 * the books whose status was never written. An order whose status was written already (a record never forgets it)
 * and whose outcome is none of those (an echo planned and skipped as unchanged) has nothing to write: the job may
 * leave the step out.
 */
export function mayWriteBack(acted: Pick<Acted, 'result'>, known: { statusWritten: boolean }): boolean {
  if (acted.result === 'posted' || acted.result === 'held' || acted.result === 'failed') return true;
  return !known.statusWritten;
}

/**
 * Is this change the echo of our own status write? Only a status change to exactly the status we wrote, seen
 * within ten minutes of writing it.
 */
export function isOwnStatusEcho(
  record: { writtenStatusId: number | null; statusWrittenAt: Date | string | null } | null,
  change: { newStatusId: number; at: Date },
): boolean {
  if (!record?.writtenStatusId || !record.statusWrittenAt) return false;
  const writtenAt = new Date(record.statusWrittenAt).getTime();
  return record.writtenStatusId === change.newStatusId && Math.abs(change.at.getTime() - writtenAt) < 10 * 60_000;
}

/**
 * The status our write replaced, when it was one we never write over: the echo of our write says which status it
 * replaced (store/order/statusUpdated carries previous_status_id). We only write over an import status or our own
 * error status, after reading it again (writeBackStatus); anything else there means the merchant (or another app)
 * set it in the moment between that read and our write, and BigCommerce has no conditional write to refuse ours.
 * That status is put back (restoreOverwrittenStatus).
 */
export function overwrittenStatus(
  orders: { importStatusIds: readonly number[]; statusOnError: number | null; statusAfterImport: number | null },
  change: { newStatusId: number; previousStatusId?: number | undefined },
): number | null {
  const previous = change.previousStatusId;
  if (previous === undefined || previous === change.newStatusId) return null;
  if (orders.importStatusIds.includes(previous) || previous === orders.statusOnError || previous === orders.statusAfterImport) return null;
  return previous;
}

/**
 * What a status change (store/order/statusUpdated) is to us: the echo of our own write (nothing to do), the echo of
 * a write that replaced a status set a moment before it (`restore`: that status is to be put back), or not ours
 * (`echo: false`: processed as any change). The order's run asks this first (step `check-echo`); the webhook's
 * dispatcher asks it too, so a plain echo starts no run at all (lib/jobs/dispatch.ts).
 */
export async function classifyStatusChange(
  deps: Pick<PipelineDeps, 'records' | 'settings' | 'storeHash' | 'providerId'>,
  orderId: number,
  change: { newStatusId: number; previousStatusId?: number | undefined; at: Date },
): Promise<{ echo: boolean; restore: number | null }> {
  const record = await deps.records.get(keyOf(deps, orderId));
  if (!isOwnStatusEcho(record, change)) return { echo: false, restore: null };
  return { echo: true, restore: overwrittenStatus(deps.settings.orders, change) };
}

/**
 * Puts back the status our write replaced (overwrittenStatus), if the order still holds ours. It is not recorded as
 * our write: its webhook is the merchant's change, and is processed as one (a cancellation cancels in the books).
 */
export async function restoreOverwrittenStatus(
  deps: PipelineDeps,
  input: { orderId: number; ours: number; restore: number },
): Promise<WriteBack> {
  const now = await orderNow(deps, input.orderId);
  if (!now) return GONE;
  if (now.status_id !== input.ours) return { written: null, reason: 'the status changed again since our write' };
  const result = await deps.store.setOrderStatus(input.orderId, input.restore);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return GONE;
    fromStore(result.error, `restoring the status of order ${input.orderId}`);
  }
  await deps.records.addEvent(
    deps.storeHash,
    input.orderId,
    'status_restored',
    `Status ${statusNamed(input.restore)} put back: it was set while we wrote ${statusNamed(input.ours)}, and our write had replaced it.`,
    { statusId: input.restore, replaced: input.ours },
  );
  return { written: input.restore, reason: 'restored' };
}
