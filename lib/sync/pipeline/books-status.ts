/**
 * Statuses the other way (`statuses.fromBooks`): the books say a posted document was paid, voided or credited, and
 * the order gets the status the merchant mapped to that, once. The write is the same as the write-back's
 * (recordStatusWritten), so the statusUpdated webhook it causes is recognised as our own echo (isOwnStatusEcho) and
 * never plans or posts the order again.
 */
import { statusNamed } from '@/lib/bigcommerce/statuses';
import type { BooksStatus } from '../provider';
import type { SyncSettings } from '../settings';
import { fromStore, providerProblem } from './failures';
import { keyOf, type PipelineDeps } from './ports';

const WORDS: Record<Exclude<BooksStatus, 'open'>, string> = {
  paid: 'paid in full',
  partlyPaid: 'partly paid',
  voided: 'voided',
  credited: 'credited',
};

/** The BigCommerce status mapped to what the books say; null = leave the order alone (the default for each). */
export function statusFromBooks(settings: Pick<SyncSettings, 'statuses'>, books: BooksStatus): number | null {
  return books === 'open' ? null : settings.statuses.fromBooks[books];
}

/** Some status is mapped from the books (a store whose settings predate the section has none). */
export function fromBooksOn(settings: Partial<Pick<SyncSettings, 'statuses'>>): boolean {
  return Object.values(settings.statuses?.fromBooks ?? {}).some((v) => v !== null);
}

/** The statuses after which nothing the books say changes the order any more (paid in full, voided, credited). */
export function finalBooksStatusIds(settings: Pick<SyncSettings, 'statuses'>): number[] {
  const { paid, voided, credited } = settings.statuses.fromBooks;
  return [paid, voided, credited].filter((v): v is number => v !== null);
}

export type BooksStatusOutcome = { written: number | null; reason: string };

/** Reads the order's document in the books and sets the mapped status when it differs from the order's. */
export async function applyBooksStatus(deps: PipelineDeps, orderId: number): Promise<BooksStatusOutcome> {
  const mapping = deps.settings.statuses.fromBooks;
  if (Object.values(mapping).every((v) => v === null)) return { written: null, reason: 'no status is mapped from the books' };
  if (!deps.provider.documentStatus) return { written: null, reason: 'this accounting system has no status of its own to read' };
  const record = await deps.records.get(keyOf(deps, orderId));
  if (!record?.remoteId) return { written: null, reason: 'the order has no document in the books' };
  const read = await deps.provider.documentStatus({ remoteId: record.remoteId, number: record.remoteNumber ?? '' });
  if (!read.ok) {
    // Outages and rate limits throw (the job retries); a revoked connection or the like is said and left.
    const problem = providerProblem(read.error, `reading the document of order ${orderId} in the books`);
    return { written: null, reason: problem.message };
  }
  if (read.value === null) return { written: null, reason: 'the document no longer exists in the books' };
  const books = read.value;
  if (books === 'open') return { written: null, reason: 'the document is open as posted' };
  const target = statusFromBooks(deps.settings, books);
  if (target === null) return { written: null, reason: `no status is mapped for a document ${WORDS[books]}` };
  // Once: a status we already wrote for this is not written again (the merchant may have moved the order on since).
  if (record.writtenStatusId === target) return { written: null, reason: 'that status was written already' };
  const order = await deps.store.getOrder(orderId);
  if (!order.ok) {
    if (order.error.kind === 'NotFound') return { written: null, reason: 'the order no longer exists' };
    fromStore(order.error, `reading the status of order ${orderId}`);
  }
  if (order.value.status_id === target) return { written: null, reason: 'the order already has that status' };
  const result = await deps.store.setOrderStatus(orderId, target);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return { written: null, reason: 'the order no longer exists' };
    fromStore(result.error, `setting the status of order ${orderId}`);
  }
  await deps.records.recordStatusWritten(keyOf(deps, orderId), target);
  await deps.records.addEvent(deps.storeHash, orderId, 'status_written', `Order status set to ${statusNamed(target)}: the books say the document was ${WORDS[books]}.`, {
    statusId: target,
    books,
  });
  return { written: target, reason: books };
}
