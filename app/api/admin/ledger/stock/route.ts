import { createLedgerProvider } from '@/lib/accounting/ledger';
import { adminDb, audit, currentProvider } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { adjustStock, stockAdjustmentSchema } from '@/lib/admin/ledger-view';
import { withSession } from '@/lib/http/with-session';
import { sendJobEvents } from '@/lib/jobs/dispatch';
import { stockPush } from '@/lib/jobs/events';

export const dynamic = 'force-dynamic';

/**
 * Stock count: sets the quantity on hand of an item in the built-in ledger (creating the item when a name is
 * given), then asks for a stock push (a no-op while stock sync is off), so the level reaches BigCommerce.
 */
export const POST = withSession(async (request, session) => {
  const input = await parseBody(request, stockAdjustmentSchema);
  if (!input.ok) return input.response;
  if ((await currentProvider(session.storeHash)) !== 'ledger') {
    return failure({ kind: 'Forbidden', message: 'Stock is adjusted in your accounting system, not here.' });
  }
  const ledger = createLedgerProvider({ db: await adminDb(), storeHash: session.storeHash });
  const result = await adjustStock(ledger, input.value);
  if (!result.ok) return validationResponse(result.fields);
  await audit(session, 'stock.adjusted', { sku: result.level.sku, quantity: result.level.quantity });
  await sendJobEvents([stockPush.create({ storeHash: session.storeHash, reason: 'adjustment' })], { storeHash: session.storeHash });
  return Response.json({ level: result.level });
});
