import { adminDb } from '@/lib/admin/context';
import { parseQuery } from '@/lib/admin/http';
import { exportLedger, exportQuerySchema } from '@/lib/admin/ledger-view';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** hledger, beancount or CSV export of the built-in ledger, as a download. */
export const GET = withSession(async (request, session) => {
  const query = parseQuery(request, exportQuerySchema);
  if (!query.ok) return query.response;
  const file = await exportLedger(await adminDb(), session.storeHash, query.value);
  return new Response(file.body, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  });
});
