import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderSchema, type BcConsignments, type BcOrder, type BcShippingConsignment } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument, type BuildLookups } from './build-sales-document';
import { documentContentHash } from './content-hash';
import { customerDetailsKey } from './customer-details';
import { addressLine, deliveryAddressFor, deliveryAddressOf, samePlace, shipsToAnotherPerson } from './delivery';
import { isNamedCustomer, type PostalAddress, type SalesDocument } from './sales-document';
import { parseSettings } from './settings';
import { CUSTOMER_NAME_TOKENS, customerNameFrom, DEFAULT_CUSTOMER_NAME, templateProblem } from './templates';

// Fixture 02: Jane Doe billed at 555 East Street, shipped (one consignment) to Jane Doe at 123 Main Street.
const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../tests/fixtures/orders/cases/02-single-line-untaxed.json'), 'utf8')) as { order: unknown };
const base = orderSchema.parse(fixture.order);
type Shipping = BcShippingConsignment;

function order(billing: Partial<BcOrder['billing_address']> = {}, shipping: Partial<Shipping> = {}, customerId = 11): BcOrder {
  const consignments = base.consignments as BcConsignments;
  const first = { ...consignments.shipping[0]!, ...shipping };
  return { ...base, customer_id: customerId, billing_address: { ...base.billing_address, ...billing }, consignments: { ...consignments, shipping: [first] } };
}

function build(o: BcOrder, customers: Record<string, unknown> = {}, lookups: BuildLookups['customer'] = {}): SalesDocument {
  const parsed = parseSettings({ customers });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const result = buildSalesDocument(o, parsed.settings, { limits: { documentNumberMaxLength: 64 }, items: new Map(), customer: lookups });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.document;
}

/** Billing's own address and name, shipped to the same place. */
const atHome = (b: BcOrder['billing_address']): Partial<Shipping> => ({
  first_name: b.first_name, last_name: b.last_name, street_1: b.street_1, street_2: b.street_2 ?? '', city: b.city, state: b.state, zip: b.zip, country_iso2: b.country_iso2,
});

describe('customers.nameTemplate: how a shopper\'s customer is named', () => {
  it('defaults to the first and last name, as before the template existed', () => {
    expect(DEFAULT_CUSTOMER_NAME).toBe('{firstName} {lastName}');
    const doc = build(order({ company: 'Acme Ltd' }));
    expect(doc.customer).toMatchObject({ match: 'new', displayName: 'Jane Doe', company: 'Acme Ltd' });
  });

  it('{company} names the shopper after the billing company, and falls back to the first and last name without one', () => {
    expect(build(order({ company: ' Acme Ltd ' }), { nameTemplate: '{company}' }, { linked: { remoteId: '42' } }).customer)
      .toMatchObject({ match: 'linked', remoteId: '42', bcCustomerId: 11, displayName: 'Acme Ltd', email: 'janedoe@example.com' });
    expect(build(order({ company: '' }), { nameTemplate: '{company}' }).customer).toMatchObject({ match: 'new', displayName: 'Jane Doe', bcCustomerId: 11 });
    // Unlike customers.mode = company, the customer is still the shopper's own: linked by id, found by email, kept current.
    expect(isNamedCustomer(build(order({ company: 'Acme Ltd' }), { nameTemplate: '{company}' }).customer)).toBe(false);
  });

  it('a bracketed part whose tokens are empty is left out, spaces are collapsed, and an empty result gives the person\'s name', () => {
    const t = '{lastName}, {firstName} ({company})';
    expect(customerNameFrom(t, { firstName: 'Jane', lastName: 'Doe', company: 'Acme' })).toBe('Doe, Jane (Acme)');
    expect(customerNameFrom(t, { firstName: 'Jane', lastName: 'Doe', company: '' })).toBe('Doe, Jane');
    expect(customerNameFrom('{firstName}   {lastName}', { firstName: ' Jane ', lastName: 'Doe', company: '' })).toBe('Jane Doe');
    expect(customerNameFrom('{company} -', { firstName: 'Ann', lastName: 'Poe', company: '' })).toBe('Ann Poe');
  });

  it('the name follows the template on a matched customer too, so the update sends it (customer-details key changes)', () => {
    const plain = build(order({ company: 'Acme Ltd' }), {}, { linked: { remoteId: '42' } }).customer;
    const named = build(order({ company: 'Acme Ltd' }), { nameTemplate: '{company}' }, { linked: { remoteId: '42' } }).customer;
    expect(customerDetailsKey(plain)).not.toBe(customerDetailsKey(named));
    // The content hash leaves names out: changing the template never re-posts a document.
    expect(documentContentHash(build(order({ company: 'Acme Ltd' }), { nameTemplate: '{company}' }))).toBe(documentContentHash(build(order({ company: 'Acme Ltd' }))));
  });

  it('refuses an unknown token with a message naming it and the tokens there are', () => {
    expect(templateProblem('{fullName}', CUSTOMER_NAME_TOKENS)).toBe('Unknown token {fullName}: use {firstName} {lastName} {company}.');
    const parsed = parseSettings({ customers: { nameTemplate: '{fullName}' } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toEqual([{ path: 'customers.nameTemplate', message: 'Unknown token {fullName}: use {firstName} {lastName} {company}.' }]);
    expect(parseSettings({ customers: { nameTemplate: '  ' } }).ok).toBe(false);
  });
});

describe('delivery addresses', () => {
  it('an order shipped elsewhere carries the delivery address on the shopper\'s own customer; shipped home, none', () => {
    const elsewhere = build(order());
    expect(elsewhere.customer.deliveryAddress).toMatchObject({ firstName: 'Jane', street1: '123 Main Street', zip: '12345' });
    expect(deliveryAddressOf(elsewhere)).toMatchObject({ id: 1, street1: '123 Main Street' });
    // On the order's page, on one line, empty parts left out.
    expect(addressLine({ firstName: ' Grace', lastName: 'Hopper ', company: 'Navy Yard', street1: '1 Dock  St', street2: '', city: 'Arlington', state: 'VA', zip: '22201', country: 'United States', countryIso2: 'US', phone: '', email: '' }))
      .toBe('Grace Hopper, Navy Yard, 1 Dock St, Arlington, VA 22201, United States');
    expect(addressLine({ firstName: '', lastName: '', company: '', street1: '', street2: '', city: 'Paris', state: '', zip: '', country: 'France', countryIso2: 'FR', phone: '', email: '' })).toBe('Paris, France');
    const home = build(order({}, atHome(base.billing_address)));
    expect(home.customer.deliveryAddress).toBeUndefined();
    expect(deliveryAddressOf(home)).toBeNull();
    // Same place, another person: still a delivery address (to their attention).
    const gift = build(order({}, { ...atHome(base.billing_address), first_name: 'Tom', last_name: 'Ray' }));
    expect(gift.customer.deliveryAddress).toMatchObject({ firstName: 'Tom', lastName: 'Ray', street1: base.billing_address.street_1 });
  });

  it('a customer known by name (company, single, shared guest) never takes one order\'s delivery address; the document keeps it', () => {
    for (const [customers, id] of [[{ mode: 'company' }, 11], [{ mode: 'single' }, 11], [{}, 0]] as const) {
      const doc = build(order({ company: 'Acme Ltd' }, {}, id), customers);
      expect(isNamedCustomer(doc.customer)).toBe(true);
      expect(doc.customer.deliveryAddress).toBeUndefined();
      expect(doc.shippingContacts[0]).toMatchObject({ street1: '123 Main Street' });
    }
  });

  it('property: the delivery address never changes the content hash (the shipping contacts carry it already)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (street, name) => {
        const doc = build(order({}, { street_1: street, first_name: name }));
        const { deliveryAddress: _d, ...withoutDelivery } = doc.customer;
        return documentContentHash(doc) === documentContentHash({ ...doc, customer: withoutDelivery });
      }),
      { numRuns: 60 },
    );
  });

  it('property: an address is a delivery address exactly when the place or the person differs', () => {
    const text = fc.constantFrom('', '1 Main St', '1 main st ', 'Dallas', 'Jane', 'Tom');
    const addr = fc.record({ firstName: text, lastName: text, street1: text, city: text, zip: text }).map((a): PostalAddress => ({
      ...a, company: '', street2: '', state: 'TX', country: 'United States', countryIso2: 'US', phone: '', email: '',
    }));
    fc.assert(
      fc.property(addr, addr, (billing, shipping) => {
        const expected = (shipping.street1.trim() || shipping.city.trim() || shipping.zip.trim()) !== '' && (!samePlace(billing, shipping) || shipsToAnotherPerson(billing, shipping));
        return (deliveryAddressFor(billing, shipping) !== null) === expected && deliveryAddressFor(billing, billing) === null;
      }),
      { numRuns: 300 },
    );
  });
});

describe('customers.shippingNameContact (Saasu\'s rule)', () => {
  it('off by default: an order shipped to another person is still the buyer\'s', () => {
    const doc = build(order({}, { first_name: 'Tom', last_name: 'Ray' }), {}, { linked: { remoteId: '42' } });
    expect(doc.customer).toMatchObject({ match: 'linked', displayName: 'Jane Doe' });
  });

  it('on: the recipient becomes the customer, known by name, with the shipping address and no buyer\'s email or id', () => {
    const doc = build(order({ company: 'Acme Ltd' }, { first_name: ' Tom ', last_name: 'Ray', company: 'Ray & Co', phone: '555-0123' }), { shippingNameContact: true }, { linked: { remoteId: '42' } });
    expect(doc.customer).toMatchObject({ match: 'recipient', remoteId: null, bcCustomerId: null, displayName: 'Tom Ray', email: null, company: 'Ray & Co', phone: '555-0123' });
    expect(doc.customer.billingAddress).toMatchObject({ firstName: 'Tom', street1: '123 Main Street', zip: '12345' });
    expect(isNamedCustomer(doc.customer)).toBe(true);
    expect(doc.customer.deliveryAddress).toBeUndefined();
  });

  it('on: the same name (any case or spacing), or no shipping name, keeps the buyer; single mode keeps the one customer', () => {
    expect(build(order({}, { first_name: 'JANE', last_name: ' doe' }), { shippingNameContact: true }).customer).toMatchObject({ match: 'new', displayName: 'Jane Doe' });
    expect(build(order({}, { first_name: '', last_name: '' }), { shippingNameContact: true }).customer).toMatchObject({ match: 'new', displayName: 'Jane Doe' });
    expect(build(order({}, { first_name: 'Tom', last_name: 'Ray' }), { shippingNameContact: true, mode: 'single' }).customer).toMatchObject({ match: 'single', displayName: 'Online Sales' });
    // Guests and company buyers follow the rule too.
    expect(build(order({ company: 'Acme Ltd' }, { first_name: 'Tom', last_name: 'Ray' }, 0), { shippingNameContact: true, mode: 'company' }).customer).toMatchObject({ match: 'recipient', displayName: 'Tom Ray' });
  });
});
