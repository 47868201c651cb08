import { createHash } from 'node:crypto';
import { InngestTestEngine } from '@inngest/test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fakeProvider,
  fakeStoreContext,
  fixtureOrder,
  memoryRecords,
  scriptedStore,
  settingsWith,
  STORE,
} from '@/tests/integration/support/sync-job-fakes';
import { orderSkus } from '@/lib/sync/build-sales-document';

/**
 * The order function's step sequence and its error mapping, with @inngest/test: storeContext is replaced by fakes
 * (an in-memory record port, a scripted BigCommerce store, a fake provider); the pipeline itself is the real one.
 */
const context = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('@/lib/context', () => ({ storeContext: vi.fn(async () => context.current) }));
// The Inngest client logs step errors through the app logger, which reads the environment: keep it quiet.
vi.mock('@/lib/logger', () => {
  const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => silent };
  return { logger: () => silent };
});

const { orderChangedFunction } = await import('./order-changed');

const IMPORTED = 9;
const ON_ERROR = 12;

function world(options: { settings?: Parameters<typeof settingsWith>; items?: string[] } = {}) {
  const order = fixtureOrder();
  const store = scriptedStore(order);
  const records = memoryRecords();
  const books = fakeProvider({ items: options.items });
  const settings = settingsWith(...(options.settings ?? [{ statusAfterImport: IMPORTED, statusOnError: ON_ERROR }]));
  context.current = fakeStoreContext({ store, records, provider: books.provider, settings });
  return { order, store, records, books };
}

const event = (orderId: number, extra: Record<string, unknown> = {}) =>
  [{ name: 'order/changed', data: { storeHash: STORE, orderId, trigger: 'webhook', dedupeKey: `wh-${orderId}`, ...extra } }] as [
    { name: string; data: Record<string, unknown> },
  ];

/** @inngest/test keys step state by the hashed step id. */
const stepState = (state: Record<string, Promise<unknown>>, id: string) => state[createHash('sha1').update(id).digest('hex')];
const stepIds = (ctx: { step: { run: { mock: { calls: unknown[][] } } } }) => ctx.step.run.mock.calls.map((c) => c[0]);

describe('order/changed', () => {
  beforeEach(() => vi.clearAllMocks());

  it('loads and plans in one step, posts, then writes the imported status back', async () => {
    const { order, store, records, books } = world();
    const t = new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) });
    const { result, ctx, error } = await t.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ orderId: order.id, result: 'posted', number: `BC-${order.id}` });
    expect(stepIds(ctx).slice(0, 3)).toEqual(['load-order', 'post-document', 'write-back-status']);
    expect(books.posted).toEqual([{ key: `${STORE}:${order.id}:document`, number: `BC-${order.id}` }]);
    // The status is read again right before it is written (BigCommerce has no conditional write).
    expect(store.calls).toEqual([`GET /v2/orders/${order.id}`, `GET /v2/orders/${order.id}`, `PUT /v2/orders/${order.id} status ${IMPORTED}`]);
    expect(records.rows.get(order.id)).toMatchObject({ state: 'posted', writtenStatusId: IMPORTED });
  });

  it('never overwrites a status the merchant set while the order was being posted (a cancellation)', async () => {
    const { order, store, records, books } = world();
    // The order is cancelled between the load and the write-back.
    const realGet = store.port.getOrder;
    let reads = 0;
    store.port.getOrder = async (id) => {
      reads += 1;
      if (reads === 2) store.current.status_id = 5;
      return realGet(id);
    };
    const { result } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(result).toMatchObject({ result: 'posted' });
    expect(books.posted).toHaveLength(1);
    expect(store.calls.filter((c) => c.startsWith('PUT'))).toEqual([]);
    expect(store.current.status_id).toBe(5);
    expect(records.rows.get(order.id)?.writtenStatusId).toBeNull();
    expect(records.events.map((e) => e.kind)).toContain('status_left');
  });

  it('the `updated` webhook of its own status write plans nothing: one step, one read, nothing recorded', async () => {
    const { order, store, records, books } = world();
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(records.rows.get(order.id)?.orderFingerprint).toMatch(/^sha256:/);
    store.calls.length = 0;
    const eventsBefore = records.events.length;
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey: 'again' }) }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'unchanged since our status write' });
    expect(stepIds(ctx)).toEqual(['load-order']);
    expect(books.posted).toHaveLength(1);
    expect(store.calls).toEqual([`GET /v2/orders/${order.id}`]);
    expect(records.events).toHaveLength(eventsBefore);
    // A repeat of it (at-least-once delivery) is as cheap: nothing cleared the fingerprint.
    const again = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey: 'again-2' }) }).execute();
    expect(stepIds(again.ctx)).toEqual(['load-order']);
  });

  it('any other change after our status write is planned as always: an edit, a status the merchant set, new settings', async () => {
    const { order, store, records } = world();
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    const planned = async (dedupeKey: string) => {
      const { ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey }) }).execute();
      return stepIds(ctx);
    };
    const fingerprint = records.rows.get(order.id)!.orderFingerprint;
    // The merchant edits the order after our write (a note is enough: anything in the order resource).
    store.current.staff_notes = 'call the shopper';
    expect(await planned('edit')).toContain('record-decision');
    // Nothing to book in that edit (the record is left as it was): the edited order is planned on every look.
    expect(await planned('edit-again')).toContain('record-decision');
    // Back to the order as posted: nothing to plan again.
    store.current.staff_notes = order.staff_notes;
    expect(records.rows.get(order.id)?.orderFingerprint).toBe(fingerprint);
    expect(await planned('same')).toEqual(['load-order']);
    // A status the merchant sets is not ours.
    store.current.status_id = 11;
    expect(await planned('status')).toContain('record-decision');
    // New settings (a description template, an account): the document may change, so the order is planned.
    store.current.status_id = IMPORTED;
    Object.assign(records.rows.get(order.id)!, { orderFingerprint: fingerprint });
    const { pipeline } = context.current as ReturnType<typeof fakeStoreContext>;
    pipeline.settings = { ...pipeline.settings, document: { ...pipeline.settings.document, dueDays: 7 } };
    expect(await planned('settings')).not.toEqual(['load-order']);
  });

  it('a posted order whose status was never written (a crash between the post and the write) gets it on its next run', async () => {
    const { order, store, records, books } = world();
    const placedStatus = order.status_id;
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    // As if the run had died after post-document: the order still in its import status, no status on record.
    Object.assign(records.rows.get(order.id)!, { writtenStatusId: null, statusWrittenAt: null });
    store.current.status_id = placedStatus;
    store.calls.length = 0;
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey: 'sweep' }) }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'already_posted_unchanged' });
    expect(stepIds(ctx)).toEqual(['load-order', 'record-decision', 'write-back-status']);
    expect(books.posted).toHaveLength(1);
    expect(store.calls.at(-1)).toBe(`PUT /v2/orders/${order.id} status ${IMPORTED}`);
    expect(records.rows.get(order.id)?.writtenStatusId).toBe(IMPORTED);
  });

  it('a registered customer created by the first post does not make the next plan an update (no void and re-post)', async () => {
    const order = fixtureOrder();
    expect(order.customer_id).toBeGreaterThan(0);
    const store = scriptedStore(order);
    const records = memoryRecords();
    const books = fakeProvider({ createsCustomers: true });
    context.current = fakeStoreContext({ store, records, provider: books.provider, settings: settingsWith({ statusAfterImport: IMPORTED }) });
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    // A later look at the order that plans it (the fingerprint of our status write set aside): the customer now
    // exists and is found.
    Object.assign(records.rows.get(order.id)!, { orderFingerprint: null });
    const { result } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey: 'wh-updated' }) }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'already_posted_unchanged' });
    expect(books.posted).toHaveLength(1);
    expect(records.rows.get(order.id)?.documentVersion).toBe(0);
  });

  it('recognises the echo of its own status write without loading the order', async () => {
    const { order, store } = world();
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    store.calls.length = 0;
    const echo = event(order.id, { dedupeKey: 'wh-echo', statusChange: { newStatusId: IMPORTED, at: new Date().toISOString() } });
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: echo }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'echo of our own status write' });
    expect(stepIds(ctx)).toEqual(['check-echo']);
    expect(store.calls).toEqual([]);

    // A status change the merchant made is not an echo: the order is loaded and planned.
    const merchant = event(order.id, { dedupeKey: 'wh-merchant', statusChange: { newStatusId: 2, at: new Date().toISOString() } });
    const second = await new InngestTestEngine({ function: orderChangedFunction, events: merchant }).execute();
    expect(stepIds(second.ctx).slice(0, 2)).toEqual(['check-echo', 'load-order']);
    expect(second.result).toMatchObject({ result: 'skipped' });
  });

  it("puts back a status the merchant set in the moment between our re-read and our write (the echo names the status it replaced)", async () => {
    const { order, store, records } = world();
    const placedStatus = order.status_id;
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(store.current.status_id).toBe(IMPORTED);
    store.calls.length = 0;
    // The echo of our write says it replaced Cancelled (5): the merchant cancelled after our re-read.
    const echo = event(order.id, { dedupeKey: 'wh-echo', statusChange: { newStatusId: IMPORTED, previousStatusId: 5, at: new Date().toISOString() } });
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: echo }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'echo of our own status write; restored' });
    expect(stepIds(ctx)).toEqual(['check-echo', 'restore-status']);
    expect(store.calls).toEqual([`GET /v2/orders/${order.id}`, `PUT /v2/orders/${order.id} status 5`]);
    expect(store.current.status_id).toBe(5);
    // Not recorded as our write: the webhook of the restore is the merchant's cancellation, processed as one.
    expect(records.rows.get(order.id)?.writtenStatusId).toBe(IMPORTED);
    expect(records.events.find((e) => e.kind === 'status_restored')?.message).toBe('Status Cancelled (5) put back: it was set while we wrote Awaiting Shipment (9), and our write had replaced it.');

    // The usual echo (our write replaced the import status we re-read) restores nothing.
    store.current.status_id = IMPORTED;
    store.calls.length = 0;
    const usual = event(order.id, { dedupeKey: 'wh-echo-2', statusChange: { newStatusId: IMPORTED, previousStatusId: placedStatus, at: new Date().toISOString() } });
    const plain = await new InngestTestEngine({ function: orderChangedFunction, events: usual }).execute();
    expect(plain.result).toMatchObject({ result: 'skipped', reason: 'echo of our own status write' });
    expect(store.calls).toEqual([]);

    // If the order moved on again since our write, nothing is put back.
    store.current.status_id = 10;
    const later = event(order.id, { dedupeKey: 'wh-echo-3', statusChange: { newStatusId: IMPORTED, previousStatusId: 5, at: new Date().toISOString() } });
    const moved = await new InngestTestEngine({ function: orderChangedFunction, events: later }).execute();
    expect(moved.result).toMatchObject({ reason: 'echo of our own status write; the status changed again since our write' });
    expect(store.current.status_id).toBe(10);
  });

  it('holds an order with a missing SKU: the reason on the record, then the error status step', async () => {
    const { order, store, records, books } = world({ settings: [{ statusAfterImport: IMPORTED, statusOnError: ON_ERROR }, { missingSku: 'fail' }] });
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(result).toMatchObject({ result: 'held', reason: 'missing_sku' });
    expect(stepIds(ctx)).toEqual(['load-order', 'record-decision', 'write-back-status']);
    expect(books.posted).toEqual([]);
    expect(records.rows.get(order.id)).toMatchObject({ state: 'held', reason: 'missing_sku', writtenStatusId: ON_ERROR });
    expect(records.rows.get(order.id)?.message).toContain('SKU');
    expect(store.calls.at(-1)).toBe(`PUT /v2/orders/${order.id} status ${ON_ERROR}`);
  });

  it('a retry after the item is created posts the held order, although it now sits in the error status', async () => {
    const { order, store, records, books } = world({ settings: [{ statusAfterImport: IMPORTED, statusOnError: ON_ERROR }, { missingSku: 'fail' }] });
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(store.current.status_id).toBe(ON_ERROR);

    // The echo of the error status (an `updated` webhook: no status in it) keeps the order held with its reason.
    await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id, { dedupeKey: 'wh-updated' }) }).execute();
    expect(records.rows.get(order.id)).toMatchObject({ state: 'held', reason: 'missing_sku' });

    books.items.push(...orderSkus(order));
    const retry = event(order.id, { trigger: 'manual', dedupeKey: 'manual-1' });
    const { result } = await new InngestTestEngine({ function: orderChangedFunction, events: retry }).execute();
    expect(result).toMatchObject({ result: 'posted' });
    expect(books.posted).toHaveLength(1);
    expect(records.rows.get(order.id)).toMatchObject({ state: 'posted', writtenStatusId: IMPORTED });
    expect(store.current.status_id).toBe(IMPORTED);
  });

  it('a BigCommerce rate limit becomes RetryAfterError with the reset time', async () => {
    const { order, store } = world();
    store.failGetOrder({ kind: 'RateLimited', message: '429', resetMs: 7_000 });
    const { error, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(error).toMatchObject({ name: 'RetryAfterError', cause: { name: 'TransientFailure' } });
    expect((error as { message?: string } | undefined)?.message).toMatch(/rate limit while loading order/);
    expect(stepIds(ctx)).toEqual(['load-order']);
  });

  it('a revoked token (PermanentFailure) becomes NonRetriableError', async () => {
    const { order, store } = world();
    store.failGetOrder({ kind: 'Unauthorized', message: 'revoked' });
    const { error } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(error).toMatchObject({ name: 'NonRetriableError', cause: { name: 'PermanentFailure' } });
    expect((error as { message?: string } | undefined)?.message).toMatch(/reinstalled/);
  });

  it('an outage without a reset time is an ordinary retriable error', async () => {
    const { order, store } = world();
    store.failGetOrder({ kind: 'Unavailable', message: '503', status: 503 });
    const { error } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(error).toMatchObject({ name: 'TransientFailure' });
  });

  it('a rate limit while writing the status back fails that step only (the post is memoised, not repeated)', async () => {
    const { order, store, books } = world();
    store.failSetStatus({ kind: 'RateLimited', message: '429', resetMs: 2_500 });
    const { error, state } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(error).toMatchObject({ name: 'RetryAfterError' });
    await expect(stepState(state, 'post-document')).resolves.toMatchObject({ ok: true, number: `BC-${order.id}` });
    expect(books.posted).toHaveLength(1);
  });

  it('a provider refusal is data: the record is failed with the message, and the error status is written', async () => {
    const order = fixtureOrder();
    const store = scriptedStore(order);
    const records = memoryRecords();
    const books = fakeProvider({ post: () => ({ ok: false, error: { kind: 'validation', message: 'Account 4000 is archived.' } }) });
    context.current = fakeStoreContext({ store, records, provider: books.provider, settings: settingsWith({ statusAfterImport: IMPORTED, statusOnError: ON_ERROR }) });
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(result).toMatchObject({ result: 'failed', reason: 'validation' });
    expect(stepIds(ctx)).toEqual(['load-order', 'post-document', 'write-back-status']);
    expect(records.rows.get(order.id)).toMatchObject({ state: 'failed', message: 'Account 4000 is archived.', writtenStatusId: ON_ERROR });
  });

  it('a store on a remote system hands plan and post to the tenant-keyed posting function, then writes the status back', async () => {
    const { order, store, records, books } = world();
    Object.assign(context.current as object, { accountingTenant: 'xero:tenant-1', providerId: 'xero' });
    const t = new InngestTestEngine({
      function: orderChangedFunction,
      events: event(order.id),
      steps: [{ id: 'post-to-accounting', handler: () => ({ result: 'posted', number: 'INV-0042' }) }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toMatchObject({ orderId: order.id, result: 'posted', number: 'INV-0042' });
    // Nothing was planned or posted in this run: the posting function (its own throttle) did it.
    expect(stepIds(ctx)).toEqual(['load-order', 'write-back-status']);
    const invoked = (ctx.step.invoke as unknown as { mock: { calls: unknown[][] } }).mock.calls[0]!;
    expect(invoked[0]).toBe('post-to-accounting');
    expect(invoked[1]).toMatchObject({ data: { storeHash: STORE, orderId: order.id, tenant: 'xero:tenant-1', trigger: 'webhook', order: { id: order.id } } });
    expect((invoked[1] as { function: { id: () => string } }).function.id()).toMatch(/post-to-xero$/);
    expect(books.posted).toEqual([]);
    expect(store.calls.at(-1)).toBe(`PUT /v2/orders/${order.id} status ${IMPORTED}`);
    expect(records.rows.get(order.id)).toMatchObject({ writtenStatusId: IMPORTED });
  });

  it('an order that no longer exists is recorded and skipped', async () => {
    const { order, store } = world();
    store.failGetOrder({ kind: 'NotFound', message: 'gone' });
    const { result, ctx } = await new InngestTestEngine({ function: orderChangedFunction, events: event(order.id) }).execute();
    expect(result).toMatchObject({ result: 'skipped', reason: 'order not found' });
    expect(stepIds(ctx)).toEqual(['load-order', 'record-missing']);
  });
});
