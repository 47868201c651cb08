import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, type BuildLookups } from './build-sales-document';
import { isNamedCustomer, type DocumentCustomer } from './sales-document';
import { parseSettings } from './settings';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../tests/fixtures/orders/cases/01-single-line-taxed.json'), 'utf8')) as { order: unknown };

function order(billing: Partial<BcOrder['billing_address']> = {}, customerId = 11): BcOrder {
  const base = orderSchema.parse(fixture.order);
  return { ...base, customer_id: customerId, billing_address: { ...base.billing_address, ...billing } };
}

function customerOf(o: BcOrder, customers: Record<string, unknown>, lookups: BuildLookups['customer'] = {}): DocumentCustomer {
  const parsed = parseSettings({ customers });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const result = buildSalesDocument(o, parsed.settings, {
    limits: { documentNumberMaxLength: 64 }, items: new Map([['TEE-ORG', { id: 'item-1' }]]), customer: lookups,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.document.customer;
}

describe('customers.mode: who the customer in the books is', () => {
  it('defaults to the buyer: the registered shopper, linked by customer id', () => {
    const c = customerOf(order({ company: 'Acme Ltd' }), {}, { linked: { remoteId: '42' } });
    expect(c).toMatchObject({ match: 'linked', remoteId: '42', bcCustomerId: 11, displayName: 'Jane Doe', email: 'janedoe@example.com', company: 'Acme Ltd' });
    expect(isNamedCustomer(c)).toBe(false);
  });

  it('company: the billing company when the order has one, found by its name, with the buyer address on the document', () => {
    const c = customerOf(order({ company: ' Acme Ltd ' }), { mode: 'company' }, { linked: { remoteId: '42' } });
    expect(c).toMatchObject({ match: 'company', remoteId: null, bcCustomerId: null, displayName: 'Acme Ltd', email: null, company: 'Acme Ltd' });
    expect(c.billingAddress).toMatchObject({ firstName: 'Jane', city: 'Austin', email: 'janedoe@example.com' });
    expect(isNamedCustomer(c)).toBe(true);
  });

  it('company: a guest buying for a company is booked on the company too', () => {
    const c = customerOf(order({ company: 'Acme Ltd' }, 0), { mode: 'company' });
    expect(c).toMatchObject({ match: 'company', displayName: 'Acme Ltd', bcCustomerId: null });
  });

  it('company: without a billing company the buyer is the customer, as in buyer mode', () => {
    const c = customerOf(order({ company: '' }), { mode: 'company' }, { linked: { remoteId: '42' } });
    expect(c).toMatchObject({ match: 'linked', remoteId: '42', bcCustomerId: 11, displayName: 'Jane Doe' });
    const guest = customerOf(order({ company: '' }, 0), { mode: 'company' });
    expect(guest).toMatchObject({ match: 'shared_guest', displayName: 'Web Sales' });
  });

  it('single: every order, registered or guest, with or without a company, is booked on "Online Sales"', () => {
    for (const o of [order(), order({ company: 'Acme Ltd' }), order({}, 0)]) {
      const c = customerOf(o, { mode: 'single' }, { linked: { remoteId: '42' }, byEmail: [{ remoteId: '43', displayName: 'Jane', bcCustomerId: null }] });
      expect(c).toMatchObject({ match: 'single', remoteId: null, bcCustomerId: null, displayName: 'Online Sales', email: null, company: '', phone: '' });
      expect(isNamedCustomer(c)).toBe(true);
    }
  });

  it('single: the name is the merchant\'s choice', () => {
    expect(customerOf(order(), { mode: 'single', singleName: 'Shop sales' }).displayName).toBe('Shop sales');
  });

  it('refuses an unknown mode and an empty single name', () => {
    expect(parseSettings({ customers: { mode: 'everyone' } }).ok).toBe(false);
    expect(parseSettings({ customers: { singleName: '  ' } }).ok).toBe(false);
    expect(parseSettings({ customers: { singleName: 'x'.repeat(101) } }).ok).toBe(false);
  });
});

describe('customers.referencePrefix', () => {
  it('defaults to "BC-" and takes what document.numberPrefix takes', () => {
    const parsed = parseSettings({});
    expect(parsed.ok && parsed.settings.customers.referencePrefix).toBe('BC-');
    for (const prefix of ['SHOP/', 'C#', 'ACME_2024.', 'x'.repeat(20)]) expect(parseSettings({ customers: { referencePrefix: prefix } }).ok, prefix).toBe(true);
    for (const prefix of ['', 'BC 1', 'ü-', 'x'.repeat(21)]) expect(parseSettings({ customers: { referencePrefix: prefix } }).ok, prefix).toBe(false);
  });
});
