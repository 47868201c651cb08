import { adminDb, currentProvider } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { summaryListItem, summaryListQuerySchema, type SummaryListItem } from '@/lib/admin/summaries';
import { withSession } from '@/lib/http/with-session';
import { createSummaryReads } from '@/lib/repos/summaries';

export const dynamic = 'force-dynamic';

/** The store's latest daily summaries (?limit=, default 60), newest day first. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, summaryListQuerySchema);
  if (!query.ok) return query.response;
  const [db, provider] = await Promise.all([adminDb(), currentProvider(session.storeHash)]);
  const rows = await createSummaryReads({ db }).recent(session.storeHash, provider, query.value.limit);
  return Response.json({ summaries: rows.map(summaryListItem) satisfies SummaryListItem[] });
});
