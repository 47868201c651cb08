/**
 * `customers import`: the store's customer list (BigCommerce GET /v3/customers) as customers in the books. Pure: the
 * BigCommerce customers and what the books hold for them (by BigCommerce id, or by email when the settings match by
 * email) become a plan of customers to create, to update (to link to their BigCommerce id, or a changed email) and to leave alone.
 */
import type { DocumentCustomer, PostalAddress } from './sales-document';
import type { SyncSettings } from './settings';
import { customerNameFrom, DEFAULT_CUSTOMER_NAME } from './templates';
import type { RemoteCustomer } from './provider';

export interface StoreCustomer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  phone: string;
}

export interface CustomerChange {
  /** `link`: a customer found by email gets the shopper's BigCommerce id (its reference in the books). */
  field: 'link' | 'email';
  from: string | null;
  to: string | null;
}

export interface CustomersImportPlan {
  create: DocumentCustomer[];
  update: Array<{ customer: DocumentCustomer & { remoteId: string }; changes: CustomerChange[] }>;
  /** Already in the books, linked, with the same email. */
  unchanged: DocumentCustomer[];
}

/** The customer a BigCommerce customer is in the books, as posting an order of theirs would make it. */
export function storeCustomerAsDocumentCustomer(c: StoreCustomer, remote: RemoteCustomer | null, maxName = 100, nameTemplate = DEFAULT_CUSTOMER_NAME): DocumentCustomer {
  const first = c.firstName.trim();
  const last = c.lastName.trim();
  const email = c.email.trim() || null;
  // Named by `customers.nameTemplate`, as their orders' customers are.
  const person = customerNameFrom(nameTemplate, { firstName: first, lastName: last, company: c.company });
  const name = (person || c.company.trim() || email || `BigCommerce customer ${c.id}`).slice(0, maxName);
  const billingAddress: PostalAddress = {
    firstName: first, lastName: last, company: c.company.trim(), street1: '', street2: '', city: '', state: '', zip: '', country: '', countryIso2: '',
    phone: c.phone.trim(), email: email ?? '',
  };
  return {
    match: remote === null ? 'new' : remote.bcCustomerId === c.id ? 'linked' : 'email',
    remoteId: remote?.remoteId ?? null,
    bcCustomerId: c.id,
    // A customer found by email keeps the name the books know it by, as posting does.
    displayName: remote !== null && remote.bcCustomerId !== c.id ? remote.displayName : name,
    email, company: c.company.trim(), phone: c.phone.trim(), billingAddress,
  };
}

/**
 * `found(c)`: what the books hold for a store customer (its own by id first, else by email when the settings allow and
 * that customer is no other shopper's). Customers without an id (0) are guests and never imported.
 */
export function planCustomersImport(
  customers: readonly StoreCustomer[],
  found: (c: StoreCustomer) => readonly RemoteCustomer[],
  settings: Pick<SyncSettings, 'customers'>,
  maxName = 100,
): CustomersImportPlan {
  const plan: CustomersImportPlan = { create: [], update: [], unchanged: [] };
  for (const c of customers) {
    if (c.id <= 0) continue;
    const candidates = found(c);
    const email = c.email.trim().toLowerCase();
    const remote = candidates.find((r) => r.bcCustomerId === c.id)
      ?? (settings.customers.matchByEmail && email ? candidates.find((r) => r.bcCustomerId === null && r.email?.toLowerCase() === email) : undefined)
      ?? null;
    const customer = storeCustomerAsDocumentCustomer(c, remote, maxName, settings.customers.nameTemplate);
    if (remote === null) {
      plan.create.push(customer);
      continue;
    }
    // The name in the books stays (unique there, and the accountant's to change), as when an order keeps it current.
    const changes: CustomerChange[] = [];
    if (remote.bcCustomerId !== c.id) changes.push({ field: 'link', from: null, to: String(c.id) });
    if ((remote.email?.toLowerCase() ?? null) !== (customer.email?.toLowerCase() ?? null)) changes.push({ field: 'email', from: remote.email, to: customer.email });
    if (changes.length === 0) plan.unchanged.push(customer);
    else plan.update.push({ customer: { ...customer, remoteId: remote.remoteId }, changes });
  }
  return plan;
}
