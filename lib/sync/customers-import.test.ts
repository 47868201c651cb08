import { describe, expect, it } from 'vitest';
import { planCustomersImport, type StoreCustomer } from './customers-import';
import type { RemoteCustomer } from './provider';
import { defaultSettings } from './settings';

const jane: StoreCustomer = { id: 11, email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', company: 'Acme Ltd', phone: '555' };
const settings = defaultSettings();
const remote = (r: Partial<RemoteCustomer>): RemoteCustomer => ({ remoteId: 'r1', displayName: 'Jane Doe', email: 'jane@example.com', bcCustomerId: 11, ...r });

describe('planCustomersImport', () => {
  it('creates a customer the books do not have, as an order of theirs would (name, company, phone, email, id)', () => {
    const plan = planCustomersImport([jane], () => [], settings);
    expect(plan.create).toEqual([expect.objectContaining({ match: 'new', remoteId: null, bcCustomerId: 11, displayName: 'Jane Doe', email: 'jane@example.com', company: 'Acme Ltd', phone: '555' })]);
  });

  it('names a new customer by customers.nameTemplate, as their orders would ({company}: the company, else first and last name)', () => {
    const byCompany = { customers: { ...settings.customers, nameTemplate: '{company}' } };
    const plan = planCustomersImport([jane, { ...jane, id: 12, email: 'ann@example.com', firstName: 'Ann', lastName: 'Poe', company: '' }], () => [], byCompany);
    expect(plan.create.map((c) => [c.displayName, c.bcCustomerId])).toEqual([['Acme Ltd', 11], ['Ann Poe', 12]]);
  });

  it('leaves a linked customer with the same email, whatever its name in the books', () => {
    const plan = planCustomersImport([jane], () => [remote({ displayName: 'Doe, Jane (Acme)' })], settings);
    expect([plan.create.length, plan.update.length, plan.unchanged.length]).toEqual([0, 0, 1]);
  });

  it('updates a changed email; links a customer found by email; never takes another shopper\'s', () => {
    expect(planCustomersImport([{ ...jane, email: 'new@example.com' }], () => [remote({})], settings).update[0]?.changes)
      .toEqual([{ field: 'email', from: 'jane@example.com', to: 'new@example.com' }]);
    const byEmail = planCustomersImport([jane], () => [remote({ remoteId: 'r9', bcCustomerId: null, displayName: 'J. Doe' })], settings);
    expect(byEmail.update[0]).toMatchObject({ customer: { remoteId: 'r9', displayName: 'J. Doe', bcCustomerId: 11 }, changes: [{ field: 'link', to: '11' }] });
    const someoneElse = planCustomersImport([jane], () => [remote({ bcCustomerId: 12 })], settings);
    expect(someoneElse.create).toHaveLength(1);
  });

  it('does not match by email when the store turned it off, and never imports a customer without an id', () => {
    const off = { customers: { ...settings.customers, matchByEmail: false } };
    expect(planCustomersImport([jane], () => [remote({ bcCustomerId: null })], off).create).toHaveLength(1);
    expect(planCustomersImport([{ ...jane, id: 0 }], () => [], settings)).toEqual({ create: [], update: [], unchanged: [] });
  });
});
