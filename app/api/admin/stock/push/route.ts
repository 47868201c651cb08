import { audit, settingsRepo } from '@/lib/admin/context';
import { failure } from '@/lib/admin/http';
import { pushStockNow } from '@/lib/admin/items-stock';
import { withSession } from '@/lib/http/with-session';
import { sendJobEvents } from '@/lib/jobs/dispatch';
import { stockPush } from '@/lib/jobs/events';

export const dynamic = 'force-dynamic';

/** "Push stock now": the stock push the scheduler sends, now (reason `manual`). */
export const POST = withSession(async (_request, session) => {
  const { settings } = await (await settingsRepo()).current(session.storeHash);
  const result = await pushStockNow({
    enabled: settings.stock.enabled,
    send: () => sendJobEvents([stockPush.create({ storeHash: session.storeHash, reason: 'manual' })], { storeHash: session.storeHash, event: 'stock/push' }),
  });
  if (!result.ok) return failure({ kind: result.kind, message: result.message });
  await audit(session, 'stock.push_requested');
  return Response.json({ queued: true }, { status: 202 });
});
