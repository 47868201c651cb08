import { adminDb, currentProvider } from '@/lib/admin/context';
import { failure } from '@/lib/admin/http';
import { summaryNumberParam, summaryPageView, type SummaryPageView } from '@/lib/admin/summaries';
import { withSession } from '@/lib/http/with-session';
import { createSummaryReads } from '@/lib/repos/summaries';

export const dynamic = 'force-dynamic';

/** One daily summary of the session's store, by its number: lines, money, each order's share. Another store's is a 404. */
export const GET = withSession<{ params: Promise<{ number: string }> }>(async (_request, session, context) => {
  const number = summaryNumberParam((await context.params).number);
  const [db, provider] = await Promise.all([adminDb(), currentProvider(session.storeHash)]);
  const row = await createSummaryReads({ db }).byNumber(session.storeHash, provider, number);
  if (!row) return failure({ kind: 'NotFound', message: `No daily summary ${number} in this store.` });
  return Response.json(summaryPageView(row) satisfies SummaryPageView);
});
