import { and, eq } from 'drizzle-orm';
import { syncRecords } from '@/db/schema';
import { adminDb, currentProvider } from '@/lib/admin/context';
import { failure, positiveInt } from '@/lib/admin/http';
import { loadOrderDetail, type OrderDetail } from '@/lib/admin/order-detail';
import { createSyncRecordRepo } from '@/lib/repos/sync-records';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** One order of the session's store: record, timeline, postings, document as posted. Another store's order is a 404. */
export const GET = withSession<{ params: Promise<{ orderId: string }> }>(async (_request, session, context) => {
  const orderId = positiveInt((await context.params).orderId);
  if (!orderId) return failure({ kind: 'NotFound', message: 'No such order.' });
  const [db, provider] = await Promise.all([adminDb(), currentProvider(session.storeHash)]);
  const records = createSyncRecordRepo({ db });
  const detail = await loadOrderDetail(
    {
      storeHash: session.storeHash,
      provider,
      record: async (id) => {
        const rows = await db
          .select()
          .from(syncRecords)
          .where(and(eq(syncRecords.storeHash, session.storeHash), eq(syncRecords.orderId, id), eq(syncRecords.provider, provider)));
        return (rows[0] as never) ?? null;
      },
      timeline: (id) => records.timeline(session.storeHash, id),
      postings: (id) => records.postings({ storeHash: session.storeHash, orderId: id, provider }),
    },
    orderId,
  );
  if (!detail) return failure({ kind: 'NotFound', message: `Order ${orderId} has no sync history in this store.` });
  return Response.json(detail satisfies OrderDetail);
});
