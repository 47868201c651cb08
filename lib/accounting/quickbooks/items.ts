/**
 * Items: found by Sku, then by Name (a store's SKU is often the item's name in QuickBooks); the generic service items
 * that carry lines without an item of their own; the catalog import's creates and detail updates.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/item
 * - Inventory items need IncomeAccountRef, AssetAccountRef, ExpenseAccountRef (cost of goods sold), QtyOnHand and an
 *   InvStartDate on or before their first sale (QuickBooks refuses a sale dated earlier): created with QtyOnHand 0
 *   from `inventoryStartDate`. Without both inventory accounts a tracked product is created NonInventory.
 * - Name ≤ 100 characters and unique among items (6240); Sku ≤ 100; Description ≤ 4,000.
 */
import { ok, type ItemRules, type ItemWrite, type Outcome, type RemoteItem, type WrittenItem } from '@/lib/sync/provider';
import { CODES, errorsOf, failed, failureOf, hasCode, isUncertain } from './errors';
import { quoted, type QboApi } from './http';
import { requestIdOf } from './mapping';
import { decimal, itemSchema, queryResponse, type QboItem } from './wire';

export const QUICKBOOKS_ITEM_RULES: ItemRules = { skuMaxLength: 100, nameMaxLength: 100, descriptionMaxLength: 4000, trackingNeedsAccounts: true };

const rows = queryResponse('Item', itemSchema);
const PER_QUERY = 30;

export const skuOf = (i: QboItem) => i.Sku || i.Name;

export function toRemoteItem(i: QboItem): RemoteItem {
  return { id: i.Id, sku: skuOf(i), name: i.Name, description: i.Description ?? '', unitPrice: i.UnitPrice ?? null };
}

async function itemsWhere(api: QboApi, where: string): Promise<Outcome<QboItem[]>> {
  const r = await api.query(`SELECT * FROM Item WHERE ${where} MAXRESULTS 1000`, 'Looking up QuickBooks items');
  return r.ok ? ok(rows.parse(r.value)) : r;
}

/** Items whose Sku (or, for SKUs without one, Name) is one of `skus`: a query per 30 SKUs, two when some are names. */
export async function itemsBySku(api: QboApi, skus: readonly string[]): Promise<Outcome<Map<string, QboItem>>> {
  const wanted = [...new Set(skus.filter((s) => s.length > 0 && s.length <= QUICKBOOKS_ITEM_RULES.skuMaxLength))];
  const found = new Map<string, QboItem>();
  for (let i = 0; i < wanted.length; i += PER_QUERY) {
    const chunk = wanted.slice(i, i + PER_QUERY);
    // Item.Sku is filterable (Intuit's Item reference, minor version 4+), whether or not any item has one yet.
    const bySku = await itemsWhere(api, `Sku IN (${chunk.map(quoted).join(', ')})`);
    if (!bySku.ok) return bySku;
    for (const item of bySku.value) if (item.Sku && chunk.includes(item.Sku) && !found.has(item.Sku)) found.set(item.Sku, item);
    const rest = chunk.filter((s) => !found.has(s));
    if (rest.length === 0) continue;
    const byName = await itemsWhere(api, `Name IN (${rest.map(quoted).join(', ')})`);
    if (!byName.ok) return byName;
    for (const item of byName.value) if (rest.includes(item.Name) && !found.has(item.Name)) found.set(item.Name, item);
  }
  return ok(found);
}

/** Creates an item, or finds it when its Name is taken (by an earlier run, or a lost answer) — never a second one. */
async function createItem(api: QboApi, body: Record<string, unknown>, what: string): Promise<Outcome<{ item: QboItem; created: boolean }>> {
  const name = String(body.Name);
  const find = async () => {
    const r = await itemsWhere(api, `Name = ${quoted(name)}`);
    return r.ok ? ok(r.value.find((i) => i.Name.toLowerCase() === name.toLowerCase()) ?? null) : r;
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const sent = await api.send({ method: 'POST', path: '/item', body, requestId: requestIdOf(`item:${name}`) });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) return ok({ item: itemSchema.parse((reply.json as { Item: unknown }).Item), created: true });
    const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
    if (isUncertain(reply) || hasCode(errors, CODES.duplicateName)) {
      const existing = await find();
      if (!existing.ok) return existing;
      if (existing.value) return ok({ item: existing.value, created: false });
      if (isUncertain(reply) && attempt === 0) continue;
    }
    return failed(failureOf(reply, what, api.minuteMs));
  }
  return failed({ kind: 'unavailable', message: `${what}: no definite answer from QuickBooks.` });
}

/** The service item (by name) that carries lines of one kind and income account; created once. */
export async function ensureServiceItem(api: QboApi, name: string, incomeAccount: string): Promise<Outcome<string>> {
  const r = await createItem(api, { Name: name, Type: 'Service', IncomeAccountRef: { value: incomeAccount }, Taxable: true }, `Creating the QuickBooks item "${name}"`);
  return r.ok ? ok(r.value.item.Id) : r;
}

type Create = Extract<ItemWrite, { kind: 'create' }>;

export function itemCreateBody(w: Create, inventoryStartDate: string): Record<string, unknown> {
  const tracked = w.tracked && w.inventoryAccounts !== null;
  return {
    Name: w.name.slice(0, 100),
    Sku: w.sku,
    ...(w.description ? { Description: w.description.slice(0, 4000) } : {}),
    ...(w.unitPrice !== null ? { UnitPrice: decimal(w.unitPrice) } : {}),
    IncomeAccountRef: { value: w.salesAccount },
    ...(tracked
      ? { Type: 'Inventory', TrackQtyOnHand: true, QtyOnHand: decimal('0'), InvStartDate: inventoryStartDate, AssetAccountRef: { value: w.inventoryAccounts!.assetAccount }, ExpenseAccountRef: { value: w.inventoryAccounts!.costOfGoodsSoldAccount } }
      : { Type: 'NonInventory' }),
  };
}

/** The catalog import's writes, one at a time (items are few and created once); results in the order given. */
export async function upsertItems(api: QboApi, writes: readonly ItemWrite[], inventoryStartDate: string): Promise<Array<Outcome<WrittenItem>>> {
  const current = await itemsBySku(api, writes.map((w) => w.sku));
  if (!current.ok) return writes.map(() => current);
  const out: Array<Outcome<WrittenItem>> = [];
  for (const w of writes) {
    const existing = current.value.get(w.sku);
    if (w.kind === 'create') {
      if (existing) {
        out.push(ok({ id: existing.Id, sku: w.sku, created: false, tracked: existing.TrackQtyOnHand === true }));
        continue;
      }
      const r = await createItem(api, itemCreateBody(w, inventoryStartDate), `QuickBooks refused item ${w.sku}`);
      out.push(r.ok ? ok({ id: r.value.item.Id, sku: w.sku, created: r.value.created, tracked: r.value.item.TrackQtyOnHand === true }) : r);
      continue;
    }
    if (!existing) {
      out.push(failed({ kind: 'not_found', message: `Item ${w.sku} is not in QuickBooks any more.` }));
      continue;
    }
    const body = {
      Id: existing.Id,
      SyncToken: existing.SyncToken,
      sparse: true,
      ...(w.name !== undefined ? { Name: w.name.slice(0, 100) } : {}),
      ...(w.description !== undefined ? { Description: w.description } : {}),
      ...(w.unitPrice !== undefined ? { UnitPrice: decimal(w.unitPrice) } : {}),
    };
    const r = await api.json({ method: 'POST', path: '/item', body }, `Updating QuickBooks item ${w.sku}`);
    out.push(r.ok ? ok({ id: existing.Id, sku: w.sku, created: false, tracked: existing.TrackQtyOnHand === true }) : r);
  }
  return out;
}
