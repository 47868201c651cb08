/**
 * Customers as Xero contacts. Our key is the ContactNumber ("BC-1042"); guests are found by email; customers known
 * by name (the shared guest, the single customer, a company) by their Name. Xero's contact Name is unique among active contacts
 * (https://developer.xero.com/documentation/api/accounting/contacts): when a new customer's name is taken by
 * someone else, the contact is created as "Jane Doe (BC 1042)". Before concluding a name is someone else's,
 * we look our own key up again: a concurrent run may just have created this very customer.
 */
import { holds, keepsDetailsCurrent, SentDetails } from '@/lib/sync/customer-details';
import { isNamedCustomer, type DocumentCustomer } from '@/lib/sync/sales-document';
import { ok, type Outcome, type RemoteCustomer } from '@/lib/sync/provider';
import { elementErrors, failed, failureOf, isContactNameTaken, isUncertain, validationFailure } from './errors';
import type { XeroApi } from './http';
import { bcCustomerIdOf, contactBody, contactNumberFor, uniqueNameFor, whereEquals } from './mapping';
import { envelopes, type XeroContact } from './wire';

export interface ContactDeps {
  api: XeroApi;
  contactNumberPrefix: string;
}

export function toRemoteCustomer(c: XeroContact, prefix: string): RemoteCustomer {
  return { remoteId: c.ContactID ?? '', displayName: c.Name ?? '', email: c.EmailAddress || null, bcCustomerId: bcCustomerIdOf(c.ContactNumber, prefix) };
}

export async function contactsWhere(deps: ContactDeps, where: string, what: string): Promise<Outcome<XeroContact[]>> {
  const sent = await deps.api.send({ method: 'GET', path: '/Contacts', query: { where, summaryOnly: 'true' } });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind === 'response' && reply.status === 200) return ok(envelopes.contacts.parse(reply.json).Contacts.filter((c) => c.ContactStatus !== 'ARCHIVED'));
  return failed(failureOf(reply, what));
}

export async function contactById(deps: ContactDeps, id: string): Promise<Outcome<XeroContact | null>> {
  const sent = await deps.api.send({ method: 'GET', path: `/Contacts/${encodeURIComponent(id)}` });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind === 'response' && reply.status === 404) return ok(null);
  if (reply.kind === 'response' && reply.status === 200) return ok(envelopes.contacts.parse(reply.json).Contacts[0] ?? null);
  return failed(failureOf(reply, 'Reading the Xero contact'));
}

/** The existing contact this customer already is, by our key (ContactNumber; the shared guest by Name). */
export async function findOwnContact(deps: ContactDeps, customer: DocumentCustomer): Promise<Outcome<XeroContact | null>> {
  const number = contactNumberFor(customer.bcCustomerId, deps.contactNumberPrefix);
  if (number) {
    const found = await contactsWhere(deps, whereEquals('ContactNumber', number), 'Looking up the Xero contact');
    return found.ok ? ok(found.value[0] ?? null) : found;
  }
  if (isNamedCustomer(customer)) {
    const found = await contactsWhere(deps, whereEquals('Name', customer.displayName), 'Looking up the shared guest contact');
    return found.ok ? ok(found.value[0] ?? null) : found;
  }
  return ok(null);
}

/**
 * Finds or creates the contact for a customer the document does not link yet (`remoteId` null).
 * `idempotencyKey` (when given) is suffixed per attempt, so a lost answer is replayed instead of creating twice.
 */
export async function ensureContact(deps: ContactDeps, customer: DocumentCustomer, idempotencyKey?: string): Promise<Outcome<XeroContact>> {
  const own = await findOwnContact(deps, customer);
  if (!own.ok) return own;
  if (own.value) return ok(own.value);
  const names = [customer.displayName, uniqueNameFor(customer)].filter((n): n is string => !!n);
  for (const [attempt, name] of names.entries()) {
    const key = idempotencyKey ? `${idempotencyKey}:contact:${attempt}` : undefined;
    const sent = await deps.api.send({
      method: 'PUT',
      path: '/Contacts',
      query: { summarizeErrors: 'false' },
      body: { Contacts: [contactBody(customer, name, deps.contactNumberPrefix)] },
      ...(key ? { idempotencyKey: key } : {}),
    });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (isUncertain(reply)) {
      const again = await findOwnContact(deps, customer);
      if (again.ok && again.value) return ok(again.value);
      return failed(failureOf(reply, 'Creating the Xero contact'));
    }
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Creating the Xero contact'));
    const element = envelopes.contacts.parse(reply.json).Contacts[0];
    if (!element) throw new Error('Xero answered a contact create without the contact');
    const errors = elementErrors(element);
    if (errors.length === 0 && element.ContactID) return ok(element);
    if (!isContactNameTaken(errors)) return failed(validationFailure(errors, `Xero refused the contact "${name}"`));
    // The name is taken: by this very customer (a concurrent run), or the shared guest, or someone else.
    const again = await findOwnContact(deps, customer);
    if (!again.ok) return again;
    if (again.value) return ok(again.value);
    if (isNamedCustomer(customer)) break;
  }
  return failed(validationFailure([`The contact name "${customer.displayName}" is taken in Xero and no unique variant could be made.`], 'Creating the Xero contact'));
}

/** Updates a linked contact's details (not its Name: that could collide); links it to our key when unlinked. */
export async function updateContact(deps: ContactDeps, remoteId: string, customer: DocumentCustomer): Promise<Outcome<XeroContact>> {
  const body = contactBody(customer, customer.displayName, deps.contactNumberPrefix);
  delete body.Name;
  const sent = await deps.api.send({ method: 'POST', path: `/Contacts/${encodeURIComponent(remoteId)}`, query: { summarizeErrors: 'false' }, body: { Contacts: [{ ContactID: remoteId, ...body }] } });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Updating the Xero contact'));
  const element = envelopes.contacts.parse(reply.json).Contacts[0];
  const errors = element ? elementErrors(element) : ['no contact returned'];
  if (!element || errors.length) return failed(validationFailure(errors, 'Xero refused the contact update'));
  return ok(element);
}

/** Matched contacts' details last found current, per tenant (lib/sync/customer-details.ts). */
const sentDetails = new SentDetails();

/**
 * A matched contact (linked, or found by email) takes the order's first and last name, email, phone and billing
 * address when Xero's copy differs: one read the first time a process meets the contact with these details, one write
 * only for a difference. Its Name is left alone (unique in Xero, and the accountant's to change). A refusal of the
 * update does not hold the order: the invoice still goes to the contact.
 */
export async function keepContactCurrent(deps: ContactDeps, tenant: string, customer: DocumentCustomer): Promise<Outcome<void>> {
  if (!keepsDetailsCurrent(customer) || sentDetails.isCurrent(tenant, customer)) return ok(undefined);
  const current = await contactById(deps, customer.remoteId);
  if (!current.ok) return current;
  if (!current.value) return ok(undefined);
  const { Name: _name, ...wanted } = contactBody(customer, customer.displayName, deps.contactNumberPrefix);
  if (!holds(current.value, wanted)) {
    const updated = await updateContact(deps, customer.remoteId, customer);
    if (!updated.ok && updated.error.kind !== 'validation') return updated;
  }
  sentDetails.remember(tenant, customer);
  return ok(undefined);
}

/**
 * Every active contact of the organisation by key, for backfills: one paged read (1,000 a page) instead of a
 * lookup per customer. Kept current with the contacts we create.
 */
export class ContactDirectory {
  readonly byNumber = new Map<string, XeroContact>();
  readonly byEmail = new Map<string, XeroContact>();
  readonly byName = new Map<string, XeroContact>();
  /** Every contact with an email, as a lookup by EmailAddress would list them. */
  private readonly allByEmail = new Map<string, XeroContact[]>();
  loaded = false;

  add(c: XeroContact): void {
    if (!c.ContactID) return;
    this.remove(c.ContactID);
    if (c.ContactStatus === 'ARCHIVED') return;
    if (c.ContactNumber) this.byNumber.set(c.ContactNumber, c);
    if (c.EmailAddress) {
      const email = c.EmailAddress.toLowerCase();
      if (!this.byEmail.has(email)) this.byEmail.set(email, c);
      const same = (this.allByEmail.get(email) ?? []).filter((x) => x.ContactID !== c.ContactID);
      this.allByEmail.set(email, [...same, c]);
    }
    if (c.Name) this.byName.set(c.Name.toLowerCase(), c);
  }

  /** Forgets a contact (archived, or about to be re-added with new details). */
  remove(contactId: string): void {
    for (const map of [this.byNumber, this.byEmail, this.byName]) for (const [k, c] of map) if (c.ContactID === contactId) map.delete(k);
    for (const [k, list] of this.allByEmail) {
      const rest = list.filter((c) => c.ContactID !== contactId);
      if (rest.length === 0) this.allByEmail.delete(k);
      else if (rest.length !== list.length) this.allByEmail.set(k, rest);
    }
  }

  withEmail(email: string): XeroContact[] {
    return this.allByEmail.get(email.toLowerCase()) ?? [];
  }

  /**
   * Reads every contact, or with `modifiedSince` (Xero's `If-Modified-Since`: "only records created or modified since
   * this timestamp", archived ones included) only the changes, applying each.
   */
  async load(deps: ContactDeps, modifiedSince?: Date): Promise<Outcome<void>> {
    const headers = modifiedSince ? { 'If-Modified-Since': modifiedSince.toISOString().slice(0, 19) } : undefined;
    for (let page = 1; ; page += 1) {
      const sent = await deps.api.send({ method: 'GET', path: '/Contacts', query: { page: String(page), pageSize: '1000', summaryOnly: 'true', ...(modifiedSince ? { includeArchived: 'true' } : {}) }, ...(headers ? { headers } : {}) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Reading the Xero contacts'));
      const parsed = envelopes.contacts.parse(reply.json);
      for (const c of parsed.Contacts) this.add(c);
      const pageCount = parsed.pagination?.pageCount ?? (parsed.Contacts.length < 1000 ? page : page + 1);
      if (page >= pageCount || parsed.Contacts.length === 0) break;
    }
    this.loaded = true;
    return ok(undefined);
  }

  /** The contact a document's customer already is, when the directory knows it. */
  match(customer: DocumentCustomer, prefix: string): XeroContact | undefined {
    const number = contactNumberFor(customer.bcCustomerId, prefix);
    if (number) return this.byNumber.get(number);
    if (isNamedCustomer(customer)) return this.byName.get(customer.displayName.toLowerCase());
    if (customer.email) {
      const c = this.byEmail.get(customer.email.toLowerCase());
      // A guest matches a contact with the same email that is not another registered customer.
      if (c && bcCustomerIdOf(c.ContactNumber, prefix) === null) return c;
    }
    return undefined;
  }

  nameTaken(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
}

/** The key that makes two documents' customers the same contact, within a batch. */
export function customerKey(customer: DocumentCustomer, prefix: string): string {
  const number = contactNumberFor(customer.bcCustomerId, prefix);
  if (number) return `n:${number}`;
  if (isNamedCustomer(customer)) return `s:${customer.displayName.toLowerCase()}`;
  if (customer.email) return `e:${customer.email.toLowerCase()}`;
  return `s:${customer.displayName.toLowerCase()}`;
}
