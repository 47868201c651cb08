/**
 * "Import items" and "Push stock now" for the embedded admin. The import runs in the request (a dry run first,
 * then the merchant confirms): it reads the catalog once and writes only what is missing, so a second click is
 * harmless. "Push stock now" sends the stock push the scheduler would send (reason `manual`); its outcome lands in
 * the stock log, which the status shows with the time of the last push.
 */
import { z } from 'zod';
import type { RemoteAccount } from '@/lib/sync/provider';
import type { StoreHash } from '@/lib/ids';
import type { ItemsImportResult } from '@/lib/jobs/items';
import type { FieldChange } from '@/lib/sync/items-import';
import type { BooksLocation } from '@/lib/accounting/definition';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcLocation } from '@/lib/bigcommerce/client/model';
import type { Result } from '@/lib/errors';
import { bcFailureText } from './connections';
import type { FieldErrors } from './http';

export const importItemsSchema = z.object({
  dryRun: z.boolean('Say whether this is a preview'),
  updateDetails: z.boolean().default(false),
});

/** At most this many rows per list go to the page; the totals say how many there are. */
export const PREVIEW_ROWS = 200;

export interface ItemsImportView {
  system: string;
  dryRun: boolean;
  create: { total: number; rows: Array<{ sku: string; name: string; unitPrice: string | null; tracked: boolean; salesAccount: string }> };
  update: { total: number; rows: Array<{ sku: string; changes: FieldChange[] }> };
  unchanged: number;
  problems: { total: number; rows: Array<{ sku: string | null; message: string }> };
  notes: string[];
  created: number;
  updated: number;
  existed: number;
  failed: Array<{ sku: string; message: string }>;
}

export function importView(result: ItemsImportResult): ItemsImportView {
  const { plan } = result;
  return {
    system: result.system,
    dryRun: result.dryRun,
    create: {
      total: plan.create.length,
      rows: plan.create.slice(0, PREVIEW_ROWS).map((c) => ({ sku: c.sku, name: c.name, unitPrice: c.unitPrice, tracked: c.tracked, salesAccount: c.salesAccount })),
    },
    update: { total: plan.update.length, rows: plan.update.slice(0, PREVIEW_ROWS).map((u) => ({ sku: u.sku, changes: u.changes })) },
    unchanged: plan.unchanged,
    problems: { total: plan.problems.length, rows: plan.problems.slice(0, PREVIEW_ROWS) },
    notes: plan.notes,
    created: result.created,
    updated: result.updated,
    existed: result.existed,
    failed: result.failed,
  };
}

// ---------------------------------------------------------------------------------------- stock

export interface StockEventRow {
  sku: string | null;
  kind: string;
  message: string;
  at: Date;
}

export interface StockStatusDeps {
  storeHash: StoreHash;
  enabled: boolean;
  pushDetails: boolean;
  lastPushAt(): Promise<Date | null>;
  recentEvents(limit: number): Promise<StockEventRow[]>;
}

/** Push outcomes (as opposed to what others changed in BigCommerce, also in the log). */
const RESULT_KINDS = new Set(['stock_pushed', 'stock_failed', 'details_pushed', 'details_failed']);

export interface StockStatus {
  enabled: boolean;
  pushDetails: boolean;
  lastPushAt: string | null;
  /** The newest push outcome in the log, or null when no push has sent or refused anything yet. */
  lastResult: { kind: string; message: string; at: string } | null;
  recent: Array<{ sku: string | null; kind: string; message: string; at: string }>;
}

export async function stockStatus(deps: StockStatusDeps): Promise<StockStatus> {
  const [lastPushAt, events] = await Promise.all([deps.lastPushAt(), deps.recentEvents(20)]);
  const last = events.find((e) => RESULT_KINDS.has(e.kind));
  return {
    enabled: deps.enabled,
    pushDetails: deps.pushDetails,
    lastPushAt: lastPushAt?.toISOString() ?? null,
    lastResult: last ? { kind: last.kind, message: last.message, at: last.at.toISOString() } : null,
    recent: events.slice(0, 10).map((e) => ({ sku: e.sku, kind: e.kind, message: e.message, at: e.at.toISOString() })),
  };
}

export type PushNowResult = { ok: true } | { ok: false; kind: 'Conflict' | 'Upstream'; message: string };

export async function pushStockNow(deps: { enabled: boolean; send(): Promise<boolean> }): Promise<PushNowResult> {
  if (!deps.enabled) return { ok: false, kind: 'Conflict', message: 'Stock sync is off for this store: turn it on under Order rules › Stock to BigCommerce first.' };
  if (!(await deps.send())) return { ok: false, kind: 'Upstream', message: 'The background job service is unreachable; nothing was queued. Try again in a minute.' };
  return { ok: true };
}

/**
 * Both ends of `stock.locations`: where the books keep stock (the registry's `stockLocations`: location 1 for every
 * system today) and the store's inventory locations, read live (locations.v3.yml `GET /inventory/locations`).
 */
export interface StockLocationsView {
  system: string;
  books: BooksLocation[];
  store: Array<{ id: number; label: string; enabled: boolean }>;
  /** Why the store's locations could not be read; the page then offers the ids already saved. */
  storeError: string | null;
}

export async function stockLocationsView(deps: {
  system: string;
  books: readonly BooksLocation[];
  storeLocations(): Promise<Result<BcLocation[], BcFailure>>;
}): Promise<StockLocationsView> {
  const read = await deps.storeLocations();
  return {
    system: deps.system,
    books: [...deps.books],
    store: read.ok ? read.value.map((l) => ({ id: l.id, label: l.label || l.code || `Location ${l.id}`, enabled: l.enabled })) : [],
    storeError: read.ok ? null : bcFailureText(read.error),
  };
}

// ---------------------------------------------------------------------------------------- item settings

const code = z.string().trim().min(1).max(64);
export const itemSettingsSchema = z.object({
  pushProductDetails: z.boolean().optional(),
  inventoryAssetAccount: code.nullable().optional(),
  costOfGoodsSoldAccount: code.nullable().optional(),
});
export type ItemSettingsInput = z.infer<typeof itemSettingsSchema>;

/** The inventory accounts must be in the chart: an asset account and an expense account, or both empty. */
export function checkItemAccounts(input: ItemSettingsInput, accounts: readonly RemoteAccount[]): FieldErrors {
  const fields: FieldErrors = {};
  const byCode = new Map(accounts.map((a) => [a.code, a]));
  const check = (key: 'inventoryAssetAccount' | 'costOfGoodsSoldAccount', type: RemoteAccount['type'], what: string) => {
    const value = input[key];
    if (!value) return;
    const account = byCode.get(value);
    if (!account) fields[key] = `Account ${value} is not in the chart of accounts.`;
    else if (account.type !== type) fields[key] = `Account ${value} (${account.name}) is not ${what}.`;
  };
  check('inventoryAssetAccount', 'asset', 'an asset account');
  check('costOfGoodsSoldAccount', 'expense', 'an expense account');
  return fields;
}
