/**
 * Keeping a matched customer current (issue 16): the name, billing address, phone and email an order carries go to
 * the customer in the books when they changed. Each provider compares them with what the books hold (its own copy
 * or one read) and writes only a difference; `SentDetails` remembers, per tenant and customer, the details last
 * found current, so a returning shopper's later orders cost nothing and one order never updates its customer twice.
 */
import { isNamedCustomer, type DocumentCustomer } from './sales-document';

/** A customer known in the books (linked, or found by email) whose details an order may bring up to date. */
export function keepsDetailsCurrent(customer: DocumentCustomer): customer is DocumentCustomer & { remoteId: string } {
  return customer.remoteId !== null && customer.remoteId !== '' && !isNamedCustomer(customer);
}

/** The details an order says of its customer (its name from `customers.nameTemplate`, its delivery address too), as one comparable string. */
export function customerDetailsKey(customer: DocumentCustomer): string {
  const place = (a: DocumentCustomer['billingAddress']) => [a.firstName, a.lastName, a.street1, a.street2, a.city, a.state, a.zip, a.countryIso2];
  const d = customer.deliveryAddress;
  return JSON.stringify([
    customer.displayName, customer.email?.toLowerCase() ?? null, customer.phone, customer.company,
    ...place(customer.billingAddress), ...(d ? place(d) : []),
  ]);
}

/**
 * Does `current` (a remote record) already hold everything `wanted` (the fields a write would send) says? Objects
 * are compared on the wanted keys only, arrays element by element (each wanted element found in the current list),
 * strings trimmed and, for addresses of mail, case-insensitively.
 */
export function holds(current: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(current) && wanted.every((w) => current.some((c) => holds(c, w)));
  if (wanted !== null && typeof wanted === 'object') {
    if (current === null || typeof current !== 'object') return false;
    return Object.entries(wanted).every(([k, v]) => holds((current as Record<string, unknown>)[k], v));
  }
  const norm = (v: unknown) => {
    const s = String(v ?? '').trim();
    return s.includes('@') ? s.toLowerCase() : s;
  };
  return norm(current) === norm(wanted);
}

/** Details last found current, per tenant and customer; bounded, process-wide. */
export class SentDetails {
  private readonly seen = new Map<string, string>();
  constructor(private readonly max = 50_000) {}

  isCurrent(tenant: string, customer: DocumentCustomer & { remoteId: string }): boolean {
    return this.seen.get(`${tenant}:${customer.remoteId}`) === customerDetailsKey(customer);
  }

  remember(tenant: string, customer: DocumentCustomer & { remoteId: string }): void {
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.set(`${tenant}:${customer.remoteId}`, customerDetailsKey(customer));
  }
}
