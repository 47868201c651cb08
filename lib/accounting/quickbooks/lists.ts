/**
 * What a live order looks up in QuickBooks, kept per company for the whole process, so that posting an order costs
 * its form (and, for an invoice, its payment) and nothing else (issue 14: at most 2 calls per live order):
 * customers, items (by Sku, else Name), the service items that carry shipping and fee lines, and the customer and
 * currency of the invoices just posted (their payment needs them; no read of the invoice first). Customers and items
 * are read once in pages of 1,000; after that only a lookup that misses asks again, at most once per `maxAgeMs`
 * (five QuickBooks minutes), and then only for what changed: one Change Data Capture call for both lists
 * (`GET /cdc?entities=Customer,Item&changedSince=…`, deleted and inactive ones included).
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 * Within that window a customer or SKU the lists do not hold is taken as absent: a customer the merchant created by
 * hand in the last minutes is found when creating collides on its name (6240), an item created there in the last
 * minutes is left off the line (rare; the merchant re-posts). The customers and items we create are added at once.
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import { CustomerDirectory } from './customers';
import type { QboApi } from './http';
import { skuOf } from './items';
import { customerSchema, itemSchema, queryResponse, type QboItem } from './wire';

/** QuickBooks' clock is not ours: ask again for a little before the last read began. */
const OVERLAP_MS = 5 * 60_000;
/** Invoices remembered for their payment; the oldest are forgotten first. */
const POSTED_KEPT = 2_000;

export interface PostedInvoice {
  customerId: string;
  currency: string;
  exchangeRate: string | null;
}

const itemRows = queryResponse('Item', itemSchema);

export class CompanyLists {
  readonly customers = new CustomerDirectory();
  /** Active items by Sku (or Name where an item has no Sku). */
  readonly items = new Map<string, QboItem>();
  /** Service items of line kinds (shipping, fees, …) by name → Id. */
  readonly serviceItems = new Map<string, string>();
  readonly posted = new Map<string, PostedInvoice>();
  private readFrom: number | null = null;
  private checkedAt = -Infinity;
  private inflight: Promise<Outcome<void>> | null = null;
  /** Reads made, for tests and the benchmark. */
  readonly reads = { full: 0, changes: 0 };

  constructor(private readonly options: { maxAgeMs: number; now?: () => number }) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  get loaded(): boolean {
    return this.readFrom !== null;
  }

  addItem(item: QboItem): void {
    for (const [k, v] of this.items) if (v.Id === item.Id) this.items.delete(k);
    if (item.Active !== false) this.items.set(skuOf(item), item);
  }

  rememberInvoice(remoteId: string, invoice: PostedInvoice): void {
    this.posted.set(remoteId, invoice);
    if (this.posted.size > POSTED_KEPT) this.posted.delete(this.posted.keys().next().value!);
  }

  /** Customers and items, current to within `maxAgeMs` (read in full the first time, changes after). */
  fresh(api: QboApi): Promise<Outcome<void>> {
    if (this.now() - this.checkedAt < this.options.maxAgeMs) return Promise.resolve(ok(undefined));
    this.inflight ??= (async () => {
      const started = this.now();
      const read = this.readFrom === null ? await this.readAll(api) : await this.readChanges(api, new Date(this.readFrom - OVERLAP_MS));
      if (!read.ok) return read;
      this.readFrom = started;
      this.checkedAt = this.now();
      return ok(undefined);
    })().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async readAll(api: QboApi): Promise<Outcome<void>> {
    const customers = await this.customers.load(api);
    if (!customers.ok) return customers;
    for (let start = 1; ; start += 1000) {
      const r = await api.query(`SELECT * FROM Item STARTPOSITION ${start} MAXRESULTS 1000`, 'Reading the QuickBooks items');
      if (!r.ok) return r;
      const page = itemRows.parse(r.value);
      for (const item of page) this.addItem(item);
      if (page.length < 1000) break;
    }
    this.reads.full += 1;
    return ok(undefined);
  }

  private async readChanges(api: QboApi, since: Date): Promise<Outcome<void>> {
    const r = await api.json(
      { method: 'GET', path: '/cdc', query: { entities: 'Customer,Item', changedSince: since.toISOString() } },
      'Reading what changed in QuickBooks',
    );
    if (!r.ok) return r;
    const answers = ((r.value as { CDCResponse?: Array<{ QueryResponse?: Array<Record<string, unknown>> }> }).CDCResponse ?? []).flatMap((c) => c.QueryResponse ?? []);
    for (const answer of answers) {
      for (const raw of (answer.Customer as unknown[] | undefined) ?? []) {
        const deleted = (raw as { status?: string }).status === 'Deleted';
        const parsed = customerSchema.safeParse(raw);
        if (parsed.success && !deleted) this.customers.add(parsed.data);
        else this.customers.remove((raw as { Id: string }).Id);
      }
      for (const raw of (answer.Item as unknown[] | undefined) ?? []) {
        const deleted = (raw as { status?: string }).status === 'Deleted';
        const parsed = itemSchema.safeParse(raw);
        if (parsed.success && !deleted) this.addItem(parsed.data);
        else for (const [k, v] of this.items) if (v.Id === (raw as { Id: string }).Id) this.items.delete(k);
      }
    }
    this.reads.changes += 1;
    return ok(undefined);
  }
}
