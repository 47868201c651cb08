/**
 * The order pipeline as use cases, one per Inngest step (lib/jobs/functions/order-changed.ts runs them):
 * load-order → plan → post-document → write-back-status. Dependencies arrive as ports, so this file imports no
 * framework, database or HTTP client. Expected problems (a missing mapping, a refused document) are recorded on
 * the sync record with a message the merchant can act on; outages throw TransientFailure (retried); bugs throw.
 */
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import type { BcOrder, BcOrderTax } from '@/lib/bigcommerce/schemas/orders';
import type { AccountingProvider, PostedDocumentRef, ProviderFailure, RemoteCustomer } from '@/lib/accounting/provider';
import { PermanentFailure, TransientFailure, type Result } from '@/lib/errors';
import type { StoreHash } from '@/lib/ids';
import { buildSalesDocument, orderSkus } from './build-sales-document';
import { documentContentHash } from './content-hash';
import { idempotencyKey, planSync, type SyncPlan, type SyncRecordView, type SyncTrigger } from './plan-sync';
import type { DocumentPayment, SalesDocument } from './sales-document';
import { requiredOrderData, type SyncSettings } from './settings';

// ---- ports ----

export interface StorePort {
  getOrder(orderId: number): Promise<Result<BcOrder, BcFailure>>;
  setOrderStatus(orderId: number, statusId: number): Promise<Result<unknown, BcFailure>>;
  orderTaxes?(orderId: number): Promise<Result<BcOrderTax[], BcFailure>>;
}

export interface OrderSnapshot {
  statusId: number;
  dateCreated: Date | null;
  dateModified: Date | null;
  total: string;
  currency: string;
  customerName: string;
}

export interface RecordPort {
  get(key: RecordKey): Promise<
    | (SyncRecordView & {
        documentVersion: number;
        document: Record<string, unknown> | null;
        remoteNumber: string | null;
        writtenStatusId: number | null;
        statusWrittenAt: Date | null;
        orderDateModified: Date | null;
      })
    | null
  >;
  markPending(key: RecordKey, input: { idempotencyKey: string; reason: string; message: string }, snapshot: OrderSnapshot): Promise<void>;
  markPosted(
    key: RecordKey,
    input: { remoteId: string; remoteNumber: string; contentHash: string; document: Record<string, unknown>; message: string; documentVersion: number },
  ): Promise<void>;
  markFailed(key: RecordKey, input: { state: 'failed' | 'held'; reason: string; message: string }, snapshot?: OrderSnapshot): Promise<void>;
  markSkipped(key: RecordKey, input: { reason: string; message: string }, snapshot?: OrderSnapshot): Promise<void>;
  markClosed(key: RecordKey, input: { state: 'voided' | 'credited'; message: string }): Promise<void>;
  recordStatusWritten(key: RecordKey, statusId: number): Promise<void>;
  /** `once`: a key the order's timeline holds at most once; false when it already did (nothing written). */
  addEvent(
    storeHash: StoreHash,
    orderId: number,
    kind: string,
    message: string,
    detail?: Record<string, unknown>,
    options?: { once?: string },
  ): Promise<boolean>;
}

export interface PipelineDeps {
  storeHash: StoreHash;
  providerId: string;
  provider: AccountingProvider;
  store: StorePort;
  records: RecordPort;
  settings: SyncSettings;
  /** Store default currency (GET /v2/store), when the order does not say. */
  storeCurrency?: string | null;
  now?: () => Date;
}

export interface RecordKey {
  storeHash: StoreHash;
  orderId: number;
  provider: string;
}

const keyOf = (deps: PipelineDeps, orderId: number): RecordKey => ({ storeHash: deps.storeHash, orderId, provider: deps.providerId });

// ---- failures ----

function fromStore(failure: BcFailure, what: string): never {
  switch (failure.kind) {
    case 'RateLimited':
      throw new TransientFailure(`BigCommerce rate limit while ${what}`, failure.resetMs);
    case 'Unavailable':
      throw new TransientFailure(`BigCommerce unavailable while ${what}: ${failure.message}`);
    case 'Unauthorized':
      throw new PermanentFailure(`BigCommerce refused the store's token while ${what}: the app must be reinstalled.`);
    case 'Forbidden':
      throw new PermanentFailure(`The app lacks a BigCommerce permission (${failure.missingScope ?? 'unknown'}) needed for ${what}.`);
    default:
      throw new Error(`BigCommerce ${failure.kind} while ${what}: ${failure.message}`);
  }
}

/** Outages and rate limits throw (retry); the rest are the merchant's to fix and come back as a message. */
function providerProblem(failure: ProviderFailure, what: string): { reason: string; message: string } {
  if (failure.kind === 'rate_limited') throw new TransientFailure(`${what}: rate limited`, failure.retryAfterMs);
  if (failure.kind === 'unavailable') throw new TransientFailure(`${what}: ${failure.message}`, failure.retryAfterMs);
  const prefix = failure.kind === 'auth_revoked' ? 'Reconnect your accounting system: ' : '';
  return { reason: failure.kind, message: `${prefix}${failure.message}` };
}

export function snapshotOf(order: BcOrder): OrderSnapshot {
  const billing = order.billing_address;
  const name = `${billing.first_name ?? ''} ${billing.last_name ?? ''}`.trim() || billing.company || billing.email || 'Guest';
  const date = (value: string | null | undefined) => {
    const parsed = value ? new Date(value) : null;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
  };
  return {
    statusId: order.status_id,
    dateCreated: date(order.date_created),
    dateModified: date(order.date_modified),
    total: String(order.total_inc_tax),
    currency: order.currency_code ?? order.default_currency_code ?? '',
    customerName: name,
  };
}

// ---- step 1: load-order ----

export type LoadedOrder = { found: true; order: BcOrder } | { found: false };

export async function loadOrder(deps: Pick<PipelineDeps, 'store'>, orderId: number): Promise<LoadedOrder> {
  const result = await deps.store.getOrder(orderId);
  if (result.ok) return { found: true, order: result.value };
  if (result.error.kind === 'NotFound') return { found: false };
  return fromStore(result.error, `loading order ${orderId}`);
}

// ---- step 2: plan ----

export type PlanOutcome =
  | { action: 'skip'; reason: string; message: string }
  | { action: 'hold'; reason: string; message: string; problems: { code: string; message: string }[] }
  | { action: 'create' | 'update'; reason: string; message: string; document: SalesDocument; contentHash: string; version: number }
  | { action: 'void' | 'credit'; reason: string; message: string; remote: { remoteId: string; number: string }; document: SalesDocument | null };

/** Decides what to do with the order now and, when it is to be posted, builds the document. Records nothing. */
export async function planOrder(deps: PipelineDeps, order: BcOrder, trigger: SyncTrigger): Promise<PlanOutcome> {
  const record = await deps.records.get(keyOf(deps, order.id));
  // An order in the error status because we put it there (its post was held or failed) is still an order to
  // import: without this, the echo of that status write and the merchant's retry would skip it as "not in an
  // import status", and the echo would replace the held reason with that skip.
  const inOurErrorStatus =
    (record?.state === 'held' || record?.state === 'failed') &&
    record.writtenStatusId !== null &&
    record.writtenStatusId === order.status_id &&
    deps.settings.orders.statusOnError === order.status_id;
  const planStatus = inOurErrorStatus ? (deps.settings.orders.importStatusIds[0] ?? order.status_id) : order.status_id;
  const orderView = { id: order.id, statusId: planStatus, dateCreated: order.date_created, isDeleted: order.is_deleted ?? false };
  const first = planSync({ order: orderView, settings: deps.settings, record, contentHash: null, trigger });
  const posted = record?.state === 'posted';

  if (first.action === 'void' || first.action === 'credit') {
    if (!record?.remoteId) throw new Error(`plan ${first.action} for order ${order.id} without a posted document`);
    return {
      ...first,
      remote: { remoteId: record.remoteId, number: record.remoteNumber ?? '' },
      document: (record.document as SalesDocument | null) ?? null,
    };
  }
  // Only a create, or a posted document that may have changed, needs the document built.
  const needsDocument = first.action === 'create' || (first.action === 'skip' && first.reason === 'already_posted_unchanged' && posted);
  if (!needsDocument) {
    if (first.action !== 'skip') throw new Error(`plan ${first.action} for order ${order.id} without a document`);
    return first;
  }

  const built = await buildDocument(deps, order);
  if (!built.ok) {
    return {
      action: 'hold',
      reason: built.problems[0]?.code ?? 'invalid',
      message: built.problems.map((p) => p.message).join(' '),
      problems: built.problems,
    };
  }
  const contentHash = documentContentHash(built.document);
  const plan: SyncPlan = planSync({ order: orderView, settings: deps.settings, record, contentHash, trigger });
  if (plan.action === 'create' || plan.action === 'update') {
    const version = plan.action === 'update' ? (record?.documentVersion ?? 0) + 1 : (record?.documentVersion ?? 0);
    return { action: plan.action, reason: plan.reason, message: plan.message, document: built.document, contentHash, version };
  }
  if (plan.action === 'skip') return plan;
  throw new Error(`unexpected plan ${plan.action} after building the document of order ${order.id}`);
}

async function buildDocument(deps: PipelineDeps, order: BcOrder) {
  const { provider, settings } = deps;
  const skus = orderSkus(order);
  const items = await provider.findItemsBySku(skus);
  if (!items.ok) {
    const problem = providerProblem(items.error, 'Looking up items');
    return { ok: false as const, problems: [{ code: problem.reason, message: problem.message }] };
  }
  const email = order.billing_address.email?.trim() || null;
  const customers = async (query: Parameters<AccountingProvider['findCustomer']>[0]): Promise<RemoteCustomer[]> => {
    const found = await provider.findCustomer(query);
    if (found.ok) return found.value;
    providerProblem(found.error, 'Looking up the customer');
    return [];
  };
  const linked = order.customer_id > 0 ? (await customers({ bcCustomerId: order.customer_id }))[0] : undefined;
  const byEmail = email ? await customers({ email }) : [];
  let taxes: BcOrderTax[] | null = null;
  if (requiredOrderData(settings).taxes) {
    if (!deps.store.orderTaxes) throw new Error('tax mappings need the order taxes detail, which this store port cannot load');
    const loaded = await deps.store.orderTaxes(order.id);
    if (!loaded.ok) fromStore(loaded.error, `loading the taxes of order ${order.id}`);
    else taxes = loaded.value;
  }
  return buildSalesDocument(order, settings, {
    storeHash: deps.storeHash,
    storeCurrency: deps.storeCurrency ?? null,
    providerName: provider.displayName,
    limits: provider.limits,
    items: new Map(items.value.map((i) => [i.sku, { id: i.id }])),
    customer: { linked: linked ? { remoteId: linked.remoteId } : null, byEmail },
    taxes,
  });
}

// ---- step 3: post ----

export type PostOutcome =
  | { ok: true; remoteId: string; number: string; created: boolean }
  | { ok: false; reason: string; message: string };

/**
 * Posts (or replaces) the document. The sync record is marked pending with the idempotency key before the
 * provider is called, and completed with the remote id right after, in this same step: a crash in between is
 * retried with the same key, and the provider returns the document the first call created.
 */
export async function postOrderDocument(
  deps: PipelineDeps,
  input: { order: BcOrder; plan: Extract<PlanOutcome, { action: 'create' | 'update' }> },
): Promise<PostOutcome> {
  const { order, plan } = input;
  const key = keyOf(deps, order.id);
  const snapshot = snapshotOf(order);
  const previous = plan.action === 'update' ? await deps.records.get(key) : null;
  const documentKey = idempotencyKey(deps.storeHash, order.id, 'document', plan.version);
  await deps.records.markPending(key, { idempotencyKey: documentKey, reason: plan.reason, message: plan.message }, snapshot);

  if (plan.action === 'update' && previous?.remoteId) {
    // Replace: void the old version (idempotent by its own key), then post the new one.
    const voided = await deps.provider.voidDocument(
      { remoteId: previous.remoteId, number: previous.remoteNumber ?? '' },
      idempotencyKey(deps.storeHash, order.id, 'void', plan.version),
    );
    if (!voided.ok) return failPost(deps, key, snapshot, providerProblem(voided.error, 'Voiding the previous version'));
  }
  const posted = await deps.provider.postDocument(plan.document, documentKey);
  if (!posted.ok) return failPost(deps, key, snapshot, providerProblem(posted.error, 'Posting the document'));

  // Payments the system would not take (Xero: none on a draft invoice), said on the order's timeline.
  const skipped: string[] = [];
  for (const [index, payment] of plan.document.payments.entries()) {
    if (plan.document.kind === 'sales_receipt') break; // a sales receipt carries its payment
    const paid = await deps.provider.recordPayment(
      { remoteId: posted.value.remoteId, number: posted.value.number },
      payment,
      idempotencyKey(deps.storeHash, order.id, 'payment', plan.version * 100 + index),
    );
    if (!paid.ok) return failPost(deps, key, snapshot, providerProblem(paid.error, 'Recording the payment'));
    if (paid.value.skipped) skipped.push(paid.value.skipped);
  }
  return completePost(deps, { order, plan, posted: posted.value, skippedPayments: skipped, batched: false });
}

/**
 * The document is in the books (and its payments recorded or said to be skipped): complete the sync record with the
 * remote id and put it on the order's timeline.
 */
async function completePost(
  deps: PipelineDeps,
  input: {
    order: BcOrder;
    plan: Extract<PlanOutcome, { action: 'create' | 'update' }>;
    posted: { remoteId: string; number: string; created: boolean };
    skippedPayments: readonly string[];
    batched: boolean;
  },
): Promise<PostOutcome> {
  const { order, plan, posted } = input;
  await deps.records.markPosted(keyOf(deps, order.id), {
    remoteId: posted.remoteId,
    remoteNumber: posted.number,
    contentHash: plan.contentHash,
    document: plan.document as unknown as Record<string, unknown>,
    message: `Posted to ${deps.provider.displayName} as ${posted.number}.`,
    documentVersion: plan.version,
  });
  // Two runs racing on one order (Inngest's concurrency limits steps, not runs) may both get here for one document:
  // the second found it by its idempotency key. The timeline says it once.
  const once = `${plan.version}:${posted.remoteId}`;
  await deps.records.addEvent(
    deps.storeHash,
    order.id,
    'posted',
    `Posted as document ${posted.number}.`,
    {
      remoteId: posted.remoteId,
      version: plan.version,
      created: posted.created,
      total: plan.document.totals.total,
      ...(input.batched ? { batched: true } : {}),
    },
    { once: `posted:${once}` },
  );
  for (const [index, message] of input.skippedPayments.entries()) {
    await deps.records.addEvent(deps.storeHash, order.id, 'payment_not_recorded', message, {}, { once: `payment_not_recorded:${once}:${index}` });
  }
  return { ok: true, remoteId: posted.remoteId, number: posted.number, created: posted.created };
}

async function failPost(
  deps: PipelineDeps,
  key: RecordKey,
  snapshot: OrderSnapshot,
  problem: { reason: string; message: string },
): Promise<PostOutcome> {
  await deps.records.markFailed(key, { state: 'failed', ...problem }, snapshot);
  await deps.records.addEvent(deps.storeHash, key.orderId, 'failed', problem.message, { reason: problem.reason });
  return { ok: false, ...problem };
}

/** Void or credit a posted document after a cancellation or refund. */
export async function closeOrderDocument(
  deps: PipelineDeps,
  input: { orderId: number; plan: Extract<PlanOutcome, { action: 'void' | 'credit' }> },
): Promise<PostOutcome> {
  const { orderId, plan } = input;
  const key = keyOf(deps, orderId);
  const record = await deps.records.get(key);
  const version = record?.documentVersion ?? 0;
  if (plan.action === 'void') {
    const voided = await deps.provider.voidDocument(plan.remote, idempotencyKey(deps.storeHash, orderId, 'void', version));
    if (!voided.ok) return failClosed(deps, key, providerProblem(voided.error, 'Voiding the document'));
    await deps.records.markClosed(key, { state: 'voided', message: plan.message });
    await deps.records.addEvent(deps.storeHash, orderId, 'voided', `Document ${plan.remote.number} voided: ${plan.message}`);
    return { ok: true, remoteId: voided.value.remoteId, number: plan.remote.number, created: voided.value.created };
  }
  if (!plan.document) return failClosed(deps, key, { reason: 'no_document', message: 'The posted document is not on record, so it cannot be credited here.' });
  const credited = await deps.provider.postCreditNote(
    { document: plan.remote, lines: plan.document.lines, date: (deps.now?.() ?? new Date()).toISOString().slice(0, 10), reason: plan.message },
    idempotencyKey(deps.storeHash, orderId, 'credit', version),
  );
  if (!credited.ok) return failClosed(deps, key, providerProblem(credited.error, 'Posting the credit note'));
  await deps.records.markClosed(key, { state: 'credited', message: plan.message });
  await deps.records.addEvent(deps.storeHash, orderId, 'credited', `Credit note ${credited.value.number} posted: ${plan.message}`);
  return { ok: true, remoteId: credited.value.remoteId, number: credited.value.number, created: credited.value.created };
}

async function failClosed(deps: PipelineDeps, key: RecordKey, problem: { reason: string; message: string }): Promise<PostOutcome> {
  await deps.records.addEvent(deps.storeHash, key.orderId, 'failed', problem.message, { reason: problem.reason });
  return { ok: false, ...problem };
}

// ---- step 4: write-back-status ----

export type WriteBack = { written: number | null; reason: string };

/**
 * Sets the configured status after import (or on error). The webhook this write causes comes back as an
 * order change; the record's writtenStatusId lets the pipeline recognise that echo without loading the order.
 */
export async function writeBackStatus(
  deps: PipelineDeps,
  input: { orderId: number; currentStatusId: number; outcome: 'imported' | 'error' },
): Promise<WriteBack> {
  const target = input.outcome === 'imported' ? deps.settings.orders.statusAfterImport : deps.settings.orders.statusOnError;
  if (target === null) return { written: null, reason: `no status is configured for ${input.outcome} orders` };
  if (target === input.currentStatusId) return { written: null, reason: 'the order already has that status' };
  const result = await deps.store.setOrderStatus(input.orderId, target);
  if (!result.ok) {
    if (result.error.kind === 'NotFound') return { written: null, reason: 'the order no longer exists' };
    fromStore(result.error, `setting the status of order ${input.orderId}`);
  }
  await deps.records.recordStatusWritten(keyOf(deps, input.orderId), target);
  await deps.records.addEvent(deps.storeHash, input.orderId, 'status_written', `Order status set to ${target} (${input.outcome}).`, {
    statusId: target,
  });
  return { written: target, reason: input.outcome };
}

/**
 * Is this change the echo of our own status write? Only a status change to exactly the status we wrote, seen
 * within ten minutes of writing it.
 */
export function isOwnStatusEcho(
  record: { writtenStatusId: number | null; statusWrittenAt: Date | string | null } | null,
  change: { newStatusId: number; at: Date },
): boolean {
  if (!record?.writtenStatusId || !record.statusWrittenAt) return false;
  const writtenAt = new Date(record.statusWrittenAt).getTime();
  return record.writtenStatusId === change.newStatusId && Math.abs(change.at.getTime() - writtenAt) < 10 * 60_000;
}

// ---- recording a plan that posts nothing ----

/** Records a skip or a hold (a problem the merchant must fix) on the sync record and the timeline. */
export async function recordDecision(
  deps: PipelineDeps,
  order: BcOrder,
  plan: Extract<PlanOutcome, { action: 'skip' | 'hold' }>,
): Promise<void> {
  const key = keyOf(deps, order.id);
  const snapshot = snapshotOf(order);
  if (plan.action === 'skip') {
    await deps.records.markSkipped(key, { reason: plan.reason, message: plan.message }, snapshot);
    if (plan.reason !== 'already_posted_unchanged') {
      await deps.records.addEvent(deps.storeHash, order.id, 'skipped', plan.message, { reason: plan.reason });
    }
    return;
  }
  await deps.records.markFailed(key, { state: 'held', reason: plan.reason, message: plan.message }, snapshot);
  await deps.records.addEvent(deps.storeHash, order.id, 'held', plan.message, { reason: plan.reason, problems: plan.problems });
}

export type OrderResult = 'posted' | 'skipped' | 'held' | 'failed' | 'voided' | 'credited';

/**
 * The whole pipeline for an order already loaded (backfill pages, which list orders with everything embedded):
 * plan, post or close or record, and optionally write the status back. Safe to run again for the same order.
 */
export async function processLoadedOrder(
  deps: PipelineDeps,
  order: BcOrder,
  options: { trigger: SyncTrigger; writeBack: boolean },
): Promise<{ result: OrderResult; message: string }> {
  const plan = await planOrder(deps, order, options.trigger);
  const acted = await actOn(deps, order, plan);
  if (options.writeBack) await writeBackAfter(deps, order, plan, acted.result);
  return acted;
}

/** Post, close or record what the plan says, one order at a time. */
async function actOn(deps: PipelineDeps, order: BcOrder, plan: PlanOutcome): Promise<{ result: OrderResult; message: string }> {
  if (plan.action === 'skip' || plan.action === 'hold') {
    await recordDecision(deps, order, plan);
    return { result: plan.action === 'skip' ? 'skipped' : 'held', message: plan.message };
  }
  if ('contentHash' in plan) {
    const posted = await postOrderDocument(deps, { order, plan });
    return posted.ok ? { result: 'posted', message: plan.message } : { result: 'failed', message: posted.message };
  }
  const closed = await closeOrderDocument(deps, { orderId: order.id, plan });
  if (!closed.ok) return { result: 'failed', message: closed.message };
  return { result: plan.action === 'void' ? 'voided' : 'credited', message: plan.message };
}

/** The status write after a backfilled order was processed. */
async function writeBackAfter(deps: PipelineDeps, order: BcOrder, plan: PlanOutcome, result: OrderResult): Promise<void> {
  if (result === 'posted' || result === 'held' || result === 'failed') {
    await writeBackStatus(deps, { orderId: order.id, currentStatusId: order.status_id, outcome: result === 'posted' ? 'imported' : 'error' });
  } else if (plan.action === 'skip' && plan.reason === 'already_posted_unchanged') {
    // Posted, but its status never written: a backfill page that ran again after a crash between the post and the
    // write-back. Only while the order still sits in an import status (never overwrite the merchant's own change).
    const record = await deps.records.get(keyOf(deps, order.id));
    if (record?.state === 'posted' && record.writtenStatusId === null && deps.settings.orders.importStatusIds.includes(order.status_id)) {
      await writeBackStatus(deps, { orderId: order.id, currentStatusId: order.status_id, outcome: 'imported' });
    }
  }
}

/** Runs `task` over `items`, `workers` at once, results in the order of `items`. */
async function inPool<T, R>(items: readonly T[], workers: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, workers), items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!);
      }
    }),
  );
  return results;
}

/**
 * Many loaded orders at once (a backfill page). Where the provider takes documents in batches (Xero: 50 invoices
 * a request), what the plans look up is read first in a few calls (prefetch), every order is planned, the new
 * documents go out in batches and their payments likewise; decisions, voids, credits and replacements go one by
 * one. Otherwise each order runs processLoadedOrder, `workers` at once. Results in the order given.
 */
export async function processLoadedOrders(
  deps: PipelineDeps,
  orders: readonly BcOrder[],
  options: { trigger: SyncTrigger; writeBack: boolean; workers: number },
): Promise<Array<{ result: OrderResult; message: string }>> {
  const { provider } = deps;
  if (!provider.postDocuments || provider.limits.batchSize <= 1) {
    return inPool(orders, options.workers, (order) => processLoadedOrder(deps, order, options));
  }
  if (provider.prefetch) {
    const read = await provider.prefetch({ skus: orders.flatMap((o) => orderSkus(o)) });
    // A refusal here (e.g. a revoked grant) is left to the plans, which meet it again and record it per order.
    if (!read.ok && (read.error.kind === 'rate_limited' || read.error.kind === 'unavailable')) providerProblem(read.error, 'Reading items and contacts');
  }
  const plans = await inPool(orders, options.workers, (order) => planOrder(deps, order, options.trigger));
  const results: Array<{ result: OrderResult; message: string }> = new Array(orders.length);
  const creates: Array<{ index: number; order: BcOrder; plan: Extract<PlanOutcome, { action: 'create' | 'update' }> }> = [];
  const singles: number[] = [];
  plans.forEach((plan, index) => {
    // A replacement voids the previous version first: those go one by one.
    if (plan.action === 'create' && 'contentHash' in plan) creates.push({ index, order: orders[index]!, plan });
    else singles.push(index);
  });
  const posted = await postOrderDocuments(deps, creates);
  creates.forEach((c, i) => {
    const outcome = posted[i]!;
    results[c.index] = outcome.ok ? { result: 'posted', message: c.plan.message } : { result: 'failed', message: outcome.message };
  });
  await inPool(singles, options.workers, async (index) => {
    results[index] = await actOn(deps, orders[index]!, plans[index]!);
  });
  if (options.writeBack) {
    await inPool(orders.map((order, index) => ({ order, index })), options.workers, ({ order, index }) =>
      writeBackAfter(deps, order, plans[index]!, results[index]!.result),
    );
  }
  return results;
}

/**
 * New documents in batches: every sync record is marked pending with its idempotency key first, then the
 * provider posts them `batchSize` a request and reports each one; payments follow, batched likewise. Each order
 * ends posted or failed exactly as postOrderDocument would leave it, so a retry of the page repeats nothing.
 */
export async function postOrderDocuments(
  deps: PipelineDeps,
  items: ReadonlyArray<{ order: BcOrder; plan: Extract<PlanOutcome, { action: 'create' | 'update' }> }>,
): Promise<PostOutcome[]> {
  const { provider } = deps;
  if (items.some((i) => i.plan.action !== 'create')) throw new Error('postOrderDocuments takes new documents only (a replacement voids first)');
  if (!provider.postDocuments || items.length === 0) return Promise.all(items.map((item) => postOrderDocument(deps, item)));
  const keys = items.map(({ order, plan }) => idempotencyKey(deps.storeHash, order.id, 'document', plan.version));
  await inPool(items.map((item, i) => ({ item, key: keys[i]! })), 8, ({ item, key }) =>
    deps.records.markPending(keyOf(deps, item.order.id), { idempotencyKey: key, reason: item.plan.reason, message: item.plan.message }, snapshotOf(item.order)),
  );
  const posted = await provider.postDocuments(items.map(({ plan }, i) => ({ document: plan.document, idempotencyKey: keys[i]! })));

  const payments: Array<{ index: number; document: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string }> = [];
  items.forEach(({ order, plan }, index) => {
    const outcome = posted[index]!;
    if (!outcome.ok || plan.document.kind === 'sales_receipt') return; // a sales receipt carries its payment
    plan.document.payments.forEach((payment, n) => {
      const document = { remoteId: outcome.value.remoteId, number: outcome.value.number };
      payments.push({ index, document, payment, idempotencyKey: idempotencyKey(deps.storeHash, order.id, 'payment', plan.version * 100 + n) });
    });
  });
  const paid = payments.length === 0 ? [] : provider.recordPayments
    ? await provider.recordPayments(payments)
    : await Promise.all(payments.map((p) => provider.recordPayment(p.document, p.payment, p.idempotencyKey)));
  const paymentFailure = new Map<number, ProviderFailure>();
  const paymentSkipped = new Map<number, string[]>();
  payments.forEach((p, i) => {
    const outcome = paid[i]!;
    if (!outcome.ok && !paymentFailure.has(p.index)) paymentFailure.set(p.index, outcome.error);
    if (outcome.ok && outcome.value.skipped) paymentSkipped.set(p.index, [...(paymentSkipped.get(p.index) ?? []), outcome.value.skipped]);
  });

  const transient: ProviderFailure[] = [];
  const outcomes = await inPool(items.map((item, index) => ({ item, index })), 8, async ({ item: { order, plan }, index }): Promise<PostOutcome> => {
    const key = keyOf(deps, order.id);
    const outcome = posted[index]!;
    const failure = !outcome.ok ? outcome.error : paymentFailure.get(index);
    if (failure && (failure.kind === 'rate_limited' || failure.kind === 'unavailable')) {
      // Left pending with its key: the caller's retry posts it (or finds it) once the system answers again.
      transient.push(failure);
      return { ok: false, reason: failure.kind, message: failure.message };
    }
    if (!outcome.ok) return failPost(deps, key, snapshotOf(order), providerProblem(outcome.error, 'Posting the document'));
    if (failure) return failPost(deps, key, snapshotOf(order), providerProblem(failure, 'Recording the payment'));
    return completePost(deps, { order, plan, posted: outcome.value, skippedPayments: paymentSkipped.get(index) ?? [], batched: true });
  });
  // What was posted or refused is recorded; an outage or rate limit on any element makes the whole call retry
  // (its posted orders are then recognised as posted, the rest sent again under the same keys).
  const retryAfter = (f: ProviderFailure) => ('retryAfterMs' in f ? (f.retryAfterMs ?? 0) : 0);
  const wait = transient.reduce<ProviderFailure | null>((a, b) => (!a || retryAfter(b) > retryAfter(a) ? b : a), null);
  if (wait) providerProblem(wait, `${transient.length} of ${items.length} documents`);
  return outcomes;
}
