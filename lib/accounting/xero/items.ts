/**
 * Items in Xero: lookups by Code (= SKU) and the catalog import's writes, 50 items a request with
 * `summarizeErrors=false` so one refused item does not stop the others
 * (https://developer.xero.com/documentation/api/accounting/items).
 * - Code ≤ 30, Name ≤ 50, Description ≤ 4,000 characters (the import plans within `XERO_ITEM_RULES`).
 * - An item is tracked as inventory only when it has an `InventoryAssetAccountCode` (an INVENTORY account) and a
 *   `PurchaseDetails.COGSAccountCode`; `IsTrackedAsInventory` itself is read-only. Without both accounts an item is
 *   created untracked, and the import says so.
 * - `UnitPrice` is rounded to 2 places unless the request carries `unitdp=4`; every call here sends it, because
 *   BigCommerce prices have 4.
 * - PUT creates only: a Code that exists is refused ("… already exists"), looked up, and left alone. Updates POST
 *   the ItemID with its Code (Xero wants both) and the current SalesDetails with the new price, so the sales
 *   account and tax type are kept.
 */
import { createHash } from 'node:crypto';
import { ok, type ItemRules, type ItemWrite, type Outcome, type RemoteItem, type WrittenItem } from '@/lib/sync/provider';
import { XERO_BATCH_SIZE } from './config';
import { elementErrors, failed, failureOf, isUncertain, validationFailure } from './errors';
import type { XeroApi } from './http';
import { whereEquals } from './mapping';
import { decimal, encodeJson, envelopes, type XeroItem } from './wire';

export const XERO_ITEM_RULES: ItemRules = { skuMaxLength: 30, nameMaxLength: 50, descriptionMaxLength: 4000, trackingNeedsAccounts: true };

/** Above this many codes one `GET /Items` (Xero answers every item, unpaged) beats `where` lookups of 25 codes. */
const LIST_ALL_ABOVE = 100;
const CODES_PER_LOOKUP = 25;

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);
const isCodeTaken = (messages: readonly string[]) => messages.some((m) => /already exists/i.test(m));

export function toRemoteItem(i: XeroItem): RemoteItem {
  return { id: i.ItemID, sku: i.Code, name: i.Name ?? i.Code, description: i.Description ?? '', unitPrice: i.SalesDetails?.UnitPrice ?? null };
}

export async function getItems(api: XeroApi, query: Record<string, string>): Promise<Outcome<XeroItem[]>> {
  const sent = await api.send({ method: 'GET', path: '/Items', query: { ...query, unitdp: '4' } });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind === 'response' && reply.status === 200) return ok(envelopes.items.parse(reply.json).Items);
  return failed(failureOf(reply, 'Looking up Xero items'));
}

/** Items whose Code is one of `skus` (exact; a SKU longer than 30 characters can never be a Code). */
export async function xeroItemsByCode(api: XeroApi, skus: readonly string[]): Promise<Outcome<XeroItem[]>> {
  const codes = [...new Set(skus.filter((s) => s.length > 0 && s.length <= XERO_ITEM_RULES.skuMaxLength))];
  if (codes.length === 0) return ok([]);
  if (codes.length > LIST_ALL_ABOVE) {
    const all = await getItems(api, {});
    if (!all.ok) return all;
    const wanted = new Set(codes);
    return ok(all.value.filter((i) => wanted.has(i.Code)));
  }
  const out: XeroItem[] = [];
  for (let i = 0; i < codes.length; i += CODES_PER_LOOKUP) {
    const chunk = codes.slice(i, i + CODES_PER_LOOKUP);
    const r = await getItems(api, { where: chunk.map((c) => whereEquals('Code', c)).join(' OR ') });
    if (!r.ok) return r;
    out.push(...r.value.filter((item) => chunk.includes(item.Code)));
  }
  return ok(out);
}

type Create = Extract<ItemWrite, { kind: 'create' }>;
type Update = Extract<ItemWrite, { kind: 'update' }>;

function createBody(w: Create): Record<string, unknown> {
  const tracked = w.tracked && w.inventoryAccounts !== null;
  return {
    Code: w.sku,
    Name: w.name,
    ...(w.description ? { Description: w.description } : {}),
    IsSold: true,
    SalesDetails: { ...(w.unitPrice !== null ? { UnitPrice: decimal(w.unitPrice) } : {}), AccountCode: w.salesAccount },
    ...(tracked ? { InventoryAssetAccountCode: w.inventoryAccounts!.assetAccount, PurchaseDetails: { COGSAccountCode: w.inventoryAccounts!.costOfGoodsSoldAccount } } : {}),
  };
}

function updateBody(w: Update, current: XeroItem): Record<string, unknown> {
  const sales = current.SalesDetails;
  return {
    ItemID: current.ItemID,
    Code: current.Code,
    ...(w.name !== undefined ? { Name: w.name } : {}),
    ...(w.description !== undefined ? { Description: w.description } : {}),
    ...(w.unitPrice !== undefined
      ? {
          SalesDetails: {
            UnitPrice: decimal(w.unitPrice),
            ...(sales?.AccountCode ? { AccountCode: sales.AccountCode } : {}),
            ...(sales?.TaxType ? { TaxType: sales.TaxType } : {}),
          },
        }
      : {}),
  };
}

interface Pending {
  index: number;
  sku: string;
  body: Record<string, unknown>;
}

export interface XeroItemWriterDeps {
  api: XeroApi;
  retries: number;
  retryDelayMs: number;
  sleep(ms: number): Promise<void>;
}

/** The catalog import's writes, in batches of 50; results in the order given. */
export async function upsertXeroItems(deps: XeroItemWriterDeps, writes: readonly ItemWrite[]): Promise<Array<Outcome<WrittenItem>>> {
  const results: Array<Outcome<WrittenItem> | undefined> = new Array(writes.length);
  const creates: Pending[] = [];
  const updates: Array<{ index: number; write: Update }> = [];
  for (const [index, w] of writes.entries()) {
    if (w.kind === 'create') creates.push({ index, sku: w.sku, body: createBody(w) });
    else updates.push({ index, write: w });
  }

  const lookup = async (group: Pending[]) => {
    const found = await xeroItemsByCode(deps.api, group.map((p) => p.sku));
    return found.ok ? ok(new Map(found.value.map((i) => [i.Code, i]))) : found;
  };
  const written = (i: XeroItem, created: boolean): Outcome<WrittenItem> => ok({ id: i.ItemID, sku: i.Code, created, tracked: i.IsTrackedAsInventory === true });
  const setAll = (group: Pending[], outcome: Outcome<never>) => {
    for (const p of group) results[p.index] = outcome;
  };

  async function send(method: 'PUT' | 'POST', group: Pending[], attempt: number): Promise<void> {
    const body = { Items: group.map((p) => p.body) };
    const key = `xit:${hash(`${method} ${encodeJson(body)}`)}${attempt ? `:r${attempt}` : ''}`;
    const sent = await deps.api.send({ method, path: '/Items', query: { summarizeErrors: 'false', unitdp: '4' }, body, idempotencyKey: key });
    if (!sent.ok) return setAll(group, sent);
    const reply = sent.value;
    if (isUncertain(reply)) {
      // The items were missing when the import was planned: one found now was created by this lost request.
      // An update is simply sent again (under a new key: Xero replays a 500 for the same key).
      let rest = group;
      if (method === 'PUT') {
        const found = await lookup(group);
        if (!found.ok) return setAll(group, found);
        rest = group.filter((p) => {
          const item = found.value.get(p.sku);
          if (item) results[p.index] = written(item, true);
          return !item;
        });
      }
      if (rest.length === 0) return;
      if (attempt >= deps.retries) return setAll(rest, failed(failureOf(reply, method === 'PUT' ? 'Creating Xero items' : 'Updating Xero items')));
      await deps.sleep(deps.retryDelayMs * (attempt + 1));
      return send(method, rest, attempt + 1);
    }
    if (reply.kind !== 'response' || reply.status !== 200) return setAll(group, failed(failureOf(reply, method === 'PUT' ? 'Creating Xero items' : 'Updating Xero items')));
    const elements = envelopes.itemElements.parse(reply.json).Items;
    if (elements.length !== group.length) throw new Error(`Xero answered ${elements.length} items for a batch of ${group.length}`);
    const taken: Pending[] = [];
    group.forEach((p, i) => {
      const el = elements[i]!;
      const errors = elementErrors(el);
      if (el.ItemID && el.Code !== undefined && errors.length === 0) {
        results[p.index] = written({ ...el, ItemID: el.ItemID, Code: el.Code }, method === 'PUT');
      } else if (method === 'PUT' && isCodeTaken(errors)) taken.push(p);
      else results[p.index] = failed(validationFailure(errors, `Xero refused item ${p.sku}`));
    });
    if (taken.length) {
      // Created meanwhile (by someone, or by us before a lost answer): left alone, as creating never overwrites.
      const found = await lookup(taken);
      if (!found.ok) return setAll(taken, found);
      for (const p of taken) {
        const item = found.value.get(p.sku);
        results[p.index] = item ? written(item, false) : failed(validationFailure([`Item code ${p.sku} is taken in Xero but could not be found.`], `Xero refused item ${p.sku}`));
      }
    }
  }

  for (let i = 0; i < creates.length; i += XERO_BATCH_SIZE) await send('PUT', creates.slice(i, i + XERO_BATCH_SIZE), 0);

  if (updates.length) {
    const current = await xeroItemsByCode(deps.api, updates.map((u) => u.write.sku));
    if (!current.ok) {
      for (const u of updates) results[u.index] = current;
    } else {
      const byCode = new Map(current.value.map((i) => [i.Code, i]));
      const pending: Pending[] = [];
      for (const u of updates) {
        const item = byCode.get(u.write.sku);
        if (item) pending.push({ index: u.index, sku: u.write.sku, body: updateBody(u.write, item) });
        else results[u.index] = failed({ kind: 'not_found', message: `Item ${u.write.sku} is not in Xero any more.` });
      }
      for (let i = 0; i < pending.length; i += XERO_BATCH_SIZE) await send('POST', pending.slice(i, i + XERO_BATCH_SIZE), 0);
    }
  }
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not written (no answer from Xero).' }));
}
