/**
 * QuickBooks Online behind the AccountingProvider port. One instance per (store, company); the connection comes in
 * through ports (tokens, realm id, fetch, URLs); nothing here reads the database or the environment.
 *
 * Exactly once: every create carries `requestid` derived from the caller's idempotency key (QuickBooks answers a
 * repeated id with the first answer), and after an uncertain outcome (timeout, dropped connection, 5xx) the form is
 * looked up by DocNumber before anything is sent again; a form found is returned as `created: false`.
 * Remote ids name the form's kind ("Invoice:130"): see refs.ts.
 */
import Big from 'big.js';
import {
  ok,
  type AccountingProvider,
  type BooksStatus,
  type ChartDescription,
  type ConnectionInfo,
  type CreditNoteInput,
  type CustomerQuery,
  type Outcome,
  type BooksDocument,
  type BooksPayment,
  type PostedDocument,
  type PostedDocumentRef,
  type RecordedPayment,
  type RemoteAccount,
  type RemoteCustomer,
  type RemoteItem,
  type StockLevel,
  type SummaryPosting,
} from '@/lib/sync/provider';
import type { DocumentCustomer, DocumentLine, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import type { TokenPort } from '../connect/tokens';
import { postDocumentsBatch, recordPaymentsBatch } from './batch';
import { quickbooksBooksStatus } from './books-status';
import { payOutsBatch, postCreditNotesBatch, type PreparedCredit } from './refund-batch';
import { readCompany, type CompanyCache, type CompanySettings } from './company';
import { QUICKBOOKS_LIMITS, QUICKBOOKS_PRODUCTION_URLS, type QuickBooksUrls } from './config';
import { CustomerDirectory, customerById, customersWhere, ensureCustomer, keepCustomerCurrent, toRemoteCustomer, updateCustomer, type CustomerDeps } from './customers';
import { CODES, errorsOf, failed, failureOf, hasCode, isUncertain, validationFailure, type QboReply } from './errors';
import { createQboApi, quoted, type QboApi } from './http';
import { ensureServiceItem, itemsBySku, QUICKBOOKS_ITEM_RULES, skuOf, toRemoteItem, upsertItems } from './items';
import {
  applyCreditBody,
  checkCurrency,
  creditBody,
  documentBody,
  entityFor,
  genericItemName,
  paymentBody,
  paymentNote,
  payoutMarker,
  payoutSkipped,
  refundReceiptBody,
  requestIdOf,
  trackingChoice,
  type Tracking,
} from './mapping';
import type { CompanyLists } from './lists';
import type { QuickBooksPacer } from './pacer';
import { parseRemoteId, pathOf, remoteIdOf, type TxnEntity } from './refs';
import { postQuickBooksSummary } from './summary';
import { postQuickBooksSummaryJournal, refuseIfPostedAsJournalEntry, summaryJournalAsDocuments, type JournalAccount } from './summary-journal';
import { accountSchema, itemSchema, namedSchema, paymentSchema, queryResponse, taxCodeSchema, taxRateSchema, txnSchema, type QboAccount, type QboItem, type QboTxn } from './wire';

export interface QuickBooksProviderDeps {
  realmId: string;
  tokens: TokenPort;
  urls?: Pick<QuickBooksUrls, 'api'>;
  fetch?: typeof fetch;
  pacer?: QuickBooksPacer;
  /** The company's settings as last read, shared by the instances built for one realm. */
  companyCache?: CompanyCache;
  /**
   * The company's customers, items and just-posted invoices, shared by every provider built for it in this process
   * (./lists.ts): a live order then costs its form and payment only. Without it each lookup is a call of its own.
   */
  lists?: CompanyLists;
  /** The posting setting's tracking choice: a Class on every line or a Department on the document, by name. */
  tracking?: { category: 'Class' | 'Department'; option: string } | null;
  /** Intuit's minute window (shorter against a time-scaled sandbox). */
  minuteMs?: number;
  timeoutMs?: number;
  /** Extra attempts after an uncertain outcome whose lookup found nothing. Default 2. */
  uncertainRetries?: number;
  retryDelayMs?: number;
  /** InvStartDate of inventory items the catalog import creates (on or before their first sale). */
  inventoryStartDate?: string;
  describeCacheMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface QuickBooksProvider extends AccountingProvider {
  readonly id: 'quickbooks';
  readonly api: QboApi;
}

/** DocNumbers tried for one document: the number, then "-2" … for versions posted after a void. */
export function numberCandidates(number: string, max = 6): string[] {
  return [number, ...Array.from({ length: max - 1 }, (_, i) => `${number}-${i + 2}`)].filter((n) => n.length <= QUICKBOOKS_LIMITS.documentNumberMaxLength);
}

const isVoided = (t: QboTxn) => (t.PrivateNote ?? '').startsWith('Voided');
const accountType = (a: QboAccount): RemoteAccount['type'] => {
  switch (a.Classification) {
    case 'Asset':
      return 'asset';
    case 'Liability':
      return 'liability';
    case 'Equity':
      return 'equity';
    case 'Revenue':
      return 'income';
    default:
      return 'expense';
  }
};
const isPaymentAccount = (a: QboAccount) => a.AccountType === 'Bank' || a.AccountSubType === 'UndepositedFunds' || a.AccountType === 'Other Current Asset';

export function createQuickBooksProvider(deps: QuickBooksProviderDeps): QuickBooksProvider {
  const minuteMs = deps.minuteMs ?? 60_000;
  const api = createQboApi({
    apiUrl: (deps.urls ?? QUICKBOOKS_PRODUCTION_URLS).api,
    realmId: deps.realmId,
    tokens: deps.tokens,
    minuteMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.pacer ? { pacer: deps.pacer } : {}),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = deps.uncertainRetries ?? 2;
  const retryDelayMs = deps.retryDelayMs ?? 500;
  const lists = deps.lists ?? null;
  const directory = lists?.customers ?? new CustomerDirectory();
  let company: CompanySettings | null = deps.companyCache?.get() ?? null;
  let described: { at: number; value: ChartDescription } | null = null;
  const trackingByName = new Map<string, Tracking>();
  const serviceItems = lists?.serviceItems ?? new Map<string, string>();
  const prefetchedItems = new Map<string, QboItem | null>();

  const fail = (reply: QboReply, what: string) => failed(failureOf(reply, what, minuteMs));
  const entityJson = <T>(json: unknown, entity: string, parse: (v: unknown) => T): T => parse((json as Record<string, unknown>)[entity]);

  async function companySettings(): Promise<Outcome<CompanySettings>> {
    if (company) return ok(company);
    const r = await readCompany(api, deps.realmId);
    if (!r.ok) return r;
    company = r.value;
    deps.companyCache?.set(r.value);
    return r;
  }

  async function testConnection(): Promise<Outcome<ConnectionInfo>> {
    company = null;
    const r = await companySettings();
    return r.ok ? ok({ organisationName: r.value.name, baseCurrency: r.value.homeCurrency }) : r;
  }

  async function rowsOf<T>(entity: string, parse: { parse(v: unknown): T }, where = ''): Promise<Outcome<T[]>> {
    const out: T[] = [];
    for (let start = 1; ; start += 1000) {
      const r = await api.query(`SELECT * FROM ${entity}${where ? ` WHERE ${where}` : ''} STARTPOSITION ${start} MAXRESULTS 1000`, `Reading the QuickBooks ${entity} list`);
      if (!r.ok) return r;
      const page = queryResponse(entity, parse as never).parse(r.value) as T[];
      out.push(...page);
      if (page.length < 1000) return ok(out);
    }
  }

  async function describe(): Promise<Outcome<ChartDescription>> {
    if (described && now() - described.at < (deps.describeCacheMs ?? 60_000)) return ok(described.value);
    const [accounts, codes, rates, items, classes, departments] = await Promise.all([
      rowsOf('Account', accountSchema),
      rowsOf('TaxCode', taxCodeSchema),
      rowsOf('TaxRate', taxRateSchema),
      rowsOf('Item', itemSchema),
      rowsOf('Class', namedSchema),
      rowsOf('Department', namedSchema),
    ]);
    for (const r of [accounts, codes, rates, items, classes, departments]) if (!r.ok) return r;
    if (!accounts.ok || !codes.ok || !rates.ok || !items.ok || !classes.ok || !departments.ok) throw new Error('unreachable');
    const rateOf = new Map(rates.value.map((r) => [r.Id, r.RateValue ?? '0']));
    const remote = accounts.value.filter((a) => a.Active !== false).map((a): RemoteAccount & { raw: QboAccount } => ({ code: a.Id, name: a.AcctNum ? `${a.AcctNum} ${a.Name}` : a.Name, type: accountType(a), isPaymentAccount: isPaymentAccount(a), raw: a }));
    const strip = ({ raw: _raw, ...a }: RemoteAccount & { raw: QboAccount }): RemoteAccount => a;
    const options = (list: Array<{ Id: string; Name: string; FullyQualifiedName?: string }>) => list.map((o) => ({ id: o.Id, name: o.FullyQualifiedName ?? o.Name }));
    const trackingCategories = [
      ...(classes.value.length ? [{ id: 'Class', name: 'Class', options: options(classes.value) }] : []),
      ...(departments.value.length ? [{ id: 'Department', name: 'Department', options: options(departments.value) }] : []),
    ];
    const value: ChartDescription = {
      accounts: remote.map(strip),
      paymentAccounts: remote.filter((a) => a.isPaymentAccount).map(strip),
      taxCodes: codes.value
        .filter((c) => c.Active !== false)
        .map((c) => ({
          code: c.Id,
          name: c.Name,
          rate: (c.SalesTaxRateList?.TaxRateDetail ?? []).reduce((s, d) => s.plus(rateOf.get(d.TaxRateRef.value) ?? '0'), new Big(0)).toString(),
          // A code with sales rates is for sales; with purchase rates only, for purchases; US TAX/NON have neither.
          use: (c.SalesTaxRateList?.TaxRateDetail ?? []).length > 0 ? 'sales' : (c.PurchaseTaxRateList?.TaxRateDetail ?? []).length > 0 ? 'purchases' : 'any',
        })),
      items: items.value.map(toRemoteItem),
      trackingCategories,
    };
    described = { at: now(), value };
    return ok(value);
  }

  // ------------------------------------------------------------------------------------------ lookups

  async function prefetch(input: { skus: readonly string[] }): Promise<Outcome<void>> {
    if (lists) return lists.fresh(api);
    const wanted = [...new Set(input.skus)].filter((s) => !prefetchedItems.has(s));
    const found = await itemsBySku(api, wanted);
    if (!found.ok) return found;
    for (const sku of wanted) prefetchedItems.set(sku, found.value.get(sku) ?? null);
    if (!directory.loaded) {
      const loaded = await directory.load(api);
      if (!loaded.ok) return loaded;
    }
    return ok(undefined);
  }

  async function findItemsBySku(skus: readonly string[]): Promise<Outcome<RemoteItem[]>> {
    if (lists) {
      // Read once; after that only a miss asks QuickBooks again, and not more than once per refresh window.
      if (!lists.loaded || !skus.every((sku) => lists.items.has(sku))) {
        const fresh = await lists.fresh(api);
        if (!fresh.ok) return fresh;
      }
      return ok(skus.flatMap((sku) => lists.items.get(sku) ?? []).map(toRemoteItem));
    }
    if (skus.length > 0 && skus.every((s) => prefetchedItems.has(s))) return ok(skus.flatMap((s) => prefetchedItems.get(s) ?? []).map(toRemoteItem));
    const r = await itemsBySku(api, skus);
    return r.ok ? ok([...r.value.values()].map(toRemoteItem)) : r;
  }

  async function findCustomer(query: CustomerQuery): Promise<Outcome<RemoteCustomer[]>> {
    if (lists && !query.remoteId) {
      if (!lists.loaded) {
        const first = await lists.fresh(api);
        if (!first.ok) return first;
      }
      const hit = await findCustomerIn(query);
      if (!hit.ok || hit.value.length > 0) return hit;
      const fresh = await lists.fresh(api);
      if (!fresh.ok) return fresh;
    }
    return findCustomerIn(query);
  }

  async function findCustomerIn(query: CustomerQuery): Promise<Outcome<RemoteCustomer[]>> {
    const found = new Map<string, RemoteCustomer>();
    if (query.remoteId) {
      const c = await customerById(api, query.remoteId);
      if (!c.ok) return c;
      if (c.value && c.value.Active !== false) found.set(c.value.Id, toRemoteCustomer(c.value));
    }
    // Our reference lives in Notes, which QuickBooks cannot query: by id only from the backfill's directory.
    if (query.bcCustomerId && directory.loaded) {
      for (const c of directory.find((x) => x.Active !== false && toRemoteCustomer(x).bcCustomerId === query.bcCustomerId)) found.set(c.Id, toRemoteCustomer(c));
    }
    if (query.email) {
      const email = query.email.toLowerCase();
      const list = directory.loaded
        ? ok(directory.find((x) => x.Active !== false && x.PrimaryEmailAddr?.Address?.toLowerCase() === email))
        : await customersWhere(api, `PrimaryEmailAddr = ${quoted(query.email)}`, 'Looking up the QuickBooks customer by email');
      if (!list.ok) return list;
      for (const c of list.value) if (!found.has(c.Id)) found.set(c.Id, toRemoteCustomer(c));
    }
    return ok([...found.values()]);
  }

  async function customerDeps(): Promise<Outcome<CustomerDeps>> {
    const c = await companySettings();
    return c.ok ? ok({ api, homeCurrency: c.value.homeCurrency, directory }) : c;
  }

  async function upsertCustomer(customer: DocumentCustomer): Promise<Outcome<RemoteCustomer>> {
    if (customer.remoteId) {
      const r = await updateCustomer(api, customer.remoteId, customer);
      return r.ok ? ok(toRemoteCustomer(r.value)) : r;
    }
    const d = await customerDeps();
    if (!d.ok) return d;
    const r = await ensureCustomer(d.value, customer, null);
    return r.ok ? ok(toRemoteCustomer(r.value)) : r;
  }

  /** The customer a form is booked on: the linked one when it is in the form's currency, else its twin in that currency. */
  async function customerFor(document: Pick<SalesDocument, 'customer' | 'currency'>): Promise<Outcome<string>> {
    const c = await companySettings();
    if (!c.ok) return c;
    const foreign = c.value.multicurrency && document.currency.code !== c.value.homeCurrency ? document.currency.code : null;
    if (document.customer.remoteId) {
      if (!foreign) {
        const kept = await keepCustomerCurrent(api, deps.realmId, document.customer);
        return kept.ok ? ok(document.customer.remoteId) : kept;
      }
      const linked = await customerById(api, document.customer.remoteId);
      if (!linked.ok) return linked;
      if (linked.value?.CurrencyRef?.value === foreign) return ok(linked.value.Id);
    }
    if (lists && !lists.loaded) {
      const first = await lists.fresh(api);
      if (!first.ok) return first;
    }
    const r = await ensureCustomer({ api, homeCurrency: c.value.homeCurrency, directory }, document.customer, foreign);
    return r.ok ? ok(r.value.Id) : r;
  }

  /** The item of every line: the product's own, or the service item of its kind and income account. */
  async function lineItems(lines: readonly DocumentLine[]): Promise<Outcome<(line: DocumentLine) => string>> {
    for (const line of lines) {
      if (line.itemId) continue;
      const name = genericItemName(line);
      if (serviceItems.has(name)) continue;
      const r = await ensureServiceItem(api, name, line.account);
      if (!r.ok) return r;
      serviceItems.set(name, r.value);
    }
    return ok((line) => line.itemId ?? serviceItems.get(genericItemName(line))!);
  }

  /** The Class or Department by name, looked up once per name; `choice` is a channel's own (the document's), else the store-wide one. */
  async function trackingRef(choice?: { category: string; option: string }): Promise<Outcome<Tracking>> {
    const t = choice ? trackingChoice(choice) : deps.tracking;
    if (!t) return ok(null);
    const key = `${t.category}\u0000${t.option}`;
    const known = trackingByName.get(key);
    if (known !== undefined) return ok(known);
    const r = await api.query(`SELECT * FROM ${t.category} WHERE Name = ${quoted(t.option)}`, `Looking up the QuickBooks ${t.category.toLowerCase()}`);
    if (!r.ok) return r;
    const found = queryResponse(t.category, namedSchema).parse(r.value)[0];
    if (!found) {
      return failed({ kind: 'validation', message: `The ${t.category.toLowerCase()} "${t.option}" chosen for posting is not in QuickBooks (or is inactive). Choose another on the mappings page.`, fields: [{ field: `${t.category}Ref`, message: t.option }] });
    }
    const tracking: Tracking = { category: t.category, optionId: found.Id };
    trackingByName.set(key, tracking);
    return ok(tracking);
  }


  // ------------------------------------------------------------------------------------------ forms

  async function readTxn(entity: TxnEntity, id: string): Promise<Outcome<QboTxn | null>> {
    const sent = await api.send({ method: 'GET', path: `${pathOf(entity)}/${encodeURIComponent(id)}` });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) return ok(entityJson(reply.json, entity, (v) => txnSchema.parse(v)));
    if (reply.kind === 'response' && hasCode(errorsOf(reply.json), CODES.notFound)) return ok(null);
    return fail(reply, `Reading the QuickBooks ${entity}`);
  }

  /** What the form says now (statuses.fromBooks): an invoice's balance and what is applied to it; a sales receipt is paid when posted, so only its void is news. */
  async function documentStatus(ref: PostedDocumentRef): Promise<Outcome<BooksStatus | null>> {
    const parsed = parseRemoteId(ref.remoteId);
    if (!parsed) return ok(null);
    const r = await readTxn(parsed.entity, parsed.id);
    if (!r.ok) return r;
    if (!r.value) return ok(null);
    if (parsed.entity !== 'Invoice') return ok(isVoided(r.value) ? 'voided' : 'open');
    return ok(quickbooksBooksStatus(r.value));
  }

  /**
   * Reconciliation: the sales forms (Invoice, SalesReceipt) and credits (CreditMemo, RefundReceipt) dated from..to, as
   * the company holds them now, 1,000 a query (Intuit's query page: STARTPOSITION / MAXRESULTS ≤ 1000, `TxnDate` a
   * filterable field of each entity, developer.intuit.com's Accounting API reference). A voided form is marked as our
   * void marks it (its note, the amounts zeroed); a deleted one is absent. The reference is the note's first line.
   */
  /** What a payment or sales receipt without a DepositToAccountRef pays into (Intuit: the Undeposited Funds account). */
  const UNDEPOSITED = 'Undeposited Funds';

  async function listDocuments(range: { from: string; to: string }): Promise<Outcome<BooksDocument[]>> {
    const c = await companySettings();
    if (!c.ok) return c;
    const where = `TxnDate >= ${quoted(range.from)} AND TxnDate <= ${quoted(range.to)}`;
    const out: BooksDocument[] = [];
    for (const [entity, kind] of [['Invoice', 'invoice'], ['SalesReceipt', 'invoice'], ['CreditMemo', 'credit_note'], ['RefundReceipt', 'credit_note']] as const) {
      const rows = await rowsOf(entity, txnSchema, where);
      if (!rows.ok) return rows;
      for (const t of rows.value) {
        out.push({
          remoteId: remoteIdOf(entity, t.Id),
          kind,
          number: t.DocNumber ?? '',
          reference: (t.PrivateNote ?? '').split('\n')[0] ?? '',
          orderId: null,
          date: (t.TxnDate ?? '').slice(0, 10),
          currency: (t.CurrencyRef?.value ?? c.value.homeCurrency).toUpperCase(),
          total: String(t.TotalAmt ?? '0'),
          tax: String(t.TxnTaxDetail?.TotalTax ?? '0'),
          status: isVoided(t) ? 'voided' : entity === 'Invoice' && t.Balance !== undefined && Number(t.Balance) === 0 && Number(t.TotalAmt ?? 0) > 0 ? 'paid' : 'open',
          // A sales receipt is paid in itself, into its DepositToAccountRef (Intuit's SalesReceipt reference).
          ...(entity === 'SalesReceipt' && !isVoided(t) ? { received: [{ account: t.DepositToAccountRef?.value ?? UNDEPOSITED, amount: String(t.TotalAmt ?? '0') }] } : {}),
        });
      }
    }
    // Summaries posted as journal entries (summary-journal.ts): each read back as the sales and refund documents it
    // stands for, so a summary-mode day is compared from the books either way.
    const entries = await rowsOf('JournalEntry', txnSchema, where);
    if (!entries.ok) return entries;
    const ours = entries.value.filter((t) => (t.PrivateNote ?? '').startsWith('Daily summary '));
    if (ours.length > 0) {
      const accounts = await journalAccounts();
      if (!accounts.ok) return accounts;
      for (const t of ours) out.push(...summaryJournalAsDocuments(t, accounts.value, c.value.homeCurrency));
    }
    return ok(out);
  }

  /**
   * Reconciliation: the Payments dated from..to (`TxnDate`, 1,000 a query), one per invoice each applies to (its
   * lines' LinkedTxn of TxnType Invoice, with the line's Amount), into its DepositToAccountRef: Intuit's Payment
   * reference ("If you do not specify this account, payment is applied to the Undeposited Funds account"). A voided
   * payment keeps its lines with zero amounts (Intuit's "Void a payment"), so it holds nothing; a deleted one is absent.
   */
  async function listPayments(range: { from: string; to: string }): Promise<Outcome<BooksPayment[]>> {
    const c = await companySettings();
    if (!c.ok) return c;
    const rows = await rowsOf('Payment', paymentSchema, `TxnDate >= ${quoted(range.from)} AND TxnDate <= ${quoted(range.to)}`);
    if (!rows.ok) return rows;
    const out: BooksPayment[] = [];
    for (const p of rows.value) {
      for (const [i, line] of (p.Line ?? []).entries()) {
        for (const linked of (line.LinkedTxn ?? []).filter((t) => t.TxnType === 'Invoice')) {
          if (Number(line.Amount ?? 0) === 0) continue;
          out.push({
            remoteId: `${remoteIdOf('Payment', p.Id)}:${i}`,
            documentId: remoteIdOf('Invoice', linked.TxnId),
            documentNumber: '',
            orderId: null,
            date: (p.TxnDate ?? '').slice(0, 10),
            currency: (p.CurrencyRef?.value ?? c.value.homeCurrency).toUpperCase(),
            amount: String(line.Amount),
            account: p.DepositToAccountRef?.value ?? UNDEPOSITED,
          });
        }
      }
    }
    return ok(out);
  }

  /** The invoices a payment (Intuit's webhook names `Payment:<id>`) is applied to: its lines' LinkedTxn. */
  async function linkedDocuments(remoteRef: string): Promise<Outcome<string[]>> {
    const parsed = parseRemoteId(remoteRef);
    if (!parsed || parsed.entity !== 'Payment') return ok([]);
    const sent = await api.send({ method: 'GET', path: `${pathOf('Payment')}/${encodeURIComponent(parsed.id)}` });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) {
      const payment = entityJson(reply.json, 'Payment', (v) => paymentSchema.parse(v));
      const invoices = (payment.Line ?? []).flatMap((l) => l.LinkedTxn ?? []).filter((t) => t.TxnType === 'Invoice');
      return ok([...new Set(invoices.map((t) => remoteIdOf('Invoice', t.TxnId)))]);
    }
    if (reply.kind === 'response' && hasCode(errorsOf(reply.json), CODES.notFound)) return ok([]);
    return fail(reply, 'Reading the QuickBooks payment');
  }

  async function readRef(ref: PostedDocumentRef, what: string): Promise<Outcome<{ entity: TxnEntity; txn: QboTxn }>> {
    const parsed = parseRemoteId(ref.remoteId);
    if (!parsed) throw new Error(`not a QuickBooks remote id: ${ref.remoteId}`);
    const r = await readTxn(parsed.entity, parsed.id);
    if (!r.ok) return r;
    if (!r.value) return failed({ kind: 'not_found', message: `${what}: ${parsed.entity} ${ref.number} is not in QuickBooks any more.` });
    return ok({ entity: parsed.entity, txn: r.value });
  }

  /** Forms of `entity` with these DocNumbers (a query, one call). */
  async function byDocNumbers(entity: TxnEntity, numbers: readonly string[]): Promise<Outcome<QboTxn[]>> {
    if (numbers.length === 0) return ok([]);
    const r = await api.query(`SELECT * FROM ${entity} WHERE DocNumber IN (${numbers.map(quoted).join(', ')}) MAXRESULTS 1000`, `Looking up the QuickBooks ${entity} by number`);
    return r.ok ? ok(queryResponse(entity, txnSchema).parse(r.value)) : r;
  }

  /** Our form among those with the document's candidate numbers: active and noting the document's reference. */
  async function findPosted(entity: TxnEntity, base: string, reference: string): Promise<Outcome<{ posted: QboTxn | null; mine: QboTxn[] }>> {
    const candidates = numberCandidates(base);
    const r = await byDocNumbers(entity, candidates);
    if (!r.ok) return r;
    const mine = r.value.filter((t) => t.DocNumber && candidates.includes(t.DocNumber));
    return ok({ posted: mine.find((t) => !isVoided(t) && (t.PrivateNote ?? '').includes(reference)) ?? null, mine });
  }

  /**
   * Creates one form under `key`: requestid; an uncertain answer is looked up by DocNumber before it is sent again;
   * a DocNumber in use by our own voided earlier version moves to the next number ("-2").
   */
  async function createForm(
    entity: TxnEntity,
    build: (number: string) => Outcome<Record<string, unknown>>,
    base: string,
    reference: string,
    key: string,
    what: string,
  ): Promise<Outcome<PostedDocument>> {
    let number = base;
    let requestKey = key;
    const posted = (t: QboTxn, created: boolean): PostedDocument => ({ remoteId: remoteIdOf(entity, t.Id), number: t.DocNumber ?? number, created });
    for (let attempt = 0; attempt <= retries + 5; attempt += 1) {
      const body = build(number);
      if (!body.ok) return body;
      const sent = await api.send({ method: 'POST', path: pathOf(entity), body: body.value, requestId: requestIdOf(requestKey) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind === 'response' && reply.status === 200) return ok(posted(entityJson(reply.json, entity, (v) => txnSchema.parse(v)), true));
      const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
      if (isUncertain(reply)) {
        const found = await findPosted(entity, base, reference);
        if (!found.ok) return found;
        if (found.value.posted) return ok(posted(found.value.posted, false));
        if (attempt >= retries) return fail(reply, what);
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (hasCode(errors, CODES.duplicateDocNumber)) {
        const found = await findPosted(entity, base, reference);
        if (!found.ok) return found;
        if (found.value.posted) return ok(posted(found.value.posted, false));
        const blocking = found.value.mine.find((t) => t.DocNumber === number);
        const free = numberCandidates(base).find((n) => !found.value.mine.some((t) => t.DocNumber === n));
        if (!blocking || !isVoided(blocking) || !(blocking.PrivateNote ?? '').includes(reference) || !free) {
          return failed({ kind: 'duplicate', message: `${what}: number ${number} is already used in QuickBooks by another ${entity}.`, ...(blocking ? { existingRemoteId: remoteIdOf(entity, blocking.Id) } : {}) });
        }
        number = free;
        requestKey = `${key}:n${free.slice(base.length)}`;
        continue;
      }
      if (reply.kind === 'response' && reply.status === 400 && errors.length && !hasCode(errors, CODES.companyStatus)) return failed(validationFailure(errors, what));
      return fail(reply, what);
    }
    return failed({ kind: 'unavailable', message: `${what}: no definite answer from QuickBooks.` });
  }

  interface Prepared {
    entity: 'SalesReceipt' | 'Invoice';
    customerId: string;
    build(number: string): Outcome<Record<string, unknown>>;
  }

  /** Everything a document's form needs resolved: company, currency, customer, items, tracking. */
  async function prepare(document: SalesDocument): Promise<Outcome<Prepared>> {
    const c = await companySettings();
    if (!c.ok) return c;
    const currency = checkCurrency(document.currency.code, c.value);
    if (!currency.ok) return currency;
    const [customer, items, track] = [await customerFor(document), await lineItems(document.lines), await trackingRef(document.tracking)];
    if (!customer.ok) return customer;
    if (!items.ok) return items;
    if (!track.ok) return track;
    const entity = entityFor(document);
    return ok({ entity, customerId: customer.value, build: (number) => documentBody(document, { entity, company: c.value, customerId: customer.value, itemOf: items.value, tracking: track.value, number }) });
  }

  async function postDocument(document: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    const prepared = await prepare(document);
    if (!prepared.ok) return prepared;
    const posted = await createForm(prepared.value.entity, prepared.value.build, document.number, document.reference, idempotencyKey, `Posting ${document.number} to QuickBooks`);
    if (!posted.ok) return posted;
    if (lists && prepared.value.entity === 'Invoice') {
      // Its payment comes next: what it needs of the invoice is known here (no read of the invoice first).
      // (A foreign-currency invoice's rate is QuickBooks' to say: its payment reads the invoice.)
      const company = await companySettings();
      if (company.ok && document.currency.code === company.value.homeCurrency) {
        lists.rememberInvoice(posted.value.remoteId, { customerId: prepared.value.customerId, currency: document.currency.code, exchangeRate: null });
      }
    }
    return withPayments(document, prepared.value.entity, posted.value, idempotencyKey);
  }

  /** A sales receipt paid into several accounts is an invoice with its payments, recorded here (the pipeline leaves them to the document). */
  async function withPayments(document: SalesDocument, entity: TxnEntity, posted: PostedDocument, key: string): Promise<Outcome<PostedDocument>> {
    if (document.kind !== 'sales_receipt' || entity !== 'Invoice') return ok(posted);
    for (const [i, payment] of document.payments.entries()) {
      const paid = await recordPayment(posted, payment, `${key}:pay:${i}`);
      if (!paid.ok) return paid;
    }
    return ok(posted);
  }

  // ------------------------------------------------------------------------------------------ payments

  /** A payment of that amount, with our note, applied to the invoice. */
  async function paymentOn(invoice: QboTxn, payment: DocumentPayment): Promise<Outcome<string | null>> {
    const ids = (invoice.LinkedTxn ?? []).filter((l) => l.TxnType === 'Payment').map((l) => l.TxnId);
    if (ids.length === 0) return ok(null);
    const r = await api.query(`SELECT * FROM Payment WHERE Id IN (${ids.map(quoted).join(', ')})`, 'Looking up the payments of the invoice');
    if (!r.ok) return r;
    const note = paymentNote(payment);
    const match = queryResponse('Payment', paymentSchema).parse(r.value).find((p) => p.PrivateNote === note && p.TotalAmt !== undefined && new Big(p.TotalAmt).eq(payment.amount));
    return ok(match?.Id ?? null);
  }

  async function recordPayment(document: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>> {
    // A sales receipt carries its payment.
    if (parseRemoteId(document.remoteId)?.entity === 'SalesReceipt') return ok({ remoteId: document.remoteId, created: false });
    const known = lists?.posted.get(document.remoteId);
    let txn: Pick<QboTxn, 'Id'> & { LinkedTxn?: QboTxn['LinkedTxn'] };
    let invoice: { customerId: string; currency: string; exchangeRate: string | null };
    if (known) {
      txn = { Id: parseRemoteId(document.remoteId)!.id };
      invoice = known;
    } else {
      const read = await readRef(document, 'Recording the payment');
      if (!read.ok) return read;
      if (read.value.entity === 'SalesReceipt') return ok({ remoteId: document.remoteId, created: false });
      txn = read.value.txn;
      invoice = { customerId: read.value.txn.CustomerRef?.value ?? '', currency: read.value.txn.CurrencyRef?.value ?? '', exchangeRate: read.value.txn.ExchangeRate ?? null };
    }
    const body = paymentBody({ invoiceId: txn.Id, ...invoice, payment });
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      const sent = await api.send({ method: 'POST', path: '/payment', body, requestId: requestIdOf(idempotencyKey) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind === 'response' && reply.status === 200) return ok({ remoteId: remoteIdOf('Payment', entityJson(reply.json, 'Payment', (v) => paymentSchema.parse(v)).Id), created: true });
      const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
      if (isUncertain(reply) || (reply.kind === 'response' && reply.status === 400 && errors.some((e) => /open balance|more than/i.test(`${e.Detail ?? ''}`)))) {
        const again = await readTxn('Invoice', txn.Id);
        if (!again.ok) return again;
        const found = again.value ? await paymentOn(again.value, payment) : ok(null);
        if (!found.ok) return found;
        if (found.value) return ok({ remoteId: remoteIdOf('Payment', found.value), created: false });
        // Paid in full in QuickBooks by someone else (a payment received there, whose status the order then took:
        // statuses.fromBooks): the money is in the books once already; recording the store's payment too would count
        // it twice.
        if (!isUncertain(reply) && again.value && again.value.Balance !== undefined && new Big(again.value.Balance).eq(0) && new Big(again.value.TotalAmt ?? '0').gt(0)) {
          return ok({ remoteId: '', created: false, skipped: `Invoice ${document.number} was paid in full in QuickBooks already, so this payment of ${payment.amount} was not recorded again. Check which payment is right in QuickBooks.` });
        }
        if (!isUncertain(reply)) return failed(validationFailure(errors, `QuickBooks refused the payment to account ${payment.account}`));
        if (attempt >= retries) return fail(reply, 'Recording the payment');
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (reply.kind === 'response' && reply.status === 400 && errors.length && !hasCode(errors, CODES.companyStatus)) return failed(validationFailure(errors, `QuickBooks refused the payment to account ${payment.account}`));
      return fail(reply, 'Recording the payment');
    }
    return failed({ kind: 'unavailable', message: 'Recording the payment: no definite answer from QuickBooks.' });
  }

  // ------------------------------------------------------------------------------------------ changes

  /** Sends a change (sparse update, void, delete) of one form; 5010 Stale Object → re-read and try once more. */
  async function change(
    entity: TxnEntity,
    id: string,
    query: Record<string, string>,
    body: (current: QboTxn) => Record<string, unknown>,
    done: (current: QboTxn) => boolean,
    key: string,
    what: string,
  ): Promise<Outcome<{ txn: QboTxn | null; created: boolean }>> {
    for (let attempt = 0; attempt <= Math.max(1, retries); attempt += 1) {
      const current = await readTxn(entity, id);
      if (!current.ok) return current;
      if (!current.value) return failed({ kind: 'not_found', message: `${what}: the ${entity} is not in QuickBooks any more.` });
      if (attempt > 0 && done(current.value)) return ok({ txn: current.value, created: false });
      const sent = await api.send({ method: 'POST', path: pathOf(entity), query, body: { ...body(current.value), Id: id, SyncToken: current.value.SyncToken }, requestId: requestIdOf(`${key}${attempt ? `:s${current.value.SyncToken}` : ''}`) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind === 'response' && reply.status === 200) {
        const parsed = txnSchema.safeParse((reply.json as Record<string, unknown>)[entity]);
        return ok({ txn: parsed.success ? parsed.data : null, created: true });
      }
      const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
      if (hasCode(errors, CODES.staleObject) || isUncertain(reply)) {
        if (isUncertain(reply)) await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (reply.kind === 'response' && reply.status === 400 && errors.length && !hasCode(errors, CODES.companyStatus) && !hasCode(errors, CODES.notFound)) return failed(validationFailure(errors, what));
      return fail(reply, what);
    }
    return failed({ kind: 'unavailable', message: `${what}: no definite answer from QuickBooks.` });
  }

  const paidOrCredited = (t: QboTxn) => t.Balance !== undefined && t.TotalAmt !== undefined && !new Big(t.Balance).eq(t.TotalAmt);

  async function voidDocument(document: PostedDocumentRef, idempotencyKey: string): Promise<Outcome<{ remoteId: string; created: boolean }>> {
    const read = await readRef(document, 'Voiding the document');
    if (!read.ok) return read;
    const { entity, txn } = read.value;
    if (isVoided(txn)) return ok({ remoteId: document.remoteId, created: false });
    if (entity === 'Invoice' && paidOrCredited(txn)) {
      return failed({ kind: 'validation', message: `Invoice ${document.number} has payments or credits applied in QuickBooks, so it cannot be voided: refund the order to credit it.` });
    }
    // Invoice: ?operation=void. SalesReceipt: a sparse update with include=void (Intuit's SalesReceipt reference).
    const query: Record<string, string> = entity === 'Invoice' ? { operation: 'void' } : { operation: 'update', include: 'void' };
    const r = await change(entity, txn.Id, query, () => (entity === 'Invoice' ? {} : { sparse: true }), isVoided, idempotencyKey, `Voiding ${entity} ${document.number}`);
    return r.ok ? ok({ remoteId: document.remoteId, created: r.value.created }) : r;
  }

  /**
   * The form's lines, customer and amounts replaced by `next`'s (a sparse update with its SyncToken), its number kept.
   * A sales receipt (money received) or an invoice with payments or credits applied is `locked`: the pipeline books an
   * adjustment instead.
   */
  async function updateDocument(document: PostedDocumentRef, next: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    // Its customer may change: a later payment reads the invoice again.
    lists?.posted.delete(document.remoteId);
    const read = await readRef(document, 'Updating the document');
    if (!read.ok) return read;
    const { entity, txn } = read.value;
    if (isVoided(txn)) return failed({ kind: 'not_found', message: `${entity} ${document.number} was voided in QuickBooks, so it cannot be updated.` });
    if (entity === 'SalesReceipt') return failed({ kind: 'locked', message: `sales receipt ${document.number} records money received in QuickBooks` });
    if (paidOrCredited(txn)) return failed({ kind: 'locked', message: `invoice ${document.number} has payments or credits applied in QuickBooks` });
    const prepared = await prepare(next);
    if (!prepared.ok) return prepared;
    const body = prepared.value.build(txn.DocNumber ?? document.number);
    if (!body.ok) return body;
    const { DocNumber: _n, ...rest } = body.value;
    const sameAsNext = (t: QboTxn) => t.TotalAmt !== undefined && new Big(t.TotalAmt).eq(next.totals.total) && Number(t.SyncToken) > Number(txn.SyncToken);
    const r = await change('Invoice', txn.Id, {}, (current) => {
      if (paidOrCredited(current)) throw new LockedError();
      return { ...rest, sparse: true };
    }, sameAsNext, idempotencyKey, `Updating invoice ${document.number}`).catch((e: unknown) => {
      if (e instanceof LockedError) return failed({ kind: 'locked', message: `invoice ${document.number} has payments or credits applied in QuickBooks` });
      throw e;
    });
    if (!r.ok) return r;
    return ok({ remoteId: document.remoteId, number: txn.DocNumber ?? document.number, created: r.value.created });
  }

  /** The chart for a summary journal entry (summary-journal.ts): every account, active or not, with its currency. */
  async function journalAccounts(): Promise<Outcome<JournalAccount[]>> {
    const r = await rowsOf('Account', accountSchema);
    if (!r.ok) return r;
    return ok(r.value.map((a) => {
      const currency = (a as { CurrencyRef?: { value?: string } }).CurrencyRef?.value;
      return { Id: a.Id, Name: a.Name, AccountType: a.AccountType, AccountSubType: a.AccountSubType, active: a.Active !== false, ...(currency ? { currency: currency.toUpperCase() } : {}) };
    }));
  }

  /**
   * Daily summary mode: a day's summary as a sales form and a refund form (summary.ts), or as one journal entry
   * (summary-journal.ts, `posting.summaryDocument` journal); either refreshed in place by sparse update.
   */
  async function postSummary(input: SummaryPosting): Promise<Outcome<PostedDocument>> {
    if (input.document === 'journal') {
      return postQuickBooksSummaryJournal({
        companySettings,
        accounts: journalAccounts,
        customerFor: (document) => customerFor(document),
        trackingRef: () => trackingRef(),
        byDocNumbers,
        createForm,
        update: (entity, id, body, key, what) => change(entity, id, {}, () => body, () => false, key, what),
        isVoided,
      }, input);
    }
    const guard = await refuseIfPostedAsJournalEntry({ byDocNumbers }, input);
    if (!guard.ok) return guard;
    return postQuickBooksSummary(
      {
        companySettings,
        customerFor: (document) => customerFor(document),
        lineItems,
        trackingRef: () => trackingRef(),
        byDocNumbers,
        createForm,
        update: (entity, id, body, key, what) => change(entity, id, {}, () => body, () => false, key, what),
        remove: async (entity, txn, key) => {
          if (entity === 'RefundReceipt' || entity === 'CreditMemo') return deleteTxn(entity, txn, key);
          const query: Record<string, string> = entity === 'Invoice' ? { operation: 'void' } : { operation: 'update', include: 'void' };
          const r = await change(entity, txn.Id, query, () => (entity === 'Invoice' ? {} : { sparse: true }), isVoided, key, `Voiding summary ${entity} ${txn.DocNumber ?? txn.Id}`);
          return r.ok ? ok(undefined) : r;
        },
        isVoided,
        paymentsOf: async (invoiceId) => {
          const invoice = await readTxn('Invoice', invoiceId);
          if (!invoice.ok) return invoice;
          const ids = (invoice.value?.LinkedTxn ?? []).filter((l) => l.TxnType === 'Payment').map((l) => l.TxnId);
          if (ids.length === 0) return ok([]);
          const r = await api.query(`SELECT * FROM Payment WHERE Id IN (${ids.map(quoted).join(', ')})`, 'Looking up the payments of the summary invoice');
          return r.ok ? ok(queryResponse('Payment', paymentSchema).parse(r.value)) : r;
        },
        pay: async (invoice, money, date, note, key) => {
          const body = {
            ...paymentBody({ invoiceId: invoice.id, customerId: invoice.customerId, currency: invoice.currency, exchangeRate: null, payment: { ...money, date, reference: null } }),
            PrivateNote: note,
          };
          for (let attempt = 0; attempt <= retries; attempt += 1) {
            const sent = await api.send({ method: 'POST', path: '/payment', body, requestId: requestIdOf(key) });
            if (!sent.ok) return sent;
            const reply = sent.value;
            if (reply.kind === 'response' && reply.status === 200) return ok(undefined);
            if (!isUncertain(reply)) {
              const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
              if (reply.kind === 'response' && reply.status === 400 && errors.length && !hasCode(errors, CODES.companyStatus)) return failed(validationFailure(errors, `QuickBooks refused the summary payment into account ${money.account}`));
              return fail(reply, 'Paying the summary invoice');
            }
            // The answer was lost: the payment may be there (our note and amount).
            const again = await readTxn('Invoice', invoice.id);
            if (!again.ok) return again;
            const ids = (again.value?.LinkedTxn ?? []).filter((l) => l.TxnType === 'Payment').map((l) => l.TxnId);
            if (ids.length) {
              const r = await api.query(`SELECT * FROM Payment WHERE Id IN (${ids.map(quoted).join(', ')})`, 'Looking up the payments of the summary invoice');
              if (!r.ok) return r;
              if (queryResponse('Payment', paymentSchema).parse(r.value).some((p) => p.PrivateNote === note && p.TotalAmt !== undefined && new Big(p.TotalAmt).eq(money.amount))) return ok(undefined);
            }
            if (attempt >= retries) return fail(reply, 'Paying the summary invoice');
            await sleep(retryDelayMs * (attempt + 1));
          }
          return failed({ kind: 'unavailable', message: 'Paying the summary invoice: no definite answer from QuickBooks.' });
        },
        deletePayment: (payment, key) => deleteTxn('Payment', { Id: payment.Id, SyncToken: payment.SyncToken ?? '0' }, key),
      },
      input,
    );
  }

  // ------------------------------------------------------------------------------------------ credits and refunds

  /**
   * A CreditMemo for some lines of the posted form, in its customer, currency, rate and tax treatment; applied to what
   * an invoice still owes (a zero Payment linking both). What is not applied stays the shopper's credit until payOut.
   */
  async function postCreditNote(input: CreditNoteInput, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    const read = await readRef(input.document, 'Crediting the document');
    if (!read.ok) return read;
    const { entity, txn } = read.value;
    const prepared = await prepareCredit(input, txn);
    if (!prepared.ok) return prepared;
    const posted = await createForm('CreditMemo', prepared.value.build, input.number, prepared.value.reference, idempotencyKey, `Posting credit memo ${input.number}`);
    if (!posted.ok) return posted;
    if (entity === 'Invoice') {
      const applied = await applyToInvoice(posted.value, txn, input.date, `${idempotencyKey}:apply`);
      if (!applied.ok) return applied;
    }
    return posted;
  }

  /** The credit memo's body for some lines of `txn` (the credited form): its customer, currency, rate, tax treatment. */
  async function prepareCredit(input: CreditNoteInput, txn: QboTxn): Promise<Outcome<PreparedCredit>> {
    const c = await companySettings();
    if (!c.ok) return c;
    const [items, track] = [await lineItems(input.lines), await trackingRef()];
    if (!items.ok) return items;
    if (!track.ok) return track;
    const reference = `Credit for ${input.document.number}: ${input.reason}`;
    const original = { currency: txn.CurrencyRef?.value ?? c.value.homeCurrency, exchangeRate: txn.ExchangeRate ?? null, inclusive: txn.GlobalTaxCalculation === 'TaxInclusive' };
    const build = (number: string) =>
      creditBody({ lines: input.lines, number, date: input.date, reason: reference, original }, { entity: 'CreditMemo', company: c.value, customerId: txn.CustomerRef?.value ?? '', itemOf: items.value, tracking: track.value });
    return ok({ reference, build });
  }

  async function applyToInvoice(credit: PostedDocument, invoice: QboTxn, date: string, key: string): Promise<Outcome<void>> {
    const memo = await readRef(credit, 'Applying the credit memo');
    if (!memo.ok) return memo;
    const fresh = await readTxn('Invoice', invoice.Id);
    if (!fresh.ok) return fresh;
    const due = new Big(fresh.value?.Balance ?? '0');
    const remaining = new Big(memo.value.txn.RemainingCredit ?? memo.value.txn.Balance ?? memo.value.txn.TotalAmt ?? '0');
    const amount = due.lt(remaining) ? due : remaining;
    if (amount.lte(0) || !fresh.value || isVoided(fresh.value)) return ok(undefined);
    const body = applyCreditBody({ invoiceId: invoice.Id, creditMemoId: memo.value.txn.Id, customerId: invoice.CustomerRef?.value ?? '', currency: invoice.CurrencyRef?.value ?? '', amount: amount.toFixed(2), date });
    const r = await api.json({ method: 'POST', path: '/payment', body, requestId: requestIdOf(key) }, 'Applying the credit memo to the invoice');
    return r.ok ? ok(undefined) : r;
  }

  /**
   * Money paid back against a credit. QuickBooks' API has no "refund of a credit memo", so a credit memo that nothing
   * was applied to is turned, once, into a RefundReceipt with the same lines, number and tax, paid from
   * `payment.account`, and the credit memo is deleted: revenue and tax are reversed once and the money goes out
   * once. A payout for part of a credit, or of a credit partly applied to an invoice, is left to the merchant
   * (`skipped`, with what to do). RefundReceipt: https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt
   */
  async function payOut(credit: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>> {
    const parsed = parseRemoteId(credit.remoteId);
    if (!parsed) throw new Error(`not a QuickBooks remote id: ${credit.remoteId}`);
    if (parsed.entity === 'RefundReceipt') return ok({ remoteId: credit.remoteId, created: false });
    const marker = payoutMarker(credit.number);
    const existing = async (): Promise<Outcome<QboTxn | null>> => {
      const r = await byDocNumbers('RefundReceipt', [credit.number]);
      return r.ok ? ok(r.value.find((t) => (t.PrivateNote ?? '').includes(marker)) ?? null) : r;
    };
    const memo = await readTxn('CreditMemo', parsed.id);
    if (!memo.ok) return memo;
    const done = await existing();
    if (!done.ok) return done;
    if (done.value) {
      if (memo.value) await deleteTxn('CreditMemo', memo.value, `${idempotencyKey}:delete`);
      return ok({ remoteId: remoteIdOf('RefundReceipt', done.value.Id), created: false });
    }
    if (!memo.value) return failed({ kind: 'not_found', message: `Credit memo ${credit.number} is not in QuickBooks any more, so the refund cannot be paid out against it.` });
    const cm = memo.value;
    const skipped = payoutSkipped(cm, credit.number, payment);
    if (skipped) return ok({ remoteId: '', created: false, skipped });
    const body = refundReceiptBody(cm, credit.number, payment);
    let created: { id: string; created: boolean } | null = null;
    for (let attempt = 0; attempt <= retries && !created; attempt += 1) {
      const sent = await api.send({ method: 'POST', path: '/refundreceipt', body, requestId: requestIdOf(idempotencyKey) });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (reply.kind === 'response' && reply.status === 200) {
        created = { id: entityJson(reply.json, 'RefundReceipt', (v) => txnSchema.parse(v)).Id, created: true };
        break;
      }
      if (!isUncertain(reply)) {
        const errors = reply.kind === 'response' ? errorsOf(reply.json) : [];
        if (reply.kind === 'response' && reply.status === 400 && errors.length && !hasCode(errors, CODES.companyStatus)) return failed(validationFailure(errors, `QuickBooks refused the refund from account ${payment.account}`));
        return fail(reply, 'Paying out the refund');
      }
      const found = await existing();
      if (!found.ok) return found;
      if (found.value) created = { id: found.value.Id, created: false };
      else if (attempt >= retries) return fail(reply, 'Paying out the refund');
      else await sleep(retryDelayMs * (attempt + 1));
    }
    if (!created) return failed({ kind: 'unavailable', message: 'Paying out the refund: no definite answer from QuickBooks.' });
    const deleted = await deleteTxn('CreditMemo', cm, `${idempotencyKey}:delete`);
    if (!deleted.ok) return deleted;
    return ok({ remoteId: remoteIdOf('RefundReceipt', created.id), created: created.created });
  }

  async function deleteTxn(entity: TxnEntity, txn: QboTxn, key: string): Promise<Outcome<void>> {
    const sent = await api.send({ method: 'POST', path: pathOf(entity), query: { operation: 'delete' }, body: { Id: txn.Id, SyncToken: txn.SyncToken }, requestId: requestIdOf(key) });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && (reply.status === 200 || hasCode(errorsOf(reply.json), CODES.notFound))) return ok(undefined);
    return fail(reply, `Deleting the ${entity}`);
  }

  // ------------------------------------------------------------------------------------------ stock

  async function stockLevels(skus: readonly string[], locationIds?: readonly number[]): Promise<Outcome<StockLevel[]>> {
    // QuickBooks Online keeps one quantity per item; it stands for the store's default location (1).
    if (locationIds && !locationIds.includes(1)) return ok([]);
    const r = await itemsBySku(api, skus);
    if (!r.ok) return r;
    return ok([...r.value.values()].filter((i) => i.TrackQtyOnHand).map((i) => ({ sku: skuOf(i), locationId: 1, quantity: i.QtyOnHand ?? '0' })));
  }

  const provider: QuickBooksProvider = {
    id: 'quickbooks',
    displayName: 'QuickBooks Online',
    limits: QUICKBOOKS_LIMITS,
    api,
    testConnection,
    describe,
    findCustomer,
    upsertCustomer,
    findItemsBySku,
    prefetch,
    itemRules: QUICKBOOKS_ITEM_RULES,
    upsertItems: (items) => upsertItems(api, items, deps.inventoryStartDate ?? '2000-01-01'),
    postDocument,
    recordPayment,
    voidDocument,
    updateDocument,
    postSummary,
    // A journal entry per summary (summary-journal.ts): an unpaid part goes to Accounts Receivable with the summary customer.
    summaryDocuments: ['sales', 'journal'],
    postCreditNote,
    payOut,
    stockLevels,
    documentStatus,
    linkedDocuments,
    listDocuments,
    listPayments,
    postCreditNotes: (items) => postCreditNotesBatch({ api, prepareCredit, postOne: postCreditNote, applyToInvoice }, items),
    payOuts: (items) => payOutsBatch({ api, payOne: payOut }, items),
    postDocuments: (items) => postDocumentsBatch({ api, prepare, findPosted, postOne: postDocument, withPayments, retries, retryDelayMs, sleep }, items),
    recordPayments: (items) => recordPaymentsBatch({ api, readRef, recordOne: recordPayment }, items),
  };
  return provider;
}

class LockedError extends Error {}
