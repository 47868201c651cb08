/**
 * Customers. Our reference to the BigCommerce customer is kept in the customer's `Notes` ("BigCommerce customer
 * #1042"): QuickBooks' API gives customers no custom fields, and Notes is the customer's free-form note — not
 * printed on forms, not used by sales tax (unlike ResaleNum) or cheques (unlike PrintOnCheckName), and not a phone
 * or name field the merchant relies on. It is not queryable, so a customer is found by email (PrimaryEmailAddr) and
 * recognised by its note, or by its DisplayName when creating collides (6240).
 * DisplayName is unique across customers, vendors and employees (Customer reference: "must be unique across all
 * Customer, Employee, and Vendor objects"): a taken name is retried as "Jane Doe (BC 1042)". A customer has one
 * currency: in a multicurrency company, a foreign-currency order gets the customer's twin in that currency
 * ("Jane Doe - EUR"). https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
 */
import { ok, type Outcome, type RemoteCustomer } from '@/lib/sync/provider';
import { holds, keepsDetailsCurrent, SentDetails } from '@/lib/sync/customer-details';
import { isNamedCustomer, type DocumentCustomer } from '@/lib/sync/sales-document';
import { CODES, errorsOf, failed, failureOf, hasCode, isUncertain } from './errors';
import { quoted, type QboApi } from './http';
import { bcCustomerIdOf, customerBody, displayNames, requestIdOf } from './mapping';
import { customerSchema, queryResponse, type QboCustomer } from './wire';

const rows = queryResponse('Customer', customerSchema);

export function toRemoteCustomer(c: QboCustomer): RemoteCustomer {
  return { remoteId: c.Id, displayName: c.DisplayName, email: c.PrimaryEmailAddr?.Address || null, bcCustomerId: bcCustomerIdOf(c.Notes) };
}

export async function customersWhere(api: QboApi, where: string, what: string): Promise<Outcome<QboCustomer[]>> {
  const r = await api.query(`SELECT * FROM Customer WHERE ${where} MAXRESULTS 1000`, what);
  return r.ok ? ok(rows.parse(r.value)) : r;
}

export async function customerById(api: QboApi, id: string): Promise<Outcome<QboCustomer | null>> {
  const sent = await api.send({ method: 'GET', path: `/customer/${encodeURIComponent(id)}` });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind === 'response' && reply.status === 200) return ok(customerSchema.parse((reply.json as { Customer: unknown }).Customer));
  if (reply.kind === 'response' && hasCode(errorsOf(reply.json), CODES.notFound)) return ok(null);
  return failed(failureOf(reply, 'Reading the QuickBooks customer', 60_000));
}

/** Is this QuickBooks customer the document's customer (in `currency`, null = home)? */
export function isOurs(c: QboCustomer, customer: DocumentCustomer, currency: string | null, home: string): boolean {
  if (c.Active === false) return false;
  if ((c.CurrencyRef?.value ?? home) !== (currency ?? home)) return false;
  const linked = bcCustomerIdOf(c.Notes);
  if (customer.bcCustomerId !== null && customer.bcCustomerId > 0) return linked === customer.bcCustomerId;
  // A shipping recipient (Saasu's rule) is whoever has that name, a registered shopper too: found by name first.
  if (customer.match === 'recipient') return true;
  if (isNamedCustomer(customer)) return linked === null;
  const email = c.PrimaryEmailAddr?.Address?.toLowerCase();
  return linked === null && !!email && email === customer.email?.toLowerCase();
}

/** All active customers, for backfills: pages of 1,000 instead of a lookup per order. */
export class CustomerDirectory {
  private readonly all = new Map<string, QboCustomer>();
  loaded = false;

  add(c: QboCustomer): void {
    this.all.set(c.Id, c);
  }

  remove(id: string): void {
    this.all.delete(id);
  }

  async load(api: QboApi): Promise<Outcome<void>> {
    for (let start = 1; ; start += 1000) {
      const r = await api.query(`SELECT * FROM Customer STARTPOSITION ${start} MAXRESULTS 1000`, 'Reading the QuickBooks customers');
      if (!r.ok) return r;
      const page = rows.parse(r.value);
      for (const c of page) this.add(c);
      if (page.length < 1000) break;
    }
    this.loaded = true;
    return ok(undefined);
  }

  find(predicate: (c: QboCustomer) => boolean): QboCustomer[] {
    return [...this.all.values()].filter(predicate);
  }
}

export interface CustomerDeps {
  api: QboApi;
  homeCurrency: string;
  directory: CustomerDirectory;
}

/** The document's customer in QuickBooks (in `currency`; null = home), found or created once. */
export async function ensureCustomer(deps: CustomerDeps, customer: DocumentCustomer, currency: string | null): Promise<Outcome<QboCustomer>> {
  const mine = (c: QboCustomer) => isOurs(c, customer, currency, deps.homeCurrency);
  const names = isNamedCustomer(customer) ? displayNames({ ...customer, bcCustomerId: null, email: null }, currency).slice(0, 1) : displayNames(customer, currency);
  if (deps.directory.loaded) {
    const known = deps.directory.find((c) => mine(c) && (!isNamedCustomer(customer) || c.DisplayName === names[0]));
    if (known[0]) return ok(known[0]);
  } else if (customer.email && !isNamedCustomer(customer)) {
    const byEmail = await customersWhere(deps.api, `PrimaryEmailAddr = ${quoted(customer.email)}`, 'Looking up the QuickBooks customer by email');
    if (!byEmail.ok) return byEmail;
    const found = byEmail.value.find(mine);
    if (found) return ok(found);
  }
  const byName = async (name: string) => {
    const r = await customersWhere(deps.api, `DisplayName = ${quoted(name)}`, 'Looking up the QuickBooks customer by name');
    return r.ok ? ok(r.value.find(mine) ?? null) : r;
  };
  for (const name of names) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const sent = await deps.api.send({ method: 'POST', path: '/customer', body: customerBody(customer, name, currency), requestId: requestIdOf(`cust:${customer.bcCustomerId ?? customer.email ?? ''}:${currency ?? ''}:${name}`) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind === 'response' && reply.status === 200) {
        const created = customerSchema.parse((reply.json as { Customer: unknown }).Customer);
        // A replayed requestid answers the first create again: still ours only if it is this customer.
        if (mine(created) || isNamedCustomer(customer)) {
          deps.directory.add(created);
          return ok(created);
        }
        break;
      }
      const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
      if (isUncertain(reply) || hasCode(errors, CODES.duplicateName)) {
        // The name is taken: by this very customer (an earlier run, a lost answer), or by someone else.
        const existing = await byName(name);
        if (!existing.ok) return existing;
        if (existing.value) {
          deps.directory.add(existing.value);
          return ok(existing.value);
        }
        if (isUncertain(reply) && attempt === 0) continue;
        if (isUncertain(reply)) return failed(failureOf(reply, 'Creating the QuickBooks customer', deps.api.minuteMs));
        break;
      }
      return failed(failureOf(reply, `QuickBooks refused the customer "${name}"`, deps.api.minuteMs));
    }
  }
  return failed({
    kind: 'validation',
    message: `The customer name "${customer.displayName}" is taken in QuickBooks by another customer, vendor or employee, and so is "${names.at(-1)}". Rename one of them in QuickBooks, then retry.`,
    fields: [{ field: 'DisplayName', message: 'Duplicate Name Exists Error' }],
  });
}

/** Matched customers' details last found current, per company (lib/sync/customer-details.ts). */
const sentDetails = new SentDetails();

/**
 * A matched customer (linked, or found by email) takes the order's names, company, email, phone and billing address
 * when QuickBooks' copy differs: one read the first time a process meets the customer with these details, a sparse
 * update only for a difference. A refusal of the update does not hold the order.
 */
export async function keepCustomerCurrent(api: QboApi, realmId: string, customer: DocumentCustomer): Promise<Outcome<void>> {
  if (!keepsDetailsCurrent(customer) || sentDetails.isCurrent(realmId, customer)) return ok(undefined);
  const r = await updateCustomer(api, customer.remoteId, customer);
  if (!r.ok && r.error.kind !== 'validation' && r.error.kind !== 'not_found') return r;
  sentDetails.remember(realmId, customer);
  return ok(undefined);
}

/** Updates a linked customer's contact details (not its DisplayName, which could collide): a sparse update, sent only when they differ. */
export async function updateCustomer(api: QboApi, remoteId: string, customer: DocumentCustomer): Promise<Outcome<QboCustomer>> {
  const current = await customerById(api, remoteId);
  if (!current.ok) return current;
  if (!current.value) return failed({ kind: 'not_found', message: `Customer ${remoteId} is not in QuickBooks any more.` });
  const { DisplayName: _name, CurrencyRef: _currency, Notes: notes, ...rest } = customerBody(customer, current.value.DisplayName, null);
  const changes = { ...rest, ...(current.value.Notes ? {} : notes ? { Notes: notes } : {}) };
  if (holds(current.value, changes)) return ok(current.value);
  const body = { ...changes, Id: remoteId, SyncToken: current.value.SyncToken, sparse: true };
  const r = await api.json({ method: 'POST', path: '/customer', body }, 'Updating the QuickBooks customer');
  return r.ok ? ok(customerSchema.parse((r.value as { Customer: unknown }).Customer)) : r;
}
