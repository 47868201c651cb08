/**
 * What a live order looks up in Xero, kept per organisation for the whole process so that posting an order costs
 * the invoice and its payment and nothing else (issue 14: at most 2 calls per live order): the contact directory
 * and the item list. Both are read once; after that only a lookup that misses reads again, and not more than once
 * per `maxAgeMs` (five Xero minutes): contacts incrementally with `If-Modified-Since` (archived ones included, so
 * they drop out), items in full (Xero lists every item in one call, and a deleted item would not show up as
 * modified). Within that window a contact or SKU the lists do not hold is taken as absent: a contact created in Xero
 * by hand in the last minutes may be created a second time under a unique name, an item created there in the last
 * minutes is left off the line (rare; the merchant merges or re-posts). The contacts we create are added as soon as
 * Xero confirms them. Refreshes are single-flight.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#http-headers (If-Modified-Since)
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import { ContactDirectory, type ContactDeps } from './contacts';
import type { XeroApi } from './http';
import { getItems } from './items';
import type { XeroItem } from './wire';

/** Xero's UpdatedDateUTC is its clock, not ours: ask again for a little before the last read began. */
const OVERLAP_MS = 5 * 60_000;

export class OrganisationLists {
  readonly contacts = new ContactDirectory();
  readonly items = new Map<string, XeroItem>();
  private contactsReadFrom: number | null = null;
  private contactsCheckedAt = -Infinity;
  private itemsCheckedAt = -Infinity;
  private contactsInflight: Promise<Outcome<void>> | null = null;
  private itemsInflight: Promise<Outcome<void>> | null = null;
  /** Reads made, for tests and the benchmark. */
  readonly reads = { contactsFull: 0, contactsChanged: 0, items: 0 };

  constructor(private readonly options: { maxAgeMs: number; now?: () => number }) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The contact directory, current to within `maxAgeMs`. */
  freshContacts(deps: ContactDeps): Promise<Outcome<void>> {
    if (this.now() - this.contactsCheckedAt < this.options.maxAgeMs) return Promise.resolve(ok(undefined));
    this.contactsInflight ??= (async () => {
      const started = this.now();
      const since = this.contactsReadFrom === null ? undefined : new Date(this.contactsReadFrom - OVERLAP_MS);
      const read = await this.contacts.load(deps, since);
      if (!read.ok) return read;
      if (since) this.reads.contactsChanged += 1;
      else this.reads.contactsFull += 1;
      this.contactsReadFrom = started;
      this.contactsCheckedAt = this.now();
      return ok(undefined);
    })().finally(() => {
      this.contactsInflight = null;
    });
    return this.contactsInflight;
  }

  /** The item list, current to within `maxAgeMs`. */
  freshItems(api: XeroApi): Promise<Outcome<void>> {
    if (this.now() - this.itemsCheckedAt < this.options.maxAgeMs) return Promise.resolve(ok(undefined));
    this.itemsInflight ??= (async () => {
      const read = await getItems(api, {});
      if (!read.ok) return read;
      this.reads.items += 1;
      this.items.clear();
      for (const item of read.value) this.items.set(item.Code, item);
      this.itemsCheckedAt = this.now();
      return ok(undefined);
    })().finally(() => {
      this.itemsInflight = null;
    });
    return this.itemsInflight;
  }

  /** After the app wrote items: the next lookup reads them again. */
  itemsChanged(): void {
    this.itemsCheckedAt = -Infinity;
  }
}
