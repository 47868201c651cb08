import { eq } from 'drizzle-orm';
import { storeSync } from '@/db/schema';
import { adminDb, settingsRepo } from '@/lib/admin/context';
import { stockStatus } from '@/lib/admin/items-stock';
import { withSession } from '@/lib/http/with-session';
import { createStockRepo } from '@/lib/repos/stock';

export const dynamic = 'force-dynamic';

/** Stock sync on or off, when the last push ran, and the newest entries of the stock log. */
export const GET = withSession(async (_request, session) => {
  const db = await adminDb();
  const { settings } = await (await settingsRepo()).current(session.storeHash);
  const stock = createStockRepo({ db });
  return Response.json(
    await stockStatus({
      storeHash: session.storeHash,
      enabled: settings.stock.enabled,
      pushDetails: settings.items.pushProductDetails,
      lastPushAt: async () =>
        (await db.select({ at: storeSync.lastStockPushAt }).from(storeSync).where(eq(storeSync.storeHash, session.storeHash)))[0]?.at ?? null,
      recentEvents: (limit) => stock.recentEvents(session.storeHash, limit),
    }),
  );
});
