import { adminDb, currentProvider } from '@/lib/admin/context';
import { failure } from '@/lib/admin/http';
import { summaryNumberParam, summaryCsv, summaryPageView } from '@/lib/admin/summaries';
import { withSession } from '@/lib/http/with-session';
import { createSummaryReads } from '@/lib/repos/summaries';

export const dynamic = 'force-dynamic';

/** A daily summary's orders (its refunds and late changes too), one line each, as a CSV download. */
export const GET = withSession<{ params: Promise<{ number: string }> }>(async (_request, session, context) => {
  const number = summaryNumberParam((await context.params).number);
  const [db, provider] = await Promise.all([adminDb(), currentProvider(session.storeHash)]);
  const row = await createSummaryReads({ db }).byNumber(session.storeHash, provider, number);
  if (!row) return failure({ kind: 'NotFound', message: `No daily summary ${number} in this store.` });
  return new Response(summaryCsv(summaryPageView(row)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${row.number.replace(/[^A-Za-z0-9_-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
