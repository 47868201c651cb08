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
import { fromStore } from './failures';
import { keyOf, type PipelineDeps } from './ports';
import type { Acted } from './act';

export type WriteBack = { written: number | null; reason: string };

export async function writeBackStatus(
  deps: PipelineDeps,
  input: { orderId: number; currentStatusId: number; outcome: 'imported' | 'error'; recheck?: boolean },
): Promise<WriteBack> {
  const target = input.outcome === 'imported' ? deps.settings.orders.statusAfterImport : deps.settings.orders.statusOnError;
  if (target === null) return { written: null, reason: `no status is configured for ${input.outcome} orders` };
  if (target === input.currentStatusId) return { written: null, reason: 'the order already has that status' };
  if (input.recheck) {
    // BigCommerce has no conditional status write: read the status again right before writing, so a status the
    // merchant set meanwhile (a cancellation seconds after the order was placed) is never overwritten by ours.
    const now = await deps.store.getOrder(input.orderId);
    if (!now.ok) {
      if (now.error.kind === 'NotFound') return { written: null, reason: 'the order no longer exists' };
      fromStore(now.error, `reading the status of order ${input.orderId}`);
    } else if (now.value.status_id !== input.currentStatusId) {
      await deps.records.addEvent(deps.storeHash, input.orderId, 'status_left', `Status not written: the order's status changed to ${now.value.status_id} meanwhile.`, { statusId: now.value.status_id });
      return { written: null, reason: 'the status changed meanwhile' };
    }
  }
  const result = await deps.store.setOrderStatus(input.orderId, target);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return { written: null, reason: 'the order no longer exists' };
    fromStore(result.error, `setting the status of order ${input.orderId}`);
  }
  await deps.records.recordStatusWritten(keyOf(deps, input.orderId), target);
  await deps.records.addEvent(deps.storeHash, input.orderId, 'status_written', `Order status set to ${target} (${input.outcome}).`, {
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
  options: { recheck?: boolean } = {},
): Promise<WriteBack> {
  const o = deps.settings.orders;
  const importing = o.importStatusIds.includes(order.status_id) || (o.statusOnError !== null && order.status_id === o.statusOnError);
  const write = (outcome: 'imported' | 'error') => writeBackStatus(deps, { orderId: order.id, currentStatusId: order.status_id, outcome, recheck: options.recheck ?? false });
  if (acted.result === 'posted') return importing ? write('imported') : { written: null, reason: 'the order is no longer in an import status' };
  if (acted.result === 'held' || acted.result === 'failed') return importing ? write('error') : { written: null, reason: 'the order is not in an import status' };
  const record = await deps.records.get(keyOf(deps, order.id));
  if (record?.state === 'posted' && record.writtenStatusId === null && o.importStatusIds.includes(order.status_id)) return write('imported');
  return { written: null, reason: 'nothing to write' };
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
