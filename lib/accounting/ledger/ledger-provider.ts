/**
 * The built-in ledger: a double-entry book per store in Postgres, behind the AccountingProvider interface.
 * Each posting is written by one statement (shared with concurrent postings, see posting-writer.ts); the
 * unique (store_hash, posting_key) index makes a second post with the same key return the first entry, also
 * under concurrency and across processes.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { currencyScale } from '@/lib/money';
import { ledgerAccounts, ledgerCustomers, ledgerEntries, ledgerItems, ledgerLines, ledgerStock } from '@/db/schema/ledger';
import { keepsDetailsCurrent, SentDetails } from '@/lib/sync/customer-details';
import type { DocumentCustomer, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import type { DailySummary } from '@/lib/sync/summary/daily-summary';
import {
  fail,
  ok,
  type AccountingProvider,
  type ChartDescription,
  type CreditNoteInput,
  type CustomerQuery,
  type ItemRules,
  type ItemWrite,
  type Outcome,
  type PostedDocument,
  type PostedDocumentRef,
  type ProviderLimits,
  type RemoteCustomer,
  type RemoteItem,
  type StockLevel,
  type WrittenItem,
} from '@/lib/sync/provider';
import { DEFAULT_CHART } from './chart';
import { listLedgerDocuments, listLedgerPayments } from './documents';
import { assertBalanced, creditNoteJournal, documentJournal, paymentJournal, payoutJournal, summaryJournal, type JournalLine } from './journal';
import { DEFAULT_LOCATION, postingQueueFor, type PostingEntry } from './posting-writer';

export interface LedgerDeps {
  db: Db;
  storeHash: string;
}

export const LEDGER_LIMITS: ProviderLimits = {
  batchSize: 1,
  callsPerMinute: null,
  concurrency: 8,
  callsPerDay: null,
  documentNumberMaxLength: 64,
  customerNameMaxLength: 200,
  idempotencyKeyMaxLength: 200,
  documentKinds: ['invoice', 'sales_receipt', 'sales_order'],
};

export interface LedgerProvider extends AccountingProvider {
  /** Creates the default chart of accounts if the store has none (idempotent). */
  ensureChart(): Promise<void>;
  /** Adds an account to the chart (idempotent by code). */
  addAccount(account: { code: string; name: string; type: 'asset' | 'liability' | 'equity' | 'income' | 'expense' }): Promise<void>;
  /** Creates or renames an item by SKU (details given are set, others left as they are); returns it. */
  upsertItem(item: LedgerItemInput): Promise<RemoteItem>;
  /** Stock receipt or count: sets the absolute quantity on hand at a location. */
  setStock(sku: string, quantity: string, locationId?: number): Promise<Outcome<StockLevel>>;
}

export interface LedgerItemInput {
  sku: string;
  name: string;
  unitCost?: string | null;
  description?: string;
  unitPrice?: string | null;
  salesAccountCode?: string | null;
  trackStock?: boolean;
}

/** Text columns: the ledger takes what BigCommerce allows (SKU and name ≤ 255). */
export const LEDGER_ITEM_RULES: ItemRules = { skuMaxLength: 255, nameMaxLength: 255, descriptionMaxLength: 65_535, trackingNeedsAccounts: false };

const toRemoteItem = (r: typeof ledgerItems.$inferSelect): RemoteItem => ({ id: String(r.id), sku: r.sku, name: r.name, description: r.description, unitPrice: r.unitPrice });

/**
 * Chart codes per store, shared by the provider instances of one database handle (a provider is built per
 * job). A code missing from the cache is looked up again before a posting is refused, so accounts added by
 * another process are found; an account with lines cannot be deleted, and a posting to an unused account
 * deleted since is refused by the database's own check (drizzle/0010).
 */
const charts = new WeakMap<Db, Map<string, Promise<Map<string, { name: string; type: string }>>>>();

/**
 * Customers already written, per database handle: the key holds every field an upsert writes, so a changed
 * email, company or phone is written again. Ledger customers are never deleted.
 */
const knownCustomers = new WeakMap<Db, Map<string, number>>();
/** Matched customers' details last found current (lib/sync/customer-details.ts). */
const sentDetails = new SentDetails();
const KNOWN_CUSTOMERS_MAX = 50_000;

export function createLedgerProvider({ db, storeHash }: LedgerDeps): LedgerProvider {
  const queue = postingQueueFor(db);
  const storeCharts = charts.get(db) ?? new Map<string, Promise<Map<string, { name: string; type: string }>>>();
  charts.set(db, storeCharts);
  const customerIds = knownCustomers.get(db) ?? new Map<string, number>();
  knownCustomers.set(db, customerIds);

  async function readChart() {
    await db
      .insert(ledgerAccounts)
      .values(DEFAULT_CHART.map((a) => ({ storeHash, code: a.code, name: a.name, type: a.type, isSystem: true })))
      .onConflictDoNothing();
    const rows = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.storeHash, storeHash));
    return new Map(rows.map((r) => [r.code, { name: r.name, type: r.type }]));
  }

  function loadChart(fresh = false) {
    let chart = storeCharts.get(storeHash);
    if (!chart || fresh) {
      chart = readChart();
      storeCharts.set(storeHash, chart);
      chart.catch(() => storeCharts.delete(storeHash));
    }
    return chart;
  }

  async function unknownAccounts(lines: readonly JournalLine[]): Promise<string[]> {
    const codes = [...new Set(lines.map((l) => l.accountCode))];
    let accounts = await loadChart();
    if (codes.some((c) => !accounts.has(c))) accounts = await loadChart(true);
    return codes.filter((c) => !accounts.has(c));
  }

  /** The application half of the rules (key length, balance, known accounts); the database has its own. */
  async function refuse(key: string, lines: readonly JournalLine[]): Promise<Outcome<never> | null> {
    if (key.length === 0 || key.length > LEDGER_LIMITS.idempotencyKeyMaxLength) {
      return fail({ kind: 'validation', message: `Posting key must be 1–${LEDGER_LIMITS.idempotencyKeyMaxLength} characters.` });
    }
    assertBalanced(lines, key);
    const missing = await unknownAccounts(lines);
    if (missing.length) {
      return fail({ kind: 'validation', message: `Account ${missing.join(', ')} does not exist in the built-in ledger. Add it or change the mapping in Settings.`, fields: missing.map((m) => ({ field: 'account', message: m })) });
    }
    return null;
  }

  /**
   * Writes an entry with its lines and effects (one statement, shared with concurrent postings of this
   * process), or returns the entry already posted under the key.
   */
  async function postEntry(
    entry: Omit<PostingEntry, 'status' | 'reversesEntryId' | 'document'> & Partial<Pick<PostingEntry, 'status' | 'reversesEntryId' | 'document'>>,
    lines: readonly JournalLine[],
    key: string,
    scale: number,
    effects: { stock?: Map<number, number>; markOriginal?: { id: number; status: 'voided' | 'unposted' } } = {},
  ): Promise<Outcome<{ id: number; number: string; created: boolean }>> {
    const refused = await refuse(key, lines);
    if (refused) return refused;
    const result = await queue.post({
      storeHash, key, lines, scale, stock: effects.stock, markOriginal: effects.markOriginal,
      entry: { status: 'posted', reversesEntryId: null, document: null, ...entry },
    });
    if (result.kind !== 'posted') throw new Error(`posting ${key} has no original entry yet was written as a payment`);
    return ok({ id: result.id, number: result.number, created: result.created });
  }

  /** Stock deltas of a summary's items: sign -1 for the day's sales, +1 for their reversal. */
  function summaryStock(summary: DailySummary, sign: 1 | -1): Map<number, number> {
    const moves = new Map<number, number>();
    for (const item of summary.items) if (/^\d+$/.test(item.itemId)) moves.set(Number(item.itemId), sign * Number(item.quantity));
    return moves;
  }

  /** Stock deltas of a document's item lines: sign -1 for a sale, +1 for a reversal. */
  function stockMoves(doc: SalesDocument, sign: 1 | -1): Map<number, number> {
    const moves = new Map<number, number>();
    for (const line of doc.lines) {
      if (line.kind !== 'product' || line.itemId === null || !/^\d+$/.test(line.itemId)) continue;
      moves.set(Number(line.itemId), (moves.get(Number(line.itemId)) ?? 0) + sign * Number(line.quantity));
    }
    return moves;
  }

  async function resolveCustomer(c: DocumentCustomer): Promise<number> {
    if (c.remoteId !== null && /^\d+$/.test(c.remoteId)) {
      if (keepsDetailsCurrent(c) && !sentDetails.isCurrent(`ledger:${storeHash}`, c)) {
        await keepCustomerCurrent(c);
        sentDetails.remember(`ledger:${storeHash}`, c);
      }
      return Number(c.remoteId);
    }
    const cacheKey = JSON.stringify([storeHash, c.bcCustomerId, c.displayName, c.email?.toLowerCase() ?? null, c.company, c.phone]);
    const cached = customerIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const upserted = await upsertCustomerRow(c);
    if (customerIds.size >= KNOWN_CUSTOMERS_MAX) customerIds.clear();
    customerIds.set(cacheKey, Number(upserted.remoteId));
    return Number(upserted.remoteId);
  }

  /** A matched customer takes the order's name, email, company, phone and billing address when they differ (one statement). */
  async function keepCustomerCurrent(c: DocumentCustomer & { remoteId: string }): Promise<void> {
    const details = { email: c.email?.toLowerCase() ?? null, company: c.company, phone: c.phone, address: { ...c.billingAddress } as Record<string, string> };
    const where = (withName: boolean) => and(
      eq(ledgerCustomers.storeHash, storeHash), eq(ledgerCustomers.id, Number(c.remoteId)),
      sql`(${ledgerCustomers.email}, ${ledgerCustomers.company}, ${ledgerCustomers.phone}, ${ledgerCustomers.address}${withName ? sql`, ${ledgerCustomers.displayName}` : sql``})
        is distinct from (${details.email}, ${details.company}, ${details.phone}, ${JSON.stringify(details.address)}::jsonb${withName ? sql`, ${c.displayName}` : sql``})`,
    );
    try {
      await db.update(ledgerCustomers).set({ ...details, displayName: c.displayName }).where(where(true));
    } catch (error) {
      // The name is another customer's (names are unique per book): the details still change, the name stays.
      if (!isUniqueViolation(error)) throw error;
      await db.update(ledgerCustomers).set(details).where(where(false));
    }
  }

  async function upsertCustomerRow(c: DocumentCustomer): Promise<RemoteCustomer> {
    const email = c.email?.toLowerCase() ?? null;
    const values = {
      storeHash, bcCustomerId: c.bcCustomerId, email, displayName: c.displayName, company: c.company, phone: c.phone,
      address: { ...c.billingAddress } as Record<string, string>,
    };
    const toRemote = (r: { id: number; displayName: string; email: string | null; bcCustomerId: number | null }): RemoteCustomer => ({
      remoteId: String(r.id), displayName: r.displayName, email: r.email, bcCustomerId: r.bcCustomerId,
    });
    const returning = { id: ledgerCustomers.id, displayName: ledgerCustomers.displayName, email: ledgerCustomers.email, bcCustomerId: ledgerCustomers.bcCustomerId };
    if (c.remoteId !== null) {
      // A customer from the store's list has no address: the one an order gave it stays.
      const address = c.billingAddress.street1 || c.billingAddress.city ? { address: values.address } : {};
      const [row] = await db.update(ledgerCustomers).set({ email, company: c.company, phone: c.phone, ...(c.bcCustomerId !== null ? { bcCustomerId: c.bcCustomerId } : {}), ...address })
        .where(and(eq(ledgerCustomers.storeHash, storeHash), eq(ledgerCustomers.id, Number(c.remoteId)))).returning(returning);
      if (row) return toRemote(row);
    }
    // Display names are unique per book (as in QuickBooks and Xero); a clash with another customer gets a suffix.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const name = attempt === 0 ? c.displayName : `${c.displayName} (${c.bcCustomerId ?? email ?? attempt}${attempt > 1 ? `-${attempt}` : ''})`;
      const target = c.bcCustomerId !== null ? [ledgerCustomers.storeHash, ledgerCustomers.bcCustomerId] : [ledgerCustomers.storeHash, ledgerCustomers.displayName];
      try {
        const [row] = await db.insert(ledgerCustomers).values({ ...values, displayName: name })
          // A shipping recipient found by name is someone's own customer: found, never rewritten by another's order.
          .onConflictDoUpdate({ target, set: c.match === 'recipient' ? { displayName: c.displayName } : { email, company: c.company, phone: c.phone } })
          .returning(returning);
        if (row) return toRemote(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new Error(`could not create a customer named ${c.displayName}`);
  }

  const provider: LedgerProvider = {
    id: 'ledger',
    displayName: 'the built-in ledger',
    limits: LEDGER_LIMITS,

    async ensureChart() {
      await loadChart(true);
    },

    async addAccount(account) {
      await db.insert(ledgerAccounts).values({ storeHash, ...account }).onConflictDoNothing();
      storeCharts.delete(storeHash);
    },

    listDocuments(range) {
      return listLedgerDocuments(db, storeHash, range);
    },

    listPayments(range) {
      return listLedgerPayments(db, storeHash, range);
    },

    async testConnection() {
      await loadChart();
      return ok({ organisationName: `Built-in ledger (${storeHash})`, baseCurrency: '' });
    },

    async describe(): Promise<Outcome<ChartDescription>> {
      const accounts = await loadChart();
      const items = await db.select().from(ledgerItems).where(eq(ledgerItems.storeHash, storeHash));
      const paymentCodes = new Set(DEFAULT_CHART.filter((a) => a.payment).map((a) => a.code));
      const list = [...accounts].map(([code, a]) => ({ code, name: a.name, type: a.type as 'asset', isPaymentAccount: paymentCodes.has(code) }));
      return ok({
        accounts: list,
        taxCodes: [],
        paymentAccounts: list.filter((a) => a.isPaymentAccount),
        items: items.map(toRemoteItem),
      });
    },

    async findCustomer(query: CustomerQuery) {
      const conditions = [];
      if (query.remoteId) conditions.push(eq(ledgerCustomers.id, Number(query.remoteId)));
      if (query.bcCustomerId != null) conditions.push(eq(ledgerCustomers.bcCustomerId, query.bcCustomerId));
      if (query.email) conditions.push(eq(ledgerCustomers.email, query.email.toLowerCase()));
      if (conditions.length === 0) return ok([]);
      const rows = await db.select().from(ledgerCustomers)
        .where(and(eq(ledgerCustomers.storeHash, storeHash), sql.join(conditions.map((c) => sql`(${c})`), sql` or `)));
      return ok(rows.map((r) => ({ remoteId: String(r.id), displayName: r.displayName, email: r.email, bcCustomerId: r.bcCustomerId })));
    },

    async upsertCustomer(customer) {
      return ok(await upsertCustomerRow(customer));
    },

    async findItemsBySku(skus) {
      if (skus.length === 0) return ok([]);
      const rows: Array<typeof ledgerItems.$inferSelect> = [];
      const list = [...new Set(skus)];
      for (let i = 0; i < list.length; i += 5000) {
        rows.push(...(await db.select().from(ledgerItems).where(and(eq(ledgerItems.storeHash, storeHash), inArray(ledgerItems.sku, list.slice(i, i + 5000))))));
      }
      return ok(rows.map(toRemoteItem));
    },

    async upsertItem(item) {
      const details = {
        ...(item.unitCost !== undefined ? { unitCost: item.unitCost } : {}),
        ...(item.description !== undefined ? { description: item.description } : {}),
        ...(item.unitPrice !== undefined ? { unitPrice: item.unitPrice } : {}),
        ...(item.salesAccountCode !== undefined ? { salesAccountCode: item.salesAccountCode } : {}),
        ...(item.trackStock !== undefined ? { trackStock: item.trackStock } : {}),
      };
      const [row] = await db.insert(ledgerItems).values({ storeHash, sku: item.sku, name: item.name, ...details })
        .onConflictDoUpdate({ target: [ledgerItems.storeHash, ledgerItems.sku], set: { name: item.name, ...details } })
        .returning();
      if (!row) throw new Error('upsert returned no row');
      return toRemoteItem(row);
    },

    itemRules: LEDGER_ITEM_RULES,

    async upsertItems(writes: readonly ItemWrite[]): Promise<Array<Outcome<WrittenItem>>> {
      const results: Array<Outcome<WrittenItem>> = new Array(writes.length);
      const creates = writes.flatMap((w, index) => (w.kind === 'create' ? [{ w, index }] : []));
      for (let i = 0; i < creates.length; i += 1000) {
        const part = creates.slice(i, i + 1000);
        // A SKU created meanwhile (another import, a stock count) is left as it is: creating never overwrites.
        const inserted = await db.insert(ledgerItems)
          .values(part.map(({ w }) => ({
            storeHash, sku: w.sku, name: w.name, description: w.description, unitPrice: w.unitPrice, salesAccountCode: w.salesAccount, trackStock: w.tracked,
          })))
          .onConflictDoNothing()
          .returning();
        const created = new Map(inserted.map((r) => [r.sku, r]));
        const others = part.filter(({ w }) => !created.has(w.sku)).map(({ w }) => w.sku);
        const existing = others.length
          ? new Map((await db.select().from(ledgerItems).where(and(eq(ledgerItems.storeHash, storeHash), inArray(ledgerItems.sku, others)))).map((r) => [r.sku, r]))
          : new Map<string, typeof ledgerItems.$inferSelect>();
        for (const { w, index } of part) {
          const row = created.get(w.sku) ?? existing.get(w.sku);
          results[index] = row
            ? ok({ id: String(row.id), sku: row.sku, created: created.has(w.sku), tracked: row.trackStock })
            : fail({ kind: 'not_found', message: `Item ${w.sku} could not be created in the built-in ledger.` });
        }
      }
      for (const [index, w] of writes.entries()) {
        if (w.kind !== 'update') continue;
        const set = {
          ...(w.name !== undefined ? { name: w.name } : {}),
          ...(w.description !== undefined ? { description: w.description } : {}),
          ...(w.unitPrice !== undefined ? { unitPrice: w.unitPrice } : {}),
        };
        const [row] = Object.keys(set).length
          ? await db.update(ledgerItems).set(set).where(and(eq(ledgerItems.storeHash, storeHash), eq(ledgerItems.sku, w.sku))).returning()
          : await db.select().from(ledgerItems).where(and(eq(ledgerItems.storeHash, storeHash), eq(ledgerItems.sku, w.sku)));
        results[index] = row
          ? ok({ id: String(row.id), sku: row.sku, created: false, tracked: row.trackStock })
          : fail({ kind: 'not_found', message: `No item with SKU ${w.sku} in the built-in ledger.` });
      }
      return results;
    },

    async setStock(sku, quantity, locationId = DEFAULT_LOCATION) {
      const [item] = await db.select().from(ledgerItems).where(and(eq(ledgerItems.storeHash, storeHash), eq(ledgerItems.sku, sku)));
      if (!item) return fail({ kind: 'not_found', message: `No item with SKU ${sku} in the built-in ledger.` });
      await db.insert(ledgerStock).values({ itemId: item.id, locationId, storeHash, quantity })
        .onConflictDoUpdate({ target: [ledgerStock.itemId, ledgerStock.locationId], set: { quantity, updatedAt: sql`now()` } });
      return ok({ sku, locationId, quantity });
    },

    async postDocument(doc, idempotencyKey): Promise<Outcome<PostedDocument>> {
      if (doc.number.length > LEDGER_LIMITS.documentNumberMaxLength) {
        return fail({ kind: 'validation', message: `Document number ${doc.number} is longer than ${LEDGER_LIMITS.documentNumberMaxLength} characters.` });
      }
      const customerId = await resolveCustomer(doc.customer);
      const posted = doc.kind !== 'sales_order';
      const result = await postEntry(
        {
          kind: doc.kind, status: posted ? 'posted' : 'unposted', orderId: doc.source.orderId, number: doc.number, date: doc.date,
          currency: doc.currency.code, exchangeRate: doc.currency.exchangeRate, description: `${doc.reference} ${doc.customer.displayName}`,
          customerId, document: doc,
        },
        documentJournal(doc),
        idempotencyKey,
        doc.currency.scale,
        posted ? { stock: stockMoves(doc, -1) } : {},
      );
      if (!result.ok) return result;
      return ok({ remoteId: String(result.value.id), number: result.value.number, created: result.value.created });
    },

    async recordPayment(document: PostedDocumentRef, payment: DocumentPayment, idempotencyKey) {
      // One statement: the payment takes its order, currency, rate and customer from the document's entry,
      // provided that entry carries the caller's number and its currency needs no rounding of the amount.
      // Otherwise (an unusual caller) the entry is read first, as the other kinds of posting do.
      if (/^\d+$/.test(document.remoteId)) {
        const places = /\.(\d+)$/.exec(payment.amount)?.[1]?.length ?? 0;
        const lines = paymentJournal(payment, places, document.number);
        const refused = await refuse(idempotencyKey, lines);
        if (refused) return refused;
        const result = await queue.post({
          storeHash, key: idempotencyKey, lines, scale: places,
          from: { entryId: Number(document.remoteId), number: document.number, places },
          entry: {
            kind: 'payment', status: 'posted', orderId: null, number: `${document.number}-PAY`, date: payment.date, currency: '', exchangeRate: '1',
            description: `Payment ${payment.method} for ${document.number}`, customerId: null, reversesEntryId: null, document: null,
          },
        });
        if (result.kind === 'posted') return ok({ remoteId: String(result.id), created: result.created });
      }
      const original = await loadEntry(document.remoteId);
      if (!original) return fail({ kind: 'not_found', message: `Document ${document.number} is not in the built-in ledger.` });
      const scale = (original.document as SalesDocument | null)?.currency.scale ?? 2;
      const result = await postEntry(
        { kind: 'payment', orderId: original.orderId, number: `${original.number}-PAY`, date: payment.date, currency: original.currency,
          exchangeRate: original.exchangeRate, description: `Payment ${payment.method} for ${original.number}`, customerId: original.customerId, reversesEntryId: null },
        paymentJournal(payment, scale, original.number),
        idempotencyKey,
        scale,
      );
      return result.ok ? ok({ remoteId: String(result.value.id), created: result.value.created }) : result;
    },

    async voidDocument(document, idempotencyKey) {
      const original = await loadEntry(document.remoteId);
      if (!original) return fail({ kind: 'not_found', message: `Document ${document.number} is not in the built-in ledger.` });
      const lines = await db.select().from(ledgerLines).where(eq(ledgerLines.entryId, original.id));
      const stored = original.document as (SalesDocument | { summary: DailySummary }) | null;
      const summary = stored && 'summary' in stored ? stored.summary : null;
      const doc = summary ? null : (stored as SalesDocument | null);
      const scale = summary?.scale ?? doc?.currency.scale ?? 2;
      const factor = 10n ** BigInt(scale);
      // Reverse every line of the original; the original stays in the book, marked voided.
      const reversal: JournalLine[] = lines.map((l) => ({
        accountCode: l.accountCode, amount: -toUnits(l.amount, scale, factor), description: `Void: ${l.description}`,
        itemId: l.itemId, quantity: l.quantity, taxCode: l.taxCode, sourceId: l.sourceId,
      }));
      const result = await postEntry(
        { kind: 'void', orderId: original.orderId, number: `${original.number}-VOID`, date: new Date().toISOString().slice(0, 10),
          currency: original.currency, exchangeRate: original.exchangeRate, description: `Void ${original.number}`, customerId: original.customerId,
          reversesEntryId: original.id, status: original.status === 'unposted' ? 'unposted' : 'posted' },
        reversal,
        idempotencyKey,
        scale,
        {
          markOriginal: { id: original.id, status: original.status === 'unposted' ? 'unposted' : 'voided' },
          stock: original.status !== 'posted' ? undefined : summary ? summaryStock(summary, 1) : doc ? stockMoves(doc, 1) : undefined,
        },
      );
      return result.ok ? ok({ remoteId: String(result.value.id), created: result.value.created }) : result;
    },

    async updateDocument(document, next, idempotencyKey) {
      // A journal is never rewritten: the previous version is reversed (and stays in the book, marked voided) and
      // the new one posted, each under its own key. Only for documents nothing was paid or credited on: the
      // pipeline books an adjustment for the others.
      const voided = await provider.voidDocument(document, `${idempotencyKey}:reverse`);
      if (!voided.ok) return voided;
      return provider.postDocument(next, idempotencyKey);
    },

    // A journal entry either way (`posting.summaryDocument` changes nothing here): the ledger has no sales documents.
    summaryDocuments: ['sales', 'journal'],

    async postSummary(input) {
      const { summary } = input;
      if (input.number.length > LEDGER_LIMITS.documentNumberMaxLength) {
        return fail({ kind: 'validation', message: `Summary number ${input.number} is longer than ${LEDGER_LIMITS.documentNumberMaxLength} characters.` });
      }
      // A journal is never rewritten: the summary posted earlier for the day is reversed (and stays, marked voided).
      if (input.replaces) {
        const voided = await provider.voidDocument(input.replaces, `${input.idempotencyKey}:reverse`);
        if (!voided.ok) return voided;
      }
      const customerId = await resolveCustomer(input.customer);
      const result = await postEntry(
        {
          kind: 'summary', orderId: null, number: input.number, date: summary.key.date, currency: summary.key.currency, exchangeRate: summary.exchangeRate,
          description: input.description, customerId, document: { summary },
        },
        summaryJournal(summary, input.number),
        input.idempotencyKey,
        summary.scale,
        { stock: summaryStock(summary, -1) },
      );
      if (!result.ok) return result;
      return ok({ remoteId: String(result.value.id), number: result.value.number, created: result.value.created });
    },

    async payOut(credit, payment, idempotencyKey) {
      const original = await loadEntry(credit.remoteId);
      if (!original) return fail({ kind: 'not_found', message: `Credit note ${credit.number} is not in the built-in ledger.` });
      const scale = currencyScale(original.currency);
      const result = await postEntry(
        { kind: 'payout', orderId: original.orderId, number: `${original.number}-OUT`, date: payment.date, currency: original.currency,
          exchangeRate: original.exchangeRate, description: `Refund paid (${payment.method}) for ${original.number}`, customerId: original.customerId, reversesEntryId: null },
        payoutJournal(payment, scale, original.number),
        idempotencyKey,
        scale,
      );
      return result.ok ? ok({ remoteId: String(result.value.id), created: result.value.created }) : result;
    },

    async postCreditNote(input: CreditNoteInput, idempotencyKey) {
      const original = await loadEntry(input.document.remoteId);
      if (!original) return fail({ kind: 'not_found', message: `Document ${input.document.number} is not in the built-in ledger.` });
      const doc = original.document as SalesDocument | null;
      const scale = doc?.currency.scale ?? 2;
      const number = input.number;
      const result = await postEntry(
        { kind: 'credit_note', orderId: original.orderId, number, date: input.date, currency: original.currency, exchangeRate: original.exchangeRate,
          description: `Credit note for ${original.number}: ${input.reason}`, customerId: original.customerId, reversesEntryId: original.id },
        creditNoteJournal(input.lines, scale, number),
        idempotencyKey,
        scale,
        doc ? { stock: stockMoves({ ...doc, lines: input.lines }, 1) } : {},
      );
      return result.ok ? ok({ remoteId: String(result.value.id), number: result.value.number, created: result.value.created }) : result;
    },

    async stockLevels(skus, locationIds) {
      if (skus.length === 0) return ok([]);
      const rows = await db
        .select({ sku: ledgerItems.sku, locationId: ledgerStock.locationId, quantity: ledgerStock.quantity })
        .from(ledgerItems)
        .innerJoin(ledgerStock, eq(ledgerStock.itemId, ledgerItems.id))
        .where(and(
          eq(ledgerItems.storeHash, storeHash),
          inArray(ledgerItems.sku, [...skus]),
          locationIds?.length ? inArray(ledgerStock.locationId, [...locationIds]) : undefined,
        ));
      return ok(rows.map((r) => ({ sku: r.sku, locationId: r.locationId, quantity: r.quantity })));
    },
  };

  async function loadEntry(remoteId: string) {
    if (!/^\d+$/.test(remoteId)) return undefined;
    const [row] = await db.select().from(ledgerEntries).where(and(eq(ledgerEntries.storeHash, storeHash), eq(ledgerEntries.id, Number(remoteId))));
    return row;
  }

  return provider;
}

/** numeric(19,4) string → minor units at `scale` (exact: amounts were written at that scale). */
function toUnits(value: string, scale: number, factor: bigint): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const units = BigInt(whole) * factor + BigInt((fraction + '0'.repeat(scale)).slice(0, scale) || '0');
  return negative ? -units : units;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
