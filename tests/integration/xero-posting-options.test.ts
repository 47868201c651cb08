// The store's Xero posting settings through the provider, against the Xero sandbox: invoices posted as drafts take
// no payment (said, not failed), a tracking option lands on every line, tracking categories created in Xero are
// listed live, an option Xero does not have is refused with Xero's message, and each invoice as Xero returns it
// validates against ../shared/specs/xero/xero_accounting.yaml.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXeroProvider, staticXeroToken, xeroUrls, type XeroProviderDeps } from '@/lib/accounting/xero';
import { xeroPostingOptions } from '@/lib/accounting/xero/mapping';
import { loadOrderFixtures, needsOf } from '@/tests/support/xero-fixtures';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { parseSettings } from '@/lib/sync/settings';
import { XeroSpecValidator, xeroSpecsAvailable } from '@/tests/sandbox/xero/openapi';
import type { LimitStats } from '@/tests/sandbox/xero/gateway';
import { startXeroSandbox, type StartedXeroSandbox } from '@/tests/sandbox/xero/server';

const fixtures = loadOrderFixtures(path.resolve(import.meta.dirname, '../fixtures/orders/cases'));
const fixture = (name: string, number: string): SalesDocument => {
  const document = fixtures.find((f) => f.file.startsWith(name))?.document;
  if (!document) throw new Error(`fixture ${name} has no document`);
  return { ...document, number };
};
const specs = xeroSpecsAvailable ? new XeroSpecValidator() : null;

let xero: StartedXeroSandbox;
let tenantId: string;
let token: string;

async function xeroApi<T = unknown>(method: string, route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${xero.url}/xero/api.xro/2.0${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': tenantId, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function admin<T = unknown>(route: string): Promise<T> {
  const res = await fetch(`${xero.url}/__sandbox/xero${route}`);
  expect(res.status).toBe(200);
  return res.json() as Promise<T>;
}

/** The invoice as Xero's API returns it, checked against the spec. */
async function invoiceInXero(id: string) {
  const read = await xeroApi<{ Invoices: unknown[] }>('GET', `/Invoices/${id}`);
  expect(read.status).toBe(200);
  if (specs) expect(specs.validateResponse('xero_accounting.yaml', '/Invoices/{InvoiceID}', 'get', 200, read.json)).toEqual([]);
  return read.json.Invoices[0] as { Status: string; Total: number; AmountPaid: number; LineItems: Array<{ Tracking: Array<{ Name: string; Option: string }> }> };
}

/** A provider configured from stored settings, the way the store's context builds it. */
function providerFor(settings: unknown, extra: Partial<XeroProviderDeps> = {}) {
  const parsed = parseSettings(settings);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return createXeroProvider({ tenantId, tokens: staticXeroToken(token), urls: xeroUrls(`${xero.url}/xero`), retryDelayMs: 5, ...xeroPostingOptions(parsed.settings), ...extra });
}

beforeAll(async () => {
  xero = await startXeroSandbox({ port: 0, limits: { minute: 100_000, day: 1_000_000 } });
  const needs = needsOf(fixtures.flatMap((f) => (f.document ? [f.document] : [])));
  const t = xero.sandbox.createTenant({ name: 'Harbour Goods Ltd', currency: 'USD' });
  tenantId = t.tenantId;
  token = xero.sandbox.tokenFor(tenantId);
  const items = await xeroApi('PUT', '/Items', { Items: needs.itemCodes.map((Code) => ({ Code, Name: `Item ${Code}` })) });
  expect(items.status).toBe(200);
});
afterAll(async () => {
  await xero.close();
});

describe('invoice status', () => {
  it('DRAFT: the invoice is a draft with the order total, and its payment is skipped with a message, not sent', async () => {
    const provider = providerFor({ posting: { approval: 'draft' } });
    const document = fixture('16-shipping-handling-wrapping', 'BC-D1');
    expect(document.payments).toHaveLength(1);
    const posted = await provider.postDocument(document, 'key-d1');
    expect(posted.ok, JSON.stringify(posted)).toBe(true);
    if (!posted.ok) return;
    const invoice = await invoiceInXero(posted.value.remoteId);
    expect(invoice.Status).toBe('DRAFT');
    expect(String(invoice.Total)).toBe(document.totals.total);

    const calls = async () => (await admin<{ tenants: Record<string, LimitStats> }>('/stats')).tenants[tenantId]!.calls;
    const before = await calls();
    expect(before).toBeGreaterThan(0);
    const paid = await provider.recordPayment(posted.value, document.payments[0]!, 'key-d1:pay:0');
    expect(paid).toEqual({
      ok: true,
      value: {
        remoteId: '',
        created: false,
        skipped: `Payment of ${document.payments[0]!.amount} (${document.payments[0]!.method}) not recorded: invoice BC-D1 is a draft in Xero, and Xero takes payments only on approved invoices. Approve the invoice in Xero, then apply the payment there.`,
      },
    });
    const batch = await provider.recordPayments([{ document: posted.value, payment: document.payments[0]!, idempotencyKey: 'key-d1:pay:batch' }]);
    expect(batch[0]?.ok && batch[0].value.skipped).toMatch(/is a draft in Xero/);
    expect(await calls()).toBe(before);
    expect((await admin<Array<{ Invoice: { InvoiceID: string } }>>(`/tenants/${tenantId}/payments`)).filter((p: { Invoice: { InvoiceID: string } }) => p.Invoice.InvoiceID === posted.value.remoteId)).toEqual([]);
  });

  it('AUTHORISED (the default): the invoice is approved and the payment recorded', async () => {
    const provider = providerFor({});
    const document = fixture('16-shipping-handling-wrapping', 'BC-A1');
    const posted = await provider.postDocument(document, 'key-a1');
    if (!posted.ok) throw new Error(posted.error.message);
    const paid = await provider.recordPayment(posted.value, document.payments[0]!, 'key-a1:pay:0');
    expect(paid.ok && paid.value.skipped).toBeUndefined();
    expect(paid.ok && paid.value.remoteId).toMatch(/^[0-9a-f-]{36}$/);
    const invoice = await invoiceInXero(posted.value.remoteId);
    expect(invoice.Status).toBe('PAID');
    expect(String(invoice.AmountPaid)).toBe(document.totals.total);
  });

  it('a document that is a draft whatever the setting (a sales order): Xero refuses the payment, the provider says it was skipped', async () => {
    const provider = providerFor({});
    const document: SalesDocument = { ...fixture('01-single-line-taxed', 'BC-S1'), kind: 'sales_order' };
    const posted = await provider.postDocument(document, 'key-s1');
    if (!posted.ok) throw new Error(posted.error.message);
    expect((await invoiceInXero(posted.value.remoteId)).Status).toBe('DRAFT');
    const paid = await provider.recordPayment(posted.value, document.payments[0]!, 'key-s1:pay:0');
    expect(paid.ok && paid.value.skipped).toMatch(/invoice BC-S1 is a draft in Xero/);
  });
});

describe('tracking', () => {
  it('the option goes on every line of the invoice as Xero books it', async () => {
    const provider = providerFor({ posting: { tracking: { category: 'Sales Channel', option: 'Online Store' } } });
    const document = fixture('16-shipping-handling-wrapping', 'BC-T1');
    const posted = await provider.postDocument(document, 'key-t1');
    if (!posted.ok) throw new Error(posted.error.message);
    const invoice = await invoiceInXero(posted.value.remoteId);
    expect(invoice.LineItems).toHaveLength(document.lines.length);
    for (const line of invoice.LineItems) expect(line.Tracking.map((t) => `${t.Name}=${t.Option}`)).toEqual(['Sales Channel=Online Store']);
    expect(String(invoice.Total)).toBe(document.totals.total);
  });

  it('a category created in Xero is listed by describe() and can be used at once; a draft with tracking validates too', async () => {
    const made = await xeroApi<{ TrackingCategories: Array<{ TrackingCategoryID: string }> }>('PUT', '/TrackingCategories', { Name: 'Region' });
    expect(made.status).toBe(200);
    const id = made.json.TrackingCategories[0]!.TrackingCategoryID;
    expect((await xeroApi('PUT', `/TrackingCategories/${id}/Options`, { Options: [{ Name: 'North' }, { Name: 'South' }] })).status).toBe(200);

    const chart = await providerFor({}).describe();
    if (!chart.ok) throw new Error(chart.error.message);
    expect(chart.value.trackingCategories.map((c) => `${c.name}: ${c.options.map((o) => o.name).join(', ')}`)).toEqual([
      'Sales Channel: Online Store, Marketplace, Wholesale',
      'Region: North, South',
    ]);

    const provider = providerFor({ posting: { approval: 'draft', tracking: { category: 'Region', option: 'South' } } });
    const posted = await provider.postDocument(fixture('01-single-line-taxed', 'BC-T2'), 'key-t2');
    if (!posted.ok) throw new Error(posted.error.message);
    const invoice = await invoiceInXero(posted.value.remoteId);
    expect(invoice.Status).toBe('DRAFT');
    expect(invoice.LineItems.flatMap((l) => l.Tracking.map((t) => t.Option))).toEqual(['South', 'South']);
  });

  it('an option Xero does not have is refused with Xero\'s message, and no invoice is booked', async () => {
    const provider = providerFor({ posting: { tracking: { category: 'Sales Channel', option: 'Pop-up shop' } } });
    const posted = await provider.postDocument(fixture('01-single-line-taxed', 'BC-T3'), 'key-t3');
    expect(posted.ok).toBe(false);
    if (posted.ok) return;
    expect(posted.error.kind).toBe('validation');
    expect(posted.error.message).toContain("Tracking category 'Sales Channel' with option 'Pop-up shop' does not exist.");
    expect((await admin<Array<{ InvoiceNumber: string }>>(`/tenants/${tenantId}/invoices`)).some((i: { InvoiceNumber: string }) => i.InvoiceNumber === 'BC-T3')).toBe(false);
  });
});
