import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRecords } from '@/db/schema';
import type { ProposalView } from '@/lib/admin/mapping-proposal';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { until } from './support/sync-helpers';
import { connectQuickBooksThroughConsent } from './support/quickbooks-connect';
import { connectThroughConsent, sessionFor } from './support/xero-connect';

/**
 * Issue 16: a store with the default settings connects Xero (the organisation's own default chart and UK VAT rates),
 * the first order fails the way it did before (account 4000 and VAT are not Xero's), onboarding's proposal maps the
 * store to the organisation's chart with a reason for each, and once the merchant accepts it the failed order and the
 * next one post: sales to 200 Sales, VAT to "20% (VAT on Income)", paid into the clearing account.
 */
let world: LifecycleWorld;

beforeAll(async () => {
  world = await startLifecycleWorld({ jobs: true, xero: true, quickbooks: true, timeScale: 0.01 });
});
afterAll(async () => world?.stop());

const billing = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  street_1: '12 Marylebone Rd',
  city: 'London',
  state: 'London',
  zip: 'NW1 5LR',
  country: 'United Kingdom',
  country_iso2: 'GB',
  email: 'ada@example.co.uk',
};

async function placeOrder(hash: string, accessToken: string): Promise<number> {
  const response = await fetch(`${world.sandbox.url}/stores/${hash}/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: 0,
      status_id: 11,
      payment_method: 'Credit Card',
      billing_address: billing,
      products: [{ name: 'Teapot', sku: 'TEA-1', quantity: 2, price_ex_tax: '20.00', price_inc_tax: '24.00' }],
    }),
  });
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { id: number }).id;
}

async function recordOf(hash: string, orderId: number) {
  const rows = await world.database.db
    .select()
    .from(syncRecords)
    .where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.orderId, orderId)));
  return rows[0];
}

describe('connecting Xero proposes the mappings from its chart', () => {
  it('with the default settings: the proposal is shown with reasons, nothing is saved until accepted, and then orders post', async () => {
    const { hash, accessToken } = await world.installedStore({ currency: 'GBP' });
    const org = world.xero!.createTenant({ name: 'Demo Company (UK)', currency: 'GBP' });
    const token = await sessionFor(world, hash);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${world.app.url}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

    const callback = await connectThroughConsent(world, token, [org.tenantId]);
    expect(callback.status).toBe(200);
    const settingsBefore = (await (await api('/api/admin/settings')).json()) as { version: number; settings: { accounts: { sales: string } } };
    expect(settingsBefore.settings.accounts.sales).toBe('4000');

    // Before the proposal is accepted, an order meets the ledger's defaults in Xero, as before this issue.
    const first = await placeOrder(hash, accessToken);
    const refused = await until(() => recordOf(hash, first), (r) => r?.state === 'failed' || r?.state === 'held');
    expect(refused?.state === 'failed' || refused?.state === 'held').toBe(true);
    expect(refused?.message).toMatch(/4000|tax rate/);

    const viewed = await api('/api/admin/onboarding/proposal');
    expect(viewed.status).toBe(200);
    const view = (await viewed.json()) as ProposalView;
    expect(view.system).toMatchObject({ id: 'xero', name: 'Xero' });
    const proposal = view.proposal!;
    const at = (path: string) => proposal.accounts.find((a) => a.path === path)!;
    expect(at('accounts.sales')).toMatchObject({ action: 'replace', code: '200' });
    expect(at('accounts.sales').reason).toMatch(/Sales/);
    expect(at('accounts.shipping')).toMatchObject({ code: '210' });
    expect(at('accounts.discounts')).toMatchObject({ code: '270' });
    expect(at('payments.defaultAccount')).toMatchObject({ code: '092' });
    expect(proposal.needsChoice).toEqual(['accounts.giftCertificatesSold', 'payments.storeCreditAccount', 'payments.giftCertificateAccount']);
    // VAT at 20% in the store's orders → the income rate, never the expenses one.
    expect(proposal.taxRates).toContainEqual(expect.objectContaining({ name: 'VAT', rate: '20', seen: true, action: 'replace', taxCode: 'OUTPUT2' }));
    expect(proposal.zeroTax).toMatchObject({ taxCode: 'ZERORATEDOUTPUT' });
    // Reading the proposal saved nothing.
    expect(((await (await api('/api/admin/settings')).json()) as { version: number }).version).toBe(settingsBefore.version);

    // Accepting without the choices it needs is refused with the fields to fix, and saves nothing.
    const incomplete = await api('/api/admin/onboarding/proposal', { method: 'POST', body: JSON.stringify({ expectedVersion: view.version, choices: proposal.choices }) });
    expect(incomplete.status).toBe(400);
    expect(((await incomplete.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty('accounts.giftCertificatesSold');

    const picks = Object.fromEntries(proposal.needsChoice.map((path) => [path, at(path).candidates[0]!]));
    const accepted = await api('/api/admin/onboarding/proposal', {
      method: 'POST',
      body: JSON.stringify({ expectedVersion: view.version, choices: { ...proposal.choices, accounts: { ...proposal.choices.accounts, ...picks } } }),
    });
    expect(accepted.status).toBe(200);
    const saved = (await accepted.json()) as { version: number; retried: number };
    expect(saved.retried).toBeGreaterThanOrEqual(1);
    // A second accept of the same proposal is a conflict: the settings moved on.
    const stale = await api('/api/admin/onboarding/proposal', { method: 'POST', body: JSON.stringify({ expectedVersion: view.version, choices: proposal.choices }) });
    expect(stale.status).toBe(409);

    // The order refused before is posted now (retried on accepting), and the next one posts at once.
    const retried = await until(() => recordOf(hash, first), (r) => r?.state === 'posted', 30_000);
    expect(retried?.state).toBe('posted');
    const second = await placeOrder(hash, accessToken);
    const posted = await until(() => recordOf(hash, second), (r) => r?.state === 'posted', 30_000);
    expect(posted?.state).toBe('posted');
    expect(posted?.message ?? '').not.toMatch(/4000|not mapped/);

    const invoices = [...world.xero!.tenants.get(org.tenantId)!.documents.values()].filter((d) => d.Type === 'ACCREC' && d.Status !== 'VOIDED');
    const invoice = invoices.find((i) => i.number === `BC-${second}`)!;
    expect(invoice).toBeDefined();
    expect(invoice.Total.toFixed(2)).toBe('48.00');
    expect(invoice.TotalTax.toFixed(2)).toBe('8.00');
    const product = invoice.lines.find((l) => l.TaxAmount.gt(0))!;
    expect(product).toMatchObject({ AccountCode: '200', TaxType: 'OUTPUT2' });
    expect(invoices.filter((i) => i.number === `BC-${first}`)).toHaveLength(1);

    // Onboarding finishes on the accepted settings (they validate against Xero's chart now).
    const finished = await api('/api/admin/onboarding', {
      method: 'POST',
      body: JSON.stringify({ provider: 'xero', expectedVersion: saved.version, orders: { importStatusIds: [11], ignoredStatusIds: [0, 1, 6, 7], statusAfterImport: null, statusOnError: null }, backfillFrom: null }),
    });
    expect(finished.status).toBe(200);

    // The proposal now has nothing left to change.
    const again = (await (await api('/api/admin/onboarding/proposal')).json()) as ProposalView;
    expect(again.proposal?.unchanged).toBe(true);
  }, 120_000);

  it('QuickBooks Online (a UK company): Sales of Product Income, Undeposited Funds and 20.0% S proposed; accepted, the first order posts', async () => {
    const { hash, accessToken } = await world.installedStore({ currency: 'GBP' });
    const company = world.quickbooks!.createCompany({ name: 'Teapots Ltd', country: 'GB', currency: 'GBP' });
    const token = await sessionFor(world, hash);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${world.app.url}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    expect((await connectQuickBooksThroughConsent(world, token, company.realmId)).status).toBe(200);

    const view = (await (await api('/api/admin/onboarding/proposal')).json()) as ProposalView;
    expect(view.system?.name).toBe('QuickBooks Online');
    const proposal = view.proposal!;
    const nameOf = (path: string) => view.accounts.find((a) => a.code === proposal.accounts.find((p) => p.path === path)!.code)?.name;
    expect(nameOf('accounts.sales')).toBe('Sales of Product Income');
    expect(nameOf('accounts.shipping')).toBe('Shipping Income');
    expect(nameOf('accounts.discounts')).toBe('Discounts given');
    expect(nameOf('payments.defaultAccount')).toBe('Undeposited Funds');
    expect(proposal.taxRates).toContainEqual(expect.objectContaining({ rate: '20', action: 'replace', taxName: '20.0% S' }));
    expect(proposal.zeroTax).toMatchObject({ taxName: '0.0% Z' });

    const picks = Object.fromEntries(proposal.needsChoice.map((path) => [path, proposal.accounts.find((a) => a.path === path)!.candidates[0]!]));
    const accepted = await api('/api/admin/onboarding/proposal', {
      method: 'POST',
      body: JSON.stringify({ expectedVersion: view.version, choices: { ...proposal.choices, accounts: { ...proposal.choices.accounts, ...picks } } }),
    });
    expect(accepted.status).toBe(200);

    const order = await placeOrder(hash, accessToken);
    const posted = await until(() => recordOf(hash, order), (r) => r?.state === 'posted' || r?.state === 'failed' || r?.state === 'held', 60_000);
    expect([posted?.state, posted?.message]).toEqual(['posted', expect.anything()]);
    const invoice = [...(world.quickbooks!.companies.get(company.realmId)!.entities.get('Invoice')?.values() ?? [])]
      .map((e) => e.data as { DocNumber: string; TotalAmt: number; TxnTaxDetail?: { TotalTax?: number }; Line: Array<{ SalesItemLineDetail?: { TaxCodeRef?: { value: string } } }> })
      .find((i) => i.DocNumber === `BC-${order}`);
    expect(invoice?.TotalAmt).toBe(48);
    expect(invoice?.TxnTaxDetail?.TotalTax).toBe(8);
    const vat20 = proposal.taxRates.find((t) => t.rate === '20')!.taxCode;
    expect(invoice?.Line.some((l) => l.SalesItemLineDetail?.TaxCodeRef?.value === vat20)).toBe(true);
  }, 120_000);
});
