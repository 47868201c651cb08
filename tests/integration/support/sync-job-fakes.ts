/**
 * Fakes for the job functions' unit tests (lib/jobs/functions/*.test.ts) (@inngest/test): an in-memory sync-record port, a scripted BigCommerce
 * store port and accounting provider, and a `storeContext` stand-in built from them. Test-only; not imported by
 * app code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import { orderSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import type { AccountingProvider, Outcome } from '@/lib/sync/provider';
import { ok as okResult, err, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import type { PipelineDeps, Posting, RecordKey, RecordPort } from '@/lib/sync/pipeline';
import { defaultSettings, type SyncSettings } from '@/lib/sync/settings';

export const STORE = 'teststore1' as StoreHash;

/** A realistic order (fixture 01: one taxed line, card payment, Awaiting Fulfillment). */
export function fixtureOrder(overrides: Partial<BcOrder> = {}): BcOrder {
  const file = path.resolve(import.meta.dirname, '../../fixtures/orders/cases/01-single-line-taxed.json');
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as { order: unknown };
  return { ...orderSchema.parse(fixture.order), ...overrides };
}

type Row = NonNullable<Awaited<ReturnType<RecordPort['get']>>> & { reason: string | null; message: string | null };

/** Sync records in memory, with the repo's rule that a skip never hides a posted document. */
export function memoryRecords() {
  const rows = new Map<number, Row>();
  const events: Array<{ orderId: number; kind: string; message: string }> = [];
  const onceKeys = new Set<string>();
  const blank = (): Row => ({
    state: 'skipped',
    contentHash: null,
    remoteId: null,
    locked: false,
    documentVersion: 0,
    document: null,
    remoteNumber: null,
    writtenStatusId: null,
    statusWrittenAt: null,
    orderDateModified: null,
    reason: null,
    message: null,
  });
  // As the repository: every write but the lock and the status write clears the order's fingerprint.
  const patch = (key: RecordKey, values: Partial<Row>) => rows.set(key.orderId, { ...(rows.get(key.orderId) ?? blank()), orderFingerprint: null, ...values });
  const postings = new Map<number, Posting[]>();
  const settle = (key: RecordKey): void => {
    const row = rows.get(key.orderId);
    if (!row?.remoteId || !['failed', 'held', 'pending'].includes(row.state)) return;
    const cancelled = (postings.get(key.orderId) ?? []).some((p) => p.kind === 'cancel_credit' && p.state === 'posted');
    patch(key, { state: cancelled ? 'credited' : 'posted', reason: null });
  };
  const port = {
    async get(key) {
      return rows.get(key.orderId) ?? null;
    },
    async markPending(key, input) {
      patch(key, { state: 'pending', reason: input.reason, message: input.message });
    },
    async markPosted(key, input) {
      patch(key, { state: 'posted', reason: null, ...input });
    },
    async markFailed(key, input) {
      patch(key, input);
    },
    async markSkipped(key, input) {
      const existing = rows.get(key.orderId);
      if (existing?.remoteId && ['failed', 'held'].includes(existing.state)) return settle(key);
      if (existing && !['skipped', 'failed', 'held'].includes(existing.state)) return;
      patch(key, { state: 'skipped', ...input });
    },
    async markSummarised(key, input) {
      patch(key, { state: 'summarised', reason: 'in_daily_summary', ...input });
    },
    async markLocked(key) {
      patch(key, { locked: true, orderFingerprint: rows.get(key.orderId)?.orderFingerprint ?? null });
    },
    async markSettled(key) {
      settle(key);
    },
    async postings(key) {
      return [...(postings.get(key.orderId) ?? [])];
    },
    async beginPosting(key, p) {
      const list = postings.get(key.orderId) ?? [];
      if (list.some((x) => x.key === p.key)) return;
      list.push({ key: p.key, kind: p.kind, refundId: p.refundId ?? null, state: 'pending', remoteId: null, number: null, amount: p.amount ?? null, tax: p.tax ?? null, detail: p.detail ?? {}, message: null, createdAt: new Date() });
      postings.set(key.orderId, list);
    },
    async finishPosting(key, postingKey, outcome) {
      const found = (postings.get(key.orderId) ?? []).find((x) => x.key === postingKey);
      if (!found) return;
      found.state = outcome.state;
      if (outcome.remoteId !== undefined) found.remoteId = outcome.remoteId;
      if (outcome.number !== undefined) found.number = outcome.number;
      found.message = outcome.message ?? null;
    },
    async markClosed(key, input) {
      patch(key, { state: input.state, message: input.message, reason: null });
    },
    async recordStatusWritten(key, statusId, orderFingerprint = null) {
      patch(key, { writtenStatusId: statusId, statusWrittenAt: new Date(), orderFingerprint });
    },
    async addEvent(_store, orderId, kind, message, _detail, options) {
      if (options?.once && onceKeys.has(`${orderId}:${options.once}`)) return false;
      if (options?.once) onceKeys.add(`${orderId}:${options.once}`);
      events.push({ orderId, kind, message });
      return true;
    },
  } satisfies RecordPort;
  return { port, rows, events, postings };
}

/** A BigCommerce store port holding one order, whose failures the test scripts. A status write changes the order. */
export function scriptedStore(order: BcOrder) {
  const calls: string[] = [];
  const current = { ...order };
  let getOrder: () => Result<BcOrder, BcFailure> = () => okResult({ ...current });
  let setOrderStatus: (statusId: number) => Result<unknown, BcFailure> = (statusId) => {
    current.status_id = statusId;
    return okResult({});
  };
  const port = {
    async getOrder(orderId: number) {
      calls.push(`GET /v2/orders/${orderId}`);
      return getOrder();
    },
    async setOrderStatus(orderId: number, statusId: number) {
      calls.push(`PUT /v2/orders/${orderId} status ${statusId}`);
      return setOrderStatus(statusId);
    },
  } satisfies PipelineDeps['store'];
  return {
    port,
    calls,
    current,
    failGetOrder(failure: BcFailure) {
      getOrder = () => err(failure);
    },
    failSetStatus(failure: BcFailure) {
      setOrderStatus = () => err(failure);
    },
  };
}

/** An accounting provider that knows no items or customers and posts whatever it is given. */
export function fakeProvider(
  options: {
    items?: string[];
    post?: () => Outcome<{ remoteId: string; number: string; created: boolean }>;
    /** Like the ledger: posting a document for a new customer creates that customer, and later lookups find it. */
    createsCustomers?: boolean;
  } = {},
) {
  const posted: Array<{ key: string; number: string }> = [];
  const items = [...(options.items ?? [])];
  const customers: Array<{ remoteId: string; displayName: string; email: string | null; bcCustomerId: number | null }> = [];
  const provider: AccountingProvider = {
    id: 'ledger',
    displayName: 'Test books',
    limits: {
      batchSize: 1,
      callsPerMinute: null,
      concurrency: 8,
      callsPerDay: null,
      documentNumberMaxLength: 64,
      customerNameMaxLength: 200,
      idempotencyKeyMaxLength: 200,
      documentKinds: ['invoice', 'sales_receipt', 'sales_order'],
    },
    testConnection: async () => ({ ok: true, value: { organisationName: 'Test', baseCurrency: 'USD' } }),
    describe: async () => ({ ok: true, value: { accounts: [], taxCodes: [], paymentAccounts: [], items: [] } }),
    findCustomer: async (query) => ({
      ok: true,
      value: customers.filter((c) => (query.bcCustomerId != null && c.bcCustomerId === query.bcCustomerId) || (query.email != null && c.email === query.email)),
    }),
    upsertCustomer: async (c) => ({ ok: true, value: { remoteId: 'c1', displayName: c.displayName, email: null, bcCustomerId: null } }),
    findItemsBySku: async (skus) => ({
      ok: true,
      value: skus.filter((s) => items.includes(s)).map((sku) => ({ id: `item-${sku}`, sku, name: sku })),
    }),
    postDocument: async (document, key) => {
      const outcome = options.post?.() ?? { ok: true as const, value: { remoteId: `doc-${posted.length + 1}`, number: document.number, created: true } };
      if (outcome.ok) posted.push({ key, number: outcome.value.number });
      if (outcome.ok && options.createsCustomers && document.customer.remoteId === null) {
        customers.push({ remoteId: `cust-${customers.length + 1}`, displayName: document.customer.displayName, email: document.customer.email, bcCustomerId: document.customer.bcCustomerId });
      }
      return outcome;
    },
    recordPayment: async (_d, _p, key) => ({ ok: true, value: { remoteId: `pay-${key}`, created: true } }),
    voidDocument: async (d) => ({ ok: true, value: { remoteId: `void-${d.remoteId}`, created: true } }),
    postCreditNote: async (input) => ({ ok: true, value: { remoteId: `cn-${input.number}`, number: input.number, created: true } }),
    updateDocument: async (d, next) => ({ ok: true, value: { remoteId: d.remoteId, number: next.number, created: true } }),
    payOut: async (_c, _p, key) => ({ ok: true, value: { remoteId: `out-${key}`, created: true } }),
    stockLevels: async () => ({ ok: true, value: [] }),
  };
  return { provider, posted, items };
}

export function settingsWith(orders: Partial<SyncSettings['orders']> = {}, items: Partial<SyncSettings['items']> = {}): SyncSettings {
  const base = defaultSettings();
  return { ...base, orders: { ...base.orders, ...orders }, items: { ...base.items, ...items } };
}

/** What `storeContext()` returns, built from fakes (the fields the job functions read). */
export function fakeStoreContext(input: { store: ReturnType<typeof scriptedStore>; records: ReturnType<typeof memoryRecords>; provider: AccountingProvider; settings: SyncSettings }) {
  const pipeline: PipelineDeps = {
    storeHash: STORE,
    providerId: 'ledger',
    provider: input.provider,
    store: input.store.port,
    records: input.records.port,
    settings: input.settings,
    storeCurrency: 'USD',
  };
  return { pipeline, records: input.records.port, providerId: 'ledger', settings: input.settings, provider: input.provider, accountingTenant: null };
}
