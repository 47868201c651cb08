import { adminStore, audit, chartOf, settingsRepo } from '@/lib/admin/context';
import { failure, parseBody, validationResponse } from '@/lib/admin/http';
import { checkItemAccounts, itemSettingsSchema } from '@/lib/admin/items-stock';
import { withSession } from '@/lib/http/with-session';

export const dynamic = 'force-dynamic';

/** Item settings of the catalog import and "push product details" (the rest of the settings stay as they are). */
export const PUT = withSession(async (request, session) => {
  const input = await parseBody(request, itemSettingsSchema);
  if (!input.ok) return input.response;
  if (input.value.inventoryAssetAccount || input.value.costOfGoodsSoldAccount) {
    const fields = checkItemAccounts(input.value, (await chartOf(await adminStore(session))).accounts);
    if (Object.keys(fields).length) return validationResponse(fields);
  }
  const repo = await settingsRepo();
  const current = await repo.current(session.storeHash);
  const next = { ...current.settings, items: { ...current.settings.items, ...input.value } };
  const saved = await repo.save(session.storeHash, next, { expectedVersion: current.version, actorUserId: session.userId });
  if (!saved.ok) {
    if (saved.reason === 'conflict') return failure({ kind: 'Conflict', message: 'The settings changed meanwhile; try again.' });
    return validationResponse(Object.fromEntries(saved.problems.map((p) => [p.path.replace(/^items\./, ''), p.message])));
  }
  await audit(session, 'settings.saved', { version: saved.version, items: input.value });
  const { pushProductDetails, inventoryAssetAccount, costOfGoodsSoldAccount } = saved.settings.items;
  return Response.json({ version: saved.version, items: { pushProductDetails, inventoryAssetAccount, costOfGoodsSoldAccount } });
});
