/**
 * Delivery addresses (issue 16): when an order ships somewhere other than its billing address, the document carries
 * the delivery address where the accounting system has one (QuickBooks: the form's ShipAddr; Xero: the contact's
 * STREET address, as Xero's invoices have none; the built-in ledger: the document it keeps), and, with
 * `customers.shippingNameContact` (Saasu's rule), an order shipped to another person by name goes to a customer of
 * that person's own. Pure: the builder and the providers call these.
 */
import type { PostalAddress, SalesDocument, ShippingContact } from './sales-document';

const norm = (v: string) => v.replace(/\s+/g, ' ').trim().toLowerCase();

/** First and last name of an address, spaces collapsed. */
export function personNameOf(a: Pick<PostalAddress, 'firstName' | 'lastName'>): string {
  return `${a.firstName} ${a.lastName}`.replace(/\s+/g, ' ').trim();
}

/** Same place: street, city, state, postcode and country, compared without case and extra spaces. */
export function samePlace(a: PostalAddress, b: PostalAddress): boolean {
  const key = (x: PostalAddress) => [x.street1, x.street2, x.city, x.state, x.zip, x.countryIso2 || x.country].map(norm).join('|');
  return key(a) === key(b);
}

/** The shipping address names someone else: a name is given and it is not the billing name (case and spaces aside). */
export function shipsToAnotherPerson(billing: PostalAddress, shipping: PostalAddress): boolean {
  const name = norm(personNameOf(shipping));
  return name !== '' && name !== norm(personNameOf(billing));
}

/** The address the order is delivered to when it is not the billing address (another place or another person); else null. */
export function deliveryAddressFor(billing: PostalAddress, shipping: PostalAddress | undefined): PostalAddress | null {
  if (!shipping || !(shipping.street1.trim() || shipping.city.trim() || shipping.zip.trim())) return null;
  return samePlace(billing, shipping) && !shipsToAnotherPerson(billing, shipping) ? null : shipping;
}

/** The document's delivery address: its first shipping address, when that is not the customer's billing address. */
export function deliveryAddressOf(document: Pick<SalesDocument, 'customer' | 'shippingContacts'>): ShippingContact | null {
  const first = document.shippingContacts[0];
  return first && deliveryAddressFor(document.customer.billingAddress, first) ? first : null;
}

/** An address on one line, as the order's page shows it: "Grace Hopper, Navy Yard, 1 Dock St, Arlington, VA 22201, United States". */
export function addressLine(a: PostalAddress): string {
  const place = [a.state, a.zip].map((v) => v.trim()).filter(Boolean).join(' ');
  return [personNameOf(a), a.company, a.street1, a.street2, a.city, place, a.country]
    .map((v) => v.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(', ');
}
