import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncEvents, syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { resetEnvForTests } from '@/lib/env';
import { createSettingsRepo } from '@/lib/repos/settings';
import type { SyncSettingsInput } from '@/lib/sync/settings';
import { signXeroPayload } from '@/tests/sandbox/xero/webhooks';
import { XERO_TEST_SETTINGS } from '@/tests/support/xero-fixtures';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { orderStatus, sleep, until } from './support/sync-helpers';
import { connectThroughConsent, sessionFor } from './support/xero-connect';
import { connectQuickBooksThroughConsent } from './support/quickbooks-connect';
import { QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';

/**
 * Statuses from the books (issue 16): Xero's signed webhook says an invoice was paid; the app reads the invoice and
 * sets the mapped BigCommerce status once, and the echo of that write posts nothing again. A badly signed delivery
 * is refused and changes nothing; the intent-to-receive handshake passes; with the mapping off nothing is written.
 */
let world: LifecycleWorld;
const KEY = 'lb-test-xero-webhook-key';
const INTUIT_TOKEN = 'lb-test-intuit-verifier-token';
const PAID = 10;
const AWAITING_PAYMENT = 7;
/** Unpaid orders (Awaiting Payment: BigCommerce's payment_status `pending`) are posted as open invoices. */
// No status after posting: the sandbox takes an unpaid order moved to a paid status (Awaiting Shipment…) as paid then.
const UNPAID_ORDERS = { importStatusIds: [AWAITING_PAYMENT, 11], ignoredStatusIds: [0, 1, 6] };

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, xero: true, quickbooks: true, timeScale: 0.01 });
  process.env.XERO_WEBHOOK_KEY = KEY;
  process.env.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN = INTUIT_TOKEN;
  resetEnvForTests();
  // The app's webhook URL and key, as the merchant's developer would set them in Xero's portal.
  const set = await fetch(`${world.sandbox.url}/__sandbox/xero/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${world.app.url}/api/webhooks/accounting/xero`, key: KEY }),
  });
  expect(set.status).toBe(200);
});
afterAll(async () => {
  delete process.env.XERO_WEBHOOK_KEY;
  delete process.env.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN;
  await world?.stop();
});

async function storeOnXero(settings: SyncSettingsInput) {
  const { hash, accessToken } = await world.installedStore();
  await createSettingsRepo({ db: world.database.db }).save(hash as StoreHash, { ...XERO_TEST_SETTINGS, ...settings }, { expectedVersion: 0 });
  const org = world.xero!.createTenant({ name: `Books of ${hash}`, currency: 'USD' });
  expect((await connectThroughConsent(world, await sessionFor(world, hash), [org.tenantId])).status).toBe(200);
  return { hash, accessToken, tenantId: org.tenantId, api: { baseUrl: world.sandbox.url, hash, token: accessToken } };
}

/** An order awaiting payment (BigCommerce's payment_status `pending`). */
async function placeUnpaidOrder(hash: string, accessToken: string): Promise<number> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: AWAITING_PAYMENT,
      billing_address: { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' },
      products: [{ name: 'Keyboard', sku: 'KB-1', quantity: 1, price_ex_tax: '49.00', price_inc_tax: '49.00' }],
    }),
  });
  return ((await response.json()) as { id: number }).id;
}

const recordOf = async (hash: string, orderId: number) =>
  (await world.database.db.select().from(syncRecords).where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.orderId, orderId))))[0];

const statusWrites = async (hash: string, orderId: number) =>
  (await world.database.db.select().from(syncEvents).where(and(eq(syncEvents.storeHash, hash), eq(syncEvents.orderId, orderId)))).filter((e) => e.kind === 'status_written');

const runsOf = (functionId: string, match: (data: Record<string, unknown>) => boolean) =>
  world.inngest!.runs().filter((r) => r.functionId === `ledgerbridge-${functionId}` && match(r.event.data as Record<string, unknown>));

const invoicesNumbered = (tenantId: string, number: string) => [...world.xero!.tenants.get(tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC' && d.number === number);

/** The order posted to Xero as an open invoice, with the imported status written back. */
async function postedOrder(store: Awaited<ReturnType<typeof storeOnXero>>) {
  const orderId = await placeUnpaidOrder(store.hash, store.accessToken);
  const record = await until(() => recordOf(store.hash, orderId), (r) => r?.state === 'posted', 30_000);
  expect(record).toMatchObject({ state: 'posted', writtenStatusId: null });
  const [invoice] = invoicesNumbered(store.tenantId, `BC-${orderId}`);
  expect(invoice?.Status).toBe('AUTHORISED');
  await world.inngest!.waitForIdle(30_000);
  return { orderId, invoiceId: invoice!.id };
}

async function payInXero(tenantId: string, invoiceId: string) {
  const deliveries = world.xero!.webhooks.deliveries.length;
  const paid = await world.admin<{ payment: unknown }>(`/__sandbox/xero/tenants/${tenantId}/invoices/${invoiceId}/payments`, {});
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  // Xero's delivery, signed with the app's webhook key, answered 200 by the app.
  const delivered = await until(async () => world.xero!.webhooks.deliveries.slice(deliveries), (d) => d.some((x) => x.status !== null), 10_000);
  const delivery = delivered.find((d) => d.events > 0)!;
  expect(delivery.status).toBe(200);
  const body = JSON.parse(delivery.body) as { events: Array<Record<string, unknown>>; firstEventSequence: number; lastEventSequence: number; entropy: string };
  expect(body.events).toEqual([expect.objectContaining({ resourceId: invoiceId, eventCategory: 'INVOICE', eventType: 'UPDATE', tenantId, resourceUrl: expect.stringContaining(`/Invoices/${invoiceId}`) })]);
  expect(body.lastEventSequence).toBeGreaterThanOrEqual(body.firstEventSequence);
  expect(body.entropy).toMatch(/^[A-Z0-9]+$/);
  return delivery.body;
}

describe('statuses from the books: Xero webhooks', () => {
  it('passes Xero’s intent-to-receive check: 200 for a correctly signed payload, 401 for an incorrectly signed one', async () => {
    const check = await world.admin<{ ok: boolean; signed: number; badlySigned: number }>('/__sandbox/xero/webhooks/intent', {});
    expect(check.body).toEqual({ ok: true, signed: 200, badlySigned: 401 });
  });

  it('an invoice paid in Xero sets the mapped status exactly once, and its echo posts nothing again', async () => {
    const store = await storeOnXero({ orders: UNPAID_ORDERS, statuses: { fromBooks: { paid: PAID } } });
    const { orderId, invoiceId } = await postedOrder(store);
    const postRunsBefore = runsOf('order-changed', (d) => d.storeHash === store.hash && d.orderId === orderId).length;

    const body = await payInXero(store.tenantId, invoiceId);
    expect(await until(() => orderStatus(store.api, orderId), (s) => s === PAID, 30_000)).toBe(PAID);

    // Xero delivers again (at least once): still one write.
    const again = await fetch(`${world.app.url}/api/webhooks/accounting/xero`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-xero-signature': signXeroPayload(body, KEY) }, body });
    expect(again.status).toBe(200);
    await sleep(500);
    await world.inngest!.waitForIdle(30_000);

    const writes = await statusWrites(store.hash, orderId);
    expect(writes.filter((w) => (w.detail as { statusId?: number } | null)?.statusId === PAID)).toHaveLength(1);
    expect(await orderStatus(store.api, orderId)).toBe(PAID);
    const bookRuns = runsOf('books-document-changed', (d) => d.documentId === invoiceId);
    expect(bookRuns.length).toBeGreaterThanOrEqual(2);
    expect(bookRuns.every((r) => r.status === 'Completed')).toBe(true);

    // No loop: the statusUpdated echo was recognised, the order is still posted once, with one invoice and one payment.
    const echoRuns = runsOf('order-changed', (d) => d.storeHash === store.hash && d.orderId === orderId).slice(postRunsBefore);
    expect(echoRuns.every((r) => r.status === 'Completed' && (r.output as { result?: string } | undefined)?.result !== 'posted')).toBe(true);
    expect(await recordOf(store.hash, orderId)).toMatchObject({ state: 'posted', writtenStatusId: PAID });
    const invoices = invoicesNumbered(store.tenantId, `BC-${orderId}`);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.Status).toBe('PAID');
    expect(invoices[0]!.paymentIds).toHaveLength(1);
  });

  it('a badly signed delivery is 401 and changes nothing', async () => {
    const store = await storeOnXero({ orders: UNPAID_ORDERS, statuses: { fromBooks: { paid: PAID, voided: 5 } } });
    const { orderId, invoiceId } = await postedOrder(store);
    // Paid in Xero behind the app's back (no webhook configured for a moment), then a forged delivery about it.
    const target = world.xero!.webhooks.target;
    world.xero!.webhooks.target = null;
    await world.admin(`/__sandbox/xero/tenants/${store.tenantId}/invoices/${invoiceId}/payments`, {});
    world.xero!.webhooks.target = target;
    const body = JSON.stringify({
      events: [{ resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${invoiceId}`, resourceId: invoiceId, eventDateUtc: '2026-12-06T20:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: store.tenantId, tenantType: 'ORGANISATION' }],
      firstEventSequence: 1,
      lastEventSequence: 1,
      entropy: 'FORGED',
    });
    const runsBefore = runsOf('books-document-changed', (d) => d.documentId === invoiceId).length;
    for (const signature of [signXeroPayload(body, 'not-the-key'), signXeroPayload(`${body} `, KEY), '']) {
      const answer = await fetch(`${world.app.url}/api/webhooks/accounting/xero`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-xero-signature': signature }, body });
      expect(answer.status).toBe(401);
    }
    await sleep(500);
    await world.inngest!.waitForIdle(30_000);
    expect(runsOf('books-document-changed', (d) => d.documentId === invoiceId)).toHaveLength(runsBefore);
    expect(await orderStatus(store.api, orderId)).toBe(AWAITING_PAYMENT);
    expect(await recordOf(store.hash, orderId)).toMatchObject({ state: 'posted', writtenStatusId: null });
  });

  it('with the mapping off (the default) a paid invoice changes nothing', async () => {
    const store = await storeOnXero({ orders: UNPAID_ORDERS });
    const { orderId, invoiceId } = await postedOrder(store);
    await payInXero(store.tenantId, invoiceId);
    const run = await until(async () => runsOf('books-document-changed', (d) => d.documentId === invoiceId), (r) => r.some((x) => x.status === 'Completed'), 30_000);
    expect(run.map((r) => r.status)).toContain('Completed');
    await world.inngest!.waitForIdle(30_000);
    expect(await orderStatus(store.api, orderId)).toBe(AWAITING_PAYMENT);
    expect((await statusWrites(store.hash, orderId)).map((w) => (w.detail as { statusId?: number } | null)?.statusId)).toEqual([]);
  });
});

describe('statuses from the books: the sweep', () => {
  it('finds a payment whose webhook never came, and sets the mapped status once', async () => {
    const store = await storeOnXero({ orders: UNPAID_ORDERS, statuses: { fromBooks: { paid: PAID } } });
    const { orderId, invoiceId } = await postedOrder(store);
    const target = world.xero!.webhooks.target;
    world.xero!.webhooks.target = null; // the delivery is lost
    try {
      expect((await world.admin(`/__sandbox/xero/tenants/${store.tenantId}/invoices/${invoiceId}/payments`, {})).status).toBe(201);
    } finally {
      world.xero!.webhooks.target = target;
    }
    expect(await orderStatus(store.api, orderId)).toBe(AWAITING_PAYMENT);
    await world.inngest!.sendEvent({ name: 'store/sweep', data: { storeHash: store.hash } });
    expect(await until(() => orderStatus(store.api, orderId), (s) => s === PAID, 30_000)).toBe(PAID);
    await world.inngest!.waitForIdle(30_000);
    // A second sweep reads it no more (its status is final) and writes nothing.
    await world.inngest!.sendEvent({ name: 'store/sweep', data: { storeHash: store.hash } });
    await sleep(300);
    await world.inngest!.waitForIdle(30_000);
    const sweeps = runsOf('store-sweep', (d) => d.storeHash === store.hash).filter((r) => r.status === 'Completed');
    // (The store's first sweep, on install, ran before the order was posted.)
    const written = sweeps.map((r) => (r.output as { booksWritten?: number }).booksWritten ?? 0);
    expect(written.reduce((a, b) => a + b, 0)).toBe(1);
    expect(written.at(-1)).toBe(0);
    expect((await statusWrites(store.hash, orderId)).filter((w) => (w.detail as { statusId?: number } | null)?.statusId === PAID)).toHaveLength(1);
    expect(invoicesNumbered(store.tenantId, `BC-${orderId}`)).toHaveLength(1);
  });
});

describe('statuses from the books: Intuit webhooks', () => {
  it('a notification signed with the verifier token is taken (one run per invoice); a badly signed one is 401', async () => {
    const body = JSON.stringify({
      eventNotifications: [{ realmId: '4620816365', dataChangeEvent: { entities: [{ name: 'Invoice', id: '77', operation: 'Update', lastUpdated: '2026-12-06T14:42:19-0700' }] } }],
    });
    const post = (signature: string) =>
      fetch(`${world.app.url}/api/webhooks/accounting/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signature }, body });
    const { createHmac } = await import('node:crypto');
    expect((await post(createHmac('sha256', 'wrong').update(body).digest('base64'))).status).toBe(401);
    expect((await post(createHmac('sha256', INTUIT_TOKEN).update(body).digest('base64'))).status).toBe(200);
    const runs = await until(async () => runsOf('books-document-changed', (d) => d.documentId === 'Invoice:77'), (r) => r.some((x) => x.status === 'Completed'), 20_000);
    // No store is connected to that company: found nothing, changed nothing.
    expect(runs).toHaveLength(1);
    expect(runs[0]!.output).toMatchObject({ results: [] });
  });
});

describe('statuses from the books: QuickBooks webhooks, end to end', () => {
  it('an invoice paid in QuickBooks: Intuit’s signed CloudEvents delivery sets the mapped status once; a forged one is 401', async () => {
    // The app's endpoint and verifier token, as its developer sets them in Intuit's portal.
    const set = await fetch(`${world.sandbox.url}/__sandbox/quickbooks/webhooks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${world.app.url}/api/webhooks/accounting/quickbooks`, verifierToken: INTUIT_TOKEN }),
    });
    expect(set.status).toBe(200);
    const { hash, accessToken } = await world.installedStore();
    await createSettingsRepo({ db: world.database.db }).save(
      hash as StoreHash,
      { accounts: QBO_TEST_ACCOUNTS, payments: QBO_TEST_PAYMENTS, tax: { defaultTaxCode: 'TAX', zeroTaxCode: 'NON' }, orders: UNPAID_ORDERS, statuses: { fromBooks: { paid: PAID } } },
      { expectedVersion: 0 },
    );
    const company = world.quickbooks!.createCompany({ name: `Books of ${hash}`, country: 'US', currency: 'USD', ast: true });
    expect((await connectQuickBooksThroughConsent(world, await sessionFor(world, hash), company.realmId)).status).toBe(200);
    const api = { baseUrl: world.sandbox.url, hash, token: accessToken };

    const orderId = await placeUnpaidOrder(hash, accessToken);
    expect(await until(() => recordOf(hash, orderId), (r) => r?.state === 'posted', 30_000)).toMatchObject({ state: 'posted', writtenStatusId: null });
    await world.inngest!.waitForIdle(30_000);
    const invoice = [...(company.entities.get('Invoice')?.values() ?? [])].map((s) => s.data).find((d) => d.DocNumber === `BC-${orderId}`)!;
    expect(invoice).toBeDefined();

    // A forged delivery about it (signed with another token) is refused and starts nothing.
    const forgedBody = JSON.stringify([{ specversion: '1.0', id: 'forged-1', source: 'intuit.x', type: 'qbo.invoice.updated.v1', datacontenttype: 'application/json', time: new Date().toISOString(), intuitentityid: String(invoice.Id), intuitaccountid: company.realmId, data: {} }]);
    const forged = await fetch(`${world.sandbox.url}/__sandbox/quickbooks/webhooks/forged`, { method: 'POST', body: forgedBody });
    expect(await forged.json()).toEqual({ status: 401 });

    // The bookkeeper receives the payment in QuickBooks (Accounting API, their own session).
    const deliveries = world.quickbooks!.webhooks.deliveries.length;
    const token = world.quickbooks!.tokenFor(company.realmId);
    const paid = await fetch(`${world.sandbox.url}/quickbooks/v3/company/${company.realmId}/payment?minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ TotalAmt: invoice.TotalAmt, CustomerRef: invoice.CustomerRef, Line: [{ Amount: invoice.TotalAmt, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] }),
    });
    expect(paid.status, await paid.clone().text()).toBe(200);
    const paymentId = ((await paid.json()) as { Payment: { Id: string } }).Payment.Id;

    // Intuit's delivery: CloudEvents, signed with the verifier token, answered 200 by the app.
    const delivered = await until(async () => world.quickbooks!.webhooks.deliveries.slice(deliveries), (d) => d.some((x) => x.status !== null && x.events > 0), 10_000);
    const delivery = delivered.find((d) => d.events > 0)!;
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toEqual(expect.arrayContaining([expect.objectContaining({ specversion: '1.0', type: 'qbo.payment.created.v1', intuitentityid: paymentId, intuitaccountid: company.realmId })]));

    expect(await until(() => orderStatus(api, orderId), (st) => st === PAID, 30_000)).toBe(PAID);
    await world.inngest!.waitForIdle(30_000);
    const writes = await statusWrites(hash, orderId);
    expect(writes.filter((w) => (w.detail as { statusId?: number } | null)?.statusId === PAID)).toHaveLength(1);
    expect(await recordOf(hash, orderId)).toMatchObject({ state: 'posted', writtenStatusId: PAID });
    // The status (Completed) makes BigCommerce count the order paid, and the app then plans the store's payment: the
    // invoice is paid in full in QuickBooks already, so it is not recorded twice, and the timeline says so.
    const timeline = await world.database.db.select().from(syncEvents).where(and(eq(syncEvents.storeHash, hash), eq(syncEvents.orderId, orderId)));
    expect(timeline.filter((e) => e.kind === 'payment_not_recorded').map((e) => e.message)).toEqual([
      `Invoice BC-${orderId} was paid in full in QuickBooks already, so this payment of 49.00 was not recorded again. Check which payment is right in QuickBooks.`,
    ]);
    // Posted once: one invoice, one payment (the bookkeeper's).
    expect([...(company.entities.get('Invoice')?.values() ?? [])].filter((s) => s.data.DocNumber === `BC-${orderId}`)).toHaveLength(1);
    expect([...(company.entities.get('Payment')?.values() ?? [])]).toHaveLength(1);
  });
});
