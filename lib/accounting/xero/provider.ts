/**
 * Xero behind the AccountingProvider interface. One instance per (store, organisation); the connection comes in
 * through ports (tokens, tenant id, fetch, URLs), nothing here reads the database or the environment.
 *
 * Exactly once: every create sends the caller's idempotency key as `Idempotency-Key` (Xero replays the first
 * answer for 6 minutes, errors included); after an uncertain outcome (timeout, dropped connection, 5xx) the
 * invoice is looked up by InvoiceNumber before anything is sent again, and a found invoice is returned as
 * `created: false`. InvoiceNumber is unique in Xero, so even a retry after the key expired cannot book twice.
 */
import Big from 'big.js';
import type { DocumentCustomer, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import {
  ok,
  type AccountingProvider,
  type BooksStatus,
  type ChartDescription,
  type ConnectionInfo,
  type CreditNoteInput,
  type CustomerQuery,
  type Outcome,
  type PostedDocument,
  type PostedDocumentRef,
  type RecordedPayment,
  type RemoteAccount,
  type RemoteCustomer,
  type RemoteItem,
  type StockLevel,
} from '@/lib/sync/provider';
import { XERO_BATCH_SIZE, XERO_LIMITS, XERO_PRODUCTION_URLS, type XeroUrls } from './config';
import { ContactDirectory, contactById, contactsWhere, ensureContact, keepContactCurrent, toRemoteCustomer, updateContact, type ContactDeps } from './contacts';
import { ALREADY_PAID, elementErrors, failed, failureOf, isDocumentLocked, isDuplicateInvoiceNumber, isUncertain, NOT_VALID_STATUS_FOR_MODIFICATION, validationFailure, type XeroReply } from './errors';
import { createXeroApi, type XeroApi, type XeroTokenPort } from './http';
import { xeroBooksStatus } from './books-status';
import { batchKey, postDocumentsBatch, type BatchItem, type BatchPaymentItem, recordPaymentsBatch } from './batch';
import { listXeroDocuments, listXeroPayments } from './documents-read';
import { journalPermissionProblem, postXeroSummaryJournal, refuseIfPostedAsJournal } from './summary-journal';
import { postXeroSummary } from './summary';
import { contactBody, creditNoteBody, draftPaymentMessage, invoiceBody, paymentBody, payoutBody, whereEquals, type InvoiceOptions, type InvoiceStatus, type LineAmountTypes, type TrackingOption } from './mapping';
import type { OrganisationLists } from './lists';
import { toRemoteItem, upsertXeroItems, XERO_ITEM_RULES, xeroItemsByCode } from './items';
import type { XeroPacer } from './pacer';
import { decimal, envelopes, type XeroAccount, type XeroContact, type XeroInvoice, type XeroItem, type XeroTaxRate, type XeroTrackingCategory } from './wire';

export interface XeroProviderDeps {
  tenantId: string;
  tokens: XeroTokenPort;
  /** Xero's hosts from configuration (`xeroUrls(env.XERO_BASE_URL)`); production by default. */
  urls?: Pick<XeroUrls, 'api'>;
  fetch?: typeof fetch;
  /** In-process pacing to Xero's limits (backfills); the job layer's throttle covers the rest. */
  pacer?: XeroPacer;
  /**
   * The organisation (name, base currency) as last read, shared by the instances built for one tenant, so each
   * posting does not re-read it (one call of the 60 a minute). testConnection always reads it afresh.
   */
  organisationCache?: { get(): ConnectionInfo | null; set(value: ConnectionInfo): void };
  /**
   * The organisation's contacts and items, shared by every provider built for it in this process (./lists.ts): a
   * live order then costs its invoice and payment only. Without it each lookup is a call of its own.
   */
  lists?: OrganisationLists;
  timeoutMs?: number;
  /**
   * Status of new invoices (settings `xero.invoiceStatus`, see `xeroPostingOptions`): AUTHORISED books them, DRAFT
   * leaves them for review, and their payments are skipped (Xero takes payments only on approved invoices).
   */
  invoiceStatus?: InvoiceStatus;
  /** ContactNumber prefix carrying the BigCommerce customer id: "BC-" → "BC-1042". */
  contactNumberPrefix?: string;
  /** Tracking category option put on every line ("Sales Channel" / "Online Store"), from the mappings. */
  tracking?: TrackingOption | null;
  /** How long describe() results are reused. Default 60 s. */
  describeCacheMs?: number;
  /** Extra attempts after an uncertain outcome whose lookup found nothing. Default 2. */
  uncertainRetries?: number;
  retryDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface XeroChartDescription extends ChartDescription {
  trackingCategories: Array<{ id: string; name: string; options: Array<{ id: string; name: string }> }>;
}

export interface XeroProvider extends AccountingProvider {
  readonly id: 'xero';
  describe(): Promise<Outcome<XeroChartDescription>>;
  /** Backfill: up to 50 invoices a request (summarizeErrors=false), results in the order given. */
  postDocuments(items: readonly BatchItem[]): Promise<Array<Outcome<PostedDocument>>>;
  /** Backfill: payments 50 a request, results in the order given. */
  recordPayments(items: readonly BatchPaymentItem[]): Promise<Array<Outcome<RecordedPayment>>>;
  readonly api: XeroApi;
}

/** Invoice numbers tried for one document: the number, then "-2" … for versions posted after a void. */
export function numberCandidates(number: string, max = 6): string[] {
  return [number, ...Array.from({ length: max - 1 }, (_, i) => `${number}-${i + 2}`)];
}

const ACTIVE = (s: string | undefined) => s !== 'DELETED' && s !== 'VOIDED';
const accountType = (a: XeroAccount): RemoteAccount['type'] =>
  a.Class === 'ASSET' ? 'asset' : a.Class === 'LIABILITY' ? 'liability' : a.Class === 'EQUITY' ? 'equity' : a.Class === 'REVENUE' ? 'income' : 'expense';

/**
 * Sales or purchases, from the rate's ReportTaxType (OUTPUT…, USSALESTAX, EXEMPTOUTPUT are sales; INPUT…, …EXPENSES,
 * …PURCHASES are purchases) and CanApplyToRevenue. https://developer.xero.com/documentation/api/accounting/taxrates
 */
export function taxRateUse(t: Pick<XeroTaxRate, 'ReportTaxType' | 'CanApplyToRevenue'>): 'sales' | 'purchases' | 'any' {
  if (t.CanApplyToRevenue === false) return 'purchases';
  const report = (t.ReportTaxType ?? '').toUpperCase();
  if (/INPUT|EXPENSE|PURCHASE|ACQUISITION|IMPORT/.test(report)) return 'purchases';
  if (/OUTPUT|SALES|EXPORT/.test(report)) return 'sales';
  return 'any';
}

export function createXeroProvider(deps: XeroProviderDeps): XeroProvider {
  const api = createXeroApi({
    apiUrl: (deps.urls ?? XERO_PRODUCTION_URLS).api,
    tenantId: deps.tenantId,
    tokens: deps.tokens,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.pacer ? { pacer: deps.pacer } : {}),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
  const prefix = deps.contactNumberPrefix ?? 'BC-';
  const contactDeps: ContactDeps = { api, contactNumberPrefix: prefix };
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = deps.uncertainRetries ?? 2;
  const retryDelayMs = deps.retryDelayMs ?? 500;
  const status = deps.invoiceStatus ?? 'AUTHORISED';
  let described: { at: number; value: XeroChartDescription } | null = null;
  let organisation: ConnectionInfo | null = deps.organisationCache?.get() ?? null;
  const lists = deps.lists ?? null;
  const directory = lists?.contacts ?? new ContactDirectory();

  async function get<T>(path: string, query: Record<string, string | undefined>, parse: (json: unknown) => T, what: string): Promise<Outcome<T>> {
    const sent = await api.send({ method: 'GET', path, query });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) return ok(parse(reply.json));
    return failed(failureOf(reply, what));
  }

  async function testConnection(): Promise<Outcome<ConnectionInfo>> {
    const r = await get('/Organisation', {}, (j) => envelopes.organisations.parse(j).Organisations[0], 'Reading the Xero organisation');
    if (!r.ok) return r;
    if (!r.value) throw new Error('Xero answered /Organisation without an organisation');
    organisation = { organisationName: r.value.Name, baseCurrency: r.value.BaseCurrency };
    deps.organisationCache?.set(organisation);
    return ok(organisation);
  }

  async function describe(): Promise<Outcome<XeroChartDescription>> {
    if (described && now() - described.at < (deps.describeCacheMs ?? 60_000)) return ok(described.value);
    const [accounts, taxRates, tracking, items] = await Promise.all([
      get('/Accounts', {}, (j) => envelopes.accounts.parse(j).Accounts, 'Reading the Xero accounts'),
      get('/TaxRates', {}, (j) => envelopes.taxRates.parse(j).TaxRates, 'Reading the Xero tax rates'),
      get('/TrackingCategories', {}, (j) => envelopes.trackingCategories.parse(j).TrackingCategories, 'Reading the Xero tracking categories'),
      get('/Items', {}, (j) => envelopes.items.parse(j).Items, 'Reading the Xero items'),
    ]);
    for (const r of [accounts, taxRates, tracking, items]) if (!r.ok) return r;
    if (!accounts.ok || !taxRates.ok || !tracking.ok || !items.ok) throw new Error('unreachable');
    const active = accounts.value.filter((a) => a.Status !== 'ARCHIVED' && a.Status !== 'DELETED' && a.Code);
    const remote = (a: XeroAccount): RemoteAccount => ({
      code: a.Code ?? '',
      name: a.Name,
      type: accountType(a),
      isPaymentAccount: a.Type === 'BANK' || a.EnablePaymentsToAccount === true,
    });
    const value: XeroChartDescription = {
      accounts: active.map(remote),
      paymentAccounts: active.map(remote).filter((a) => a.isPaymentAccount),
      taxCodes: taxRates.value
        .filter((t) => t.Status !== 'DELETED' && t.Status !== 'ARCHIVED')
        .map((t) => ({ code: t.TaxType, name: t.Name, rate: t.EffectiveRate ?? t.DisplayTaxRate ?? '0', use: taxRateUse(t) })),
      items: items.value.map((i) => ({ id: i.ItemID, sku: i.Code, name: i.Name ?? i.Code })),
      trackingCategories: tracking.value
        .filter((c: XeroTrackingCategory) => c.Status !== 'ARCHIVED')
        .map((c) => ({ id: c.TrackingCategoryID, name: c.Name, options: c.Options.filter((o) => o.Status !== 'ARCHIVED').map((o) => ({ id: o.TrackingOptionID, name: o.Name })) })),
    };
    described = { at: now(), value };
    return ok(value);
  }

  // Filled by prefetch() for a page of orders: SKU → item, or null when Xero has no item with that code.
  const prefetchedItems = new Map<string, XeroItem | null>();

  /** A backfill page: its SKUs' items in a call per 25, and the whole contact list (1,000 a call), read once. */
  async function prefetch(input: { skus: readonly string[] }): Promise<Outcome<void>> {
    const wanted = [...new Set(input.skus)].filter((sku) => !prefetchedItems.has(sku));
    const items = await itemsByCode(wanted);
    if (!items.ok) return items;
    for (const sku of wanted) prefetchedItems.set(sku, null);
    for (const item of items.value) prefetchedItems.set(item.Code, item);
    if (lists) return lists.freshContacts(contactDeps);
    if (!directory.loaded) {
      const loaded = await directory.load(contactDeps);
      if (!loaded.ok) return loaded;
    }
    return ok(undefined);
  }

  /** The directory's answer, as the two lookups below would give it (active contacts only). */
  function fromDirectory(query: CustomerQuery): RemoteCustomer[] {
    const found = new Map<string, RemoteCustomer>();
    const linked = query.bcCustomerId ? directory.byNumber.get(`${prefix}${query.bcCustomerId}`) : undefined;
    if (linked?.ContactID) found.set(linked.ContactID, toRemoteCustomer(linked, prefix));
    for (const c of query.email ? directory.withEmail(query.email) : []) {
      if (c.ContactID && !found.has(c.ContactID)) found.set(c.ContactID, toRemoteCustomer(c, prefix));
    }
    return [...found.values()];
  }

  async function findCustomer(query: CustomerQuery): Promise<Outcome<RemoteCustomer[]>> {
    if (lists && !query.remoteId) {
      // Read once; after that only a miss asks Xero again, and not more than once per refresh window.
      if (!directory.loaded) {
        const first = await lists.freshContacts(contactDeps);
        if (!first.ok) return first;
      }
      const hit = fromDirectory(query);
      if (hit.length > 0) return ok(hit);
      const fresh = await lists.freshContacts(contactDeps);
      return fresh.ok ? ok(fromDirectory(query)) : fresh;
    }
    // After prefetch(): the directory answers.
    if (directory.loaded && !query.remoteId) return ok(fromDirectory(query));
    const found = new Map<string, RemoteCustomer>();
    if (query.remoteId) {
      const c = await contactById(contactDeps, query.remoteId);
      if (!c.ok) return c;
      if (c.value && c.value.ContactStatus !== 'ARCHIVED') found.set(c.value.ContactID ?? '', toRemoteCustomer(c.value, prefix));
    }
    if (query.bcCustomerId) {
      const c = await contactsWhere(contactDeps, whereEquals('ContactNumber', `${prefix}${query.bcCustomerId}`), 'Looking up the Xero contact');
      if (!c.ok) return c;
      for (const x of c.value) if (x.ContactID) found.set(x.ContactID, toRemoteCustomer(x, prefix));
    }
    if (query.email) {
      const c = await contactsWhere(contactDeps, whereEquals('EmailAddress', query.email), 'Looking up the Xero contact by email');
      if (!c.ok) return c;
      for (const x of c.value) if (x.ContactID && !found.has(x.ContactID)) found.set(x.ContactID, toRemoteCustomer(x, prefix));
    }
    return ok([...found.values()]);
  }

  async function upsertCustomer(customer: DocumentCustomer): Promise<Outcome<RemoteCustomer>> {
    const r = customer.remoteId ? await updateContact(contactDeps, customer.remoteId, customer) : await ensureContact(contactDeps, customer);
    return r.ok ? ok(toRemoteCustomer(r.value, prefix)) : r;
  }

  const itemsByCode = (skus: readonly string[]): Promise<Outcome<XeroItem[]>> => xeroItemsByCode(api, skus);

  async function findItemsBySku(skus: readonly string[]): Promise<Outcome<RemoteItem[]>> {
    if (lists) {
      if (!skus.every((sku) => lists.items.has(sku))) {
        const fresh = await lists.freshItems(api);
        if (!fresh.ok) return fresh;
      }
      return ok(skus.flatMap((sku) => lists.items.get(sku) ?? []).map(toRemoteItem));
    }
    if (skus.length > 0 && skus.every((sku) => prefetchedItems.has(sku))) {
      return ok(skus.flatMap((sku) => prefetchedItems.get(sku) ?? []).map(toRemoteItem));
    }
    const r = await itemsByCode(skus);
    return r.ok ? ok(r.value.map(toRemoteItem)) : r;
  }

  async function stockLevels(skus: readonly string[], locationIds?: readonly number[]): Promise<Outcome<StockLevel[]>> {
    // Xero has one stock location; it stands for the store's default location (1).
    if (locationIds && !locationIds.includes(1)) return ok([]);
    const r = await itemsByCode(skus);
    if (!r.ok) return r;
    return ok(r.value.filter((i) => i.IsTrackedAsInventory).map((i) => ({ sku: i.Code, locationId: 1, quantity: i.QuantityOnHand ?? '0' })));
  }

  async function baseCurrency(): Promise<Outcome<string>> {
    if (organisation) return ok(organisation.baseCurrency);
    const r = await testConnection();
    return r.ok ? ok(r.value.baseCurrency) : r;
  }

  /**
   * Xero's CurrencyRate is units of the document currency per unit of the organisation's base currency. Our
   * document's rate is per unit of the store's currency: usable when the two base currencies agree; otherwise
   * (or without a rate) Xero applies its daily rate.
   */
  async function currencyRateFor(document: Pick<SalesDocument, 'currency'>): Promise<Outcome<string | null>> {
    const { code, storeCurrency, exchangeRate } = document.currency;
    if (code === storeCurrency || exchangeRate === '1') return ok(null);
    const base = await baseCurrency();
    if (!base.ok) return base;
    return ok(base.value === storeCurrency && code !== base.value ? exchangeRate : null);
  }

  async function contactFor(document: SalesDocument, key: string): Promise<Outcome<InvoiceOptions['contact']>> {
    if (document.customer.remoteId) {
      const kept = await keepContactCurrent(contactDeps, deps.tenantId, document.customer);
      if (!kept.ok) return kept;
      return ok({ ContactID: document.customer.remoteId });
    }
    if (lists) {
      // The directory is current to within a Xero minute: a customer it does not know, under a name nobody has, is
      // created by the invoice itself (Xero creates the contact named in an invoice when none matches), no call of its own.
      let known = directory.loaded ? lists.contacts.match(document.customer, prefix) : undefined;
      if (!known) {
        const fresh = await lists.freshContacts(contactDeps);
        if (!fresh.ok) return fresh;
        known = lists.contacts.match(document.customer, prefix);
      }
      if (known?.ContactID) return ok({ ContactID: known.ContactID });
      if (!lists.contacts.nameTaken(document.customer.displayName)) {
        return ok(contactBody(document.customer, document.customer.displayName, prefix) as { Name: string } & Record<string, unknown>);
      }
    }
    const c = await ensureContact(contactDeps, document.customer, key);
    if (!c.ok) return c;
    return ok({ ContactID: c.value.ContactID ?? '' });
  }

  /** Invoices with this document's candidate numbers, and among them the one already booked for it (active, same Reference). */
  async function findPosted(document: SalesDocument): Promise<Outcome<{ posted: XeroInvoice | null; mine: XeroInvoice[] }>> {
    const candidates = numberCandidates(document.number);
    const r = await get('/Invoices', { InvoiceNumbers: candidates.join(',') }, (j) => envelopes.invoices.parse(j).Invoices, 'Looking up the invoice by number');
    if (!r.ok) return r;
    const mine = r.value.filter((i) => i.Type === 'ACCREC' && i.InvoiceNumber && candidates.includes(i.InvoiceNumber) && i.Status !== 'DELETED');
    return ok({ posted: mine.find((i) => ACTIVE(i.Status) && i.Reference === document.reference) ?? null, mine });
  }

  const postedOf = (i: XeroInvoice, created: boolean): PostedDocument => ({ remoteId: i.InvoiceID ?? '', number: i.InvoiceNumber ?? '', created });

  async function postDocument(document: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    if (idempotencyKey.length > XERO_LIMITS.idempotencyKeyMaxLength) throw new Error(`idempotency key longer than 128: ${idempotencyKey}`);
    const contact = await contactFor(document, idempotencyKey);
    if (!contact.ok) return contact;
    const rate = await currencyRateFor(document);
    if (!rate.ok) return rate;
    let number = document.number;
    let key = idempotencyKey;
    for (let attempt = 0; attempt <= retries + numberCandidates(number).length; attempt += 1) {
      const body = invoiceBody(document, { contact: contact.value, status, currencyRate: rate.value, number, tracking: deps.tracking ?? null });
      if (!body.ok) return body;
      const sent = await api.send({ method: 'PUT', path: '/Invoices', query: { summarizeErrors: 'false', unitdp: '4' }, body: { Invoices: [body.value] }, idempotencyKey: key });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (isUncertain(reply)) {
        const found = await findPosted(document);
        if (!found.ok) return found;
        if (found.value.posted) return withPayments(document, postedOf(found.value.posted, false), idempotencyKey);
        if (attempt >= retries) return failed(failureOf(reply, 'Posting the invoice'));
        // A 500 is replayed for the same key for minutes: retry under a derived key (the number still guards).
        key = reply.kind === 'no_response' ? key : `${idempotencyKey}:r${attempt + 1}`;
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (reply.kind !== 'response' || reply.status !== 200) {
        const failure = failureOf(reply, 'Posting the invoice');
        // The key was used by another run of this order with another body (it planned while this one posted, and
        // names the contact this one's invoice created): that run's invoice is ours. Found by number, or retried
        // under a derived key, which the invoice number still guards.
        if (failure.kind === 'duplicate' && attempt < retries) {
          const found = await findPosted(document);
          if (!found.ok) return found;
          if (found.value.posted) return withPayments(document, postedOf(found.value.posted, false), idempotencyKey);
          key = `${idempotencyKey}:k${attempt + 1}`;
          await sleep(retryDelayMs * (attempt + 1));
          continue;
        }
        return failed(failure);
      }
      const element = envelopes.invoices.parse(reply.json).Invoices[0];
      if (!element) throw new Error('Xero answered an invoice create without the invoice');
      const errors = elementErrors(element);
      if (errors.length === 0 && element.InvoiceID) {
        if (lists && !('ContactID' in contact.value) && element.Contact?.ContactID) {
          lists.contacts.add({ ...contact.value, ContactID: element.Contact.ContactID, ContactStatus: 'ACTIVE' } as XeroContact);
        }
        return withPayments(document, postedOf(element, true), idempotencyKey);
      }
      if (!isDuplicateInvoiceNumber(errors)) return failed(validationFailure(errors, `Xero refused invoice ${number}`));
      // The number is in use: our own earlier post (returned as not created), or a voided earlier version.
      const found = await findPosted(document);
      if (!found.ok) return found;
      if (found.value.posted) return withPayments(document, postedOf(found.value.posted, false), idempotencyKey);
      // Only a voided earlier version of this same order frees us to use the next number.
      const blocking = found.value.mine.find((i) => i.InvoiceNumber === number);
      const free = numberCandidates(document.number).find((n) => !found.value.mine.some((i) => i.InvoiceNumber === n));
      if (!blocking || blocking.Status !== 'VOIDED' || blocking.Reference !== document.reference || !free) {
        return failed({
          kind: 'duplicate',
          message: `Invoice number ${number} is already used in Xero by another document (${blocking?.Reference ?? 'unknown'}).`,
          ...(blocking?.InvoiceID ? { existingRemoteId: blocking.InvoiceID } : {}),
        });
      }
      number = free;
      key = `${idempotencyKey}:n${free.slice(document.number.length) || '1'}`;
    }
    return failed({ kind: 'unavailable', message: `Posting invoice ${document.number}: no definite answer from Xero after ${retries + 1} attempts.` });
  }

  /** Xero has no sales receipt: it is an invoice with its payments, which the pipeline leaves to the document. */
  async function withPayments(document: SalesDocument, posted: PostedDocument, key: string): Promise<Outcome<PostedDocument>> {
    if (document.kind !== 'sales_receipt') return ok(posted);
    for (const [i, payment] of document.payments.entries()) {
      const paid = await recordPayment(posted, payment, `${key}:pay:${i}`);
      if (!paid.ok) return paid;
    }
    return ok(posted);
  }

  async function getInvoice(id: string): Promise<Outcome<XeroInvoice | null>> {
    const sent = await api.send({ method: 'GET', path: `/Invoices/${encodeURIComponent(id)}` });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 404) return ok(null);
    if (reply.kind === 'response' && reply.status === 200) return ok(envelopes.invoices.parse(reply.json).Invoices[0] ?? null);
    return failed(failureOf(reply, 'Reading the invoice'));
  }

  /** What the invoice says now (statuses.fromBooks): one GET /Invoices/{id}. */
  async function documentStatus(document: PostedDocumentRef): Promise<Outcome<BooksStatus | null>> {
    const invoice = await getInvoice(document.remoteId);
    if (!invoice.ok) return invoice;
    return ok(invoice.value === null ? null : xeroBooksStatus(invoice.value));
  }

  /** Xero refuses payments on drafts: said as a skipped payment the merchant can act on, not as a failed order. */
  const skippedOnDraft = (document: PostedDocumentRef, payment: DocumentPayment): RecordedPayment => ({
    remoteId: '',
    created: false,
    skipped: draftPaymentMessage(document.number, payment),
  });

  /**
   * One payment (PUT /Payments) under the caller's key, found again rather than sent twice: after an uncertain answer,
   * or a refusal that says the document takes no more money (our own earlier call, answered too late?), `existing`
   * looks the payment up on its document. Xero's refusals come back as `refused` for the caller to read.
   */
  async function putPayment(
    body: Record<string, unknown>,
    idempotencyKey: string,
    existing: () => Promise<Outcome<{ remoteId: string; created: boolean } | null>>,
    what: string,
  ): Promise<Outcome<{ remoteId: string; created: boolean } | { refused: string[] }>> {
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      const key = attempt === 0 ? idempotencyKey : `${idempotencyKey}:r${attempt}`;
      const sent = await api.send({ method: 'PUT', path: '/Payments', query: { summarizeErrors: 'false' }, body: { Payments: [body] }, idempotencyKey: key });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (isUncertain(reply)) {
        const found = await existing();
        if (!found.ok) return found;
        if (found.value) return ok(found.value);
        if (attempt >= retries) return failed(failureOf(reply, what));
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, what));
      const element = envelopes.payments.parse(reply.json).Payments[0];
      const errors = element ? elementErrors(element) : ['no payment returned'];
      if (element?.PaymentID && errors.length === 0) return ok({ remoteId: element.PaymentID, created: true });
      if (errors.some((m) => ALREADY_PAID.test(m))) {
        const found = await existing();
        if (!found.ok) return found;
        if (found.value) return ok(found.value);
      }
      return ok({ refused: errors });
    }
    return failed({ kind: 'unavailable', message: `${what}: no definite answer from Xero.` });
  }

  /** A payment of that amount (and our reference) among the document's payments. */
  const paymentAmong = (payments: Array<{ PaymentID: string; Amount?: string; Reference?: string }> | undefined, amount: string, reference: string) => {
    const match = payments?.find((p) => p.Amount !== undefined && new Big(p.Amount).eq(amount) && (p.Reference === undefined || p.Reference === reference));
    return match ? { remoteId: match.PaymentID, created: false } : null;
  };

  async function recordPayment(document: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>> {
    // Invoices this provider posts are drafts: no call that Xero would refuse.
    if (status === 'DRAFT') return ok(skippedOnDraft(document, payment));
    const body = paymentBody(document.remoteId, payment, null);
    const existing = async (): Promise<Outcome<{ remoteId: string; created: boolean } | null>> => {
      const inv = await getInvoice(document.remoteId);
      return inv.ok ? ok(paymentAmong(inv.value?.Payments, payment.amount, String(body.Reference))) : inv;
    };
    const paid = await putPayment(body, idempotencyKey, existing, 'Recording the payment');
    if (!paid.ok || !('refused' in paid.value)) return paid as Outcome<RecordedPayment>;
    // A draft all the same (a sales order, or returned to draft in Xero): the refusal is Xero's rule, not a fault.
    const invoice = await getInvoice(document.remoteId);
    if (invoice.ok && (invoice.value?.Status === 'DRAFT' || invoice.value?.Status === 'SUBMITTED')) return ok(skippedOnDraft(document, payment));
    // Paid in full in Xero by someone else (a bank transfer reconciled there, whose status the order then took:
    // statuses.fromBooks): the money is in the books once already; recording the store's capture too would count it twice.
    if (invoice.ok && invoice.value?.Status === 'PAID' && paid.value.refused.some((m) => ALREADY_PAID.test(m))) {
      return ok({ remoteId: '', created: false, skipped: `Invoice ${document.number} was paid in full in Xero already, so this payment of ${payment.amount} was not recorded again. Check which payment is right in Xero.` });
    }
    return failed(validationFailure(paid.value.refused, `Xero refused the payment to account ${payment.account}`));
  }

  async function voidDocument(document: PostedDocumentRef, idempotencyKey: string): Promise<Outcome<{ remoteId: string; created: boolean }>> {
    const inv = await getInvoice(document.remoteId);
    if (!inv.ok) return inv;
    if (!inv.value) return failed({ kind: 'not_found', message: `Invoice ${document.number} is not in Xero any more.` });
    const current = inv.value.Status;
    if (current === 'VOIDED' || current === 'DELETED') return ok({ remoteId: document.remoteId, created: false });
    if (current === 'PAID' || (inv.value.AmountPaid !== undefined && !new Big(inv.value.AmountPaid).eq(0))) {
      return failed(validationFailure([`Invoice ${document.number} has payments in Xero, so it cannot be voided: remove the payments in Xero or refund the order to credit it.`], 'Voiding the invoice'));
    }
    const target = current === 'AUTHORISED' ? 'VOIDED' : 'DELETED';
    const sent = await api.send({
      method: 'POST',
      path: `/Invoices/${encodeURIComponent(document.remoteId)}`,
      query: { summarizeErrors: 'false' },
      body: { Invoices: [{ InvoiceID: document.remoteId, Status: target }] },
      idempotencyKey,
    });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (isUncertain(reply)) {
      const again = await getInvoice(document.remoteId);
      if (again.ok && again.value && !ACTIVE(again.value.Status)) return ok({ remoteId: document.remoteId, created: true });
      return failed(failureOf(reply, 'Voiding the invoice'));
    }
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Voiding the invoice'));
    const element = envelopes.invoices.parse(reply.json).Invoices[0];
    const errors = element ? elementErrors(element) : [];
    if (errors.length) return failed(validationFailure(errors, `Xero refused to void invoice ${document.number}`));
    return ok({ remoteId: document.remoteId, created: true });
  }

  async function postCreditNote(input: CreditNoteInput, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    const inv = await getInvoice(input.document.remoteId);
    if (!inv.ok) return inv;
    if (!inv.value) return failed({ kind: 'not_found', message: `Invoice ${input.document.number} is not in Xero any more, so it cannot be credited.` });
    const invoice = inv.value;
    const reference = creditReference(input);
    const base = input.number;
    const candidates = numberCandidates(base);
    const lookup = async () => {
      const r = await get('/CreditNotes', { CreditNoteNumbers: candidates.join(',') }, (j) => envelopes.creditNotes.parse(j).CreditNotes, 'Looking up the credit note');
      if (!r.ok) return r;
      const mine = r.value.filter((c) => c.CreditNoteNumber && candidates.includes(c.CreditNoteNumber));
      return ok({ posted: mine.find((c) => ACTIVE(c.Status) && c.Reference === reference) ?? null, taken: new Set(mine.filter((c) => c.Status !== 'DELETED').map((c) => c.CreditNoteNumber ?? '')) });
    };
    let number = base;
    let key = idempotencyKey;
    let created: { id: string; number: string; created: boolean } | null = null;
    for (let attempt = 0; attempt <= retries + candidates.length && !created; attempt += 1) {
      const body = creditNoteFor(input, invoice, number);
      if (!body.ok) return body;
      const sent = await api.send({ method: 'PUT', path: '/CreditNotes', query: { summarizeErrors: 'false', unitdp: '4' }, body: { CreditNotes: [body.value] }, idempotencyKey: key });
      if (!sent.ok) return sent;
      const reply: XeroReply = sent.value;
      if (isUncertain(reply) || (reply.kind === 'response' && reply.status === 200)) {
        const element = reply.kind === 'response' && reply.status === 200 ? envelopes.creditNotes.parse(reply.json).CreditNotes[0] : undefined;
        const errors = element ? elementErrors(element) : [];
        if (element?.CreditNoteID && errors.length === 0) {
          created = { id: element.CreditNoteID, number: element.CreditNoteNumber ?? number, created: true };
          break;
        }
        if (element && !isDuplicateInvoiceNumber(errors)) return failed(validationFailure(errors, 'Xero refused the credit note'));
        const found = await lookup();
        if (!found.ok) return found;
        if (found.value.posted) {
          created = { id: found.value.posted.CreditNoteID ?? '', number: found.value.posted.CreditNoteNumber ?? '', created: false };
          break;
        }
        if (element) {
          const free = candidates.find((n) => !found.value.taken.has(n));
          if (!free) return failed({ kind: 'duplicate', message: `Credit note numbers ${base}… are all used in Xero.` });
          number = free;
          key = `${idempotencyKey}:n${attempt + 1}`;
          continue;
        }
        if (attempt >= retries) return failed(failureOf(reply, 'Posting the credit note'));
        key = reply.kind === 'no_response' ? key : `${idempotencyKey}:r${attempt + 1}`;
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      return failed(failureOf(reply, 'Posting the credit note'));
    }
    if (!created) return failed({ kind: 'unavailable', message: 'Posting the credit note: no definite answer from Xero.' });
    const allocated = await allocateIfOwed(created.id, invoice, input.date, `${idempotencyKey}:alloc`);
    if (!allocated.ok) return allocated;
    return ok({ remoteId: created.id, number: created.number, created: created.created });
  }

  /** Credit notes refer to their invoice: "Credit for BC-218: BigCommerce refund 7". */
  const creditReference = (input: CreditNoteInput) => `Credit for ${input.document.number}: ${input.reason}`.slice(0, 255);

  /** A credit note of some lines of `invoice`, in its contact, line amount type, currency and rate. */
  const creditNoteFor = (input: CreditNoteInput, invoice: XeroInvoice, number: string) =>
    creditNoteBody({
      lines: input.lines, lat: (invoice.LineAmountTypes ?? 'Exclusive') as LineAmountTypes, contactId: invoice.Contact?.ContactID ?? '', number,
      reference: creditReference(input), date: input.date, currencyCode: invoice.CurrencyCode ?? '',
      currencyRate: invoice.CurrencyCode && invoice.CurrencyRate && invoice.CurrencyRate !== '1' ? invoice.CurrencyRate : null, tracking: deps.tracking ?? null,
    });

  /** Only an approved invoice that still owes something takes an allocation (a paid one: the credit is paid out). */
  const allocateIfOwed = (creditNoteId: string, invoice: XeroInvoice, date: string, key: string): Promise<Outcome<void>> =>
    invoice.Status === 'AUTHORISED' && new Big(invoice.AmountDue ?? '0').gt(0) ? allocate(creditNoteId, invoice, date, key) : Promise.resolve(ok(undefined));

  /**
   * A backfill page's credit notes: their invoices read in one call per 50 (`IDs`), the credit notes sent 50 a request
   * with summarizeErrors=false. An element Xero did not take cleanly (a number in use, an uncertain answer) goes the
   * single way, which looks it up before sending it again; an invoice that still owes something gets its allocation.
   */
  async function postCreditNotes(items: readonly { input: CreditNoteInput; idempotencyKey: string }[]): Promise<Array<Outcome<PostedDocument>>> {
    const results: Array<Outcome<PostedDocument>> = new Array(items.length);
    const invoices = new Map<string, XeroInvoice>();
    const ids = [...new Set(items.map((i) => i.input.document.remoteId))];
    for (let i = 0; i < ids.length; i += XERO_BATCH_SIZE) {
      const r = await get('/Invoices', { IDs: ids.slice(i, i + XERO_BATCH_SIZE).join(',') }, (j) => envelopes.invoices.parse(j).Invoices, 'Reading the invoices to credit');
      if (!r.ok) return items.map(() => r);
      for (const inv of r.value) if (inv.InvoiceID) invoices.set(inv.InvoiceID, inv);
    }
    const sendable: Array<{ index: number; body: Record<string, unknown> }> = [];
    items.forEach(({ input }, index) => {
      const invoice = invoices.get(input.document.remoteId);
      if (!invoice) {
        results[index] = failed({ kind: 'not_found', message: `Invoice ${input.document.number} is not in Xero any more, so it cannot be credited.` });
        return;
      }
      const body = creditNoteFor(input, invoice, input.number);
      if (!body.ok) results[index] = body;
      else sendable.push({ index, body: body.value as unknown as Record<string, unknown> });
    });
    const single: number[] = [];
    for (let i = 0; i < sendable.length; i += XERO_BATCH_SIZE) {
      const group = sendable.slice(i, i + XERO_BATCH_SIZE);
      const key = batchKey('xn', group.map((g) => items[g.index]!.idempotencyKey));
      const sent = await api.send({ method: 'PUT', path: '/CreditNotes', query: { summarizeErrors: 'false', unitdp: '4' }, body: { CreditNotes: group.map((g) => g.body) }, idempotencyKey: key });
      if (!sent.ok) {
        for (const g of group) results[g.index] = sent;
        continue;
      }
      const reply = sent.value;
      if (isUncertain(reply)) {
        single.push(...group.map((g) => g.index));
        continue;
      }
      if (reply.kind !== 'response' || reply.status !== 200) {
        const failure = failureOf(reply, 'Posting credit notes');
        for (const g of group) results[g.index] = failed(failure);
        continue;
      }
      const elements = envelopes.creditNotes.parse(reply.json).CreditNotes;
      group.forEach((g, n) => {
        const element = elements[n];
        const errors = element ? elementErrors(element) : ['missing from the answer'];
        if (element?.CreditNoteID && errors.length === 0) results[g.index] = ok({ remoteId: element.CreditNoteID, number: element.CreditNoteNumber ?? String(g.body.CreditNoteNumber), created: true });
        else if (!element || isDuplicateInvoiceNumber(errors)) single.push(g.index);
        else results[g.index] = failed(validationFailure(errors, 'Xero refused the credit note'));
      });
    }
    for (const index of single) results[index] = await postCreditNote(items[index]!.input, items[index]!.idempotencyKey);
    // Allocations where the invoice still owes something (rare in a backfill: refunded orders were paid).
    for (const [index, outcome] of results.entries()) {
      const { input, idempotencyKey } = items[index]!;
      const invoice = invoices.get(input.document.remoteId);
      if (!outcome.ok || single.includes(index) || !invoice) continue;
      const allocated = await allocateIfOwed(outcome.value.remoteId, invoice, input.date, `${idempotencyKey}:alloc`);
      if (!allocated.ok) results[index] = allocated;
    }
    return results;
  }

  /**
   * The invoice's lines, contact and dates replaced by `next`'s (POST /Invoices/{InvoiceID}), its number and status kept.
   * Xero refuses to edit an invoice with a payment or credit note allocated ("This document cannot be edited as it has
   * a payment or credit note allocated to it"): that, and a PAID invoice, is `locked`, and the pipeline books an
   * adjustment instead. https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
   */
  async function updateDocument(document: PostedDocumentRef, next: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>> {
    const inv = await getInvoice(document.remoteId);
    if (!inv.ok) return inv;
    const current = inv.value;
    if (!current || !ACTIVE(current.Status)) return failed({ kind: 'not_found', message: `Invoice ${document.number} is not in Xero any more (voided or deleted there), so it cannot be updated.` });
    const allocated = new Big(current.AmountPaid ?? '0').plus(current.AmountCredited ?? '0');
    if (current.Status === 'PAID' || !allocated.eq(0)) {
      return failed({ kind: 'locked', message: `invoice ${document.number} has payments or credit notes allocated in Xero` });
    }
    const contact = await contactFor(next, idempotencyKey);
    if (!contact.ok) return contact;
    const rate = await currencyRateFor(next);
    if (!rate.ok) return rate;
    const keep = current.Status === 'DRAFT' || current.Status === 'SUBMITTED' ? 'DRAFT' : 'AUTHORISED';
    const body = invoiceBody(next, { contact: contact.value, status: keep, currencyRate: rate.value, number: current.InvoiceNumber ?? document.number, tracking: deps.tracking ?? null });
    if (!body.ok) return body;
    const sameAsNext = (i: XeroInvoice | null) => !!i && i.Total !== undefined && new Big(i.Total).eq(next.totals.total) && i.TotalTax !== undefined && new Big(i.TotalTax).eq(next.totals.tax);
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      const key = attempt === 0 ? idempotencyKey : `${idempotencyKey}:r${attempt}`;
      const sent = await api.send({
        method: 'POST',
        path: `/Invoices/${encodeURIComponent(document.remoteId)}`,
        query: { summarizeErrors: 'false', unitdp: '4' },
        body: { Invoices: [{ InvoiceID: document.remoteId, ...body.value, Status: current.Status === 'SUBMITTED' ? 'SUBMITTED' : body.value.Status }] },
        idempotencyKey: key,
      });
      if (!sent.ok) return sent;
      const reply = sent.value;
      if (isUncertain(reply)) {
        const again = await getInvoice(document.remoteId);
        if (again.ok && sameAsNext(again.value)) return ok({ remoteId: document.remoteId, number: again.value?.InvoiceNumber ?? document.number, created: false });
        if (attempt >= retries) return failed(failureOf(reply, 'Updating the invoice'));
        await sleep(retryDelayMs * (attempt + 1));
        continue;
      }
      if (reply.kind !== 'response') return failed(failureOf(reply, 'Updating the invoice'));
      const element = reply.status === 200 ? envelopes.invoices.parse(reply.json).Invoices[0] : undefined;
      const errors = element ? elementErrors(element) : [];
      if (reply.status === 400) {
        const failure = failureOf(reply, `Xero refused to update invoice ${document.number}`);
        const messages = failure.kind === 'validation' ? (failure.fields ?? []).map((f) => f.message) : [];
        if (isDocumentLocked(messages) || messages.some((m) => NOT_VALID_STATUS_FOR_MODIFICATION.test(m))) return failed({ kind: 'locked', message: messages.join(' ') });
        return failed(failure);
      }
      if (reply.status !== 200) return failed(failureOf(reply, 'Updating the invoice'));
      if (isDocumentLocked(errors) || errors.some((m) => NOT_VALID_STATUS_FOR_MODIFICATION.test(m))) return failed({ kind: 'locked', message: errors.join(' ') });
      if (errors.length) return failed(validationFailure(errors, `Xero refused to update invoice ${document.number}`));
      return ok({ remoteId: document.remoteId, number: element?.InvoiceNumber ?? document.number, created: true });
    }
    return failed({ kind: 'unavailable', message: 'Updating the invoice: no definite answer from Xero.' });
  }

  /**
   * A refund paid out: a payment on the credit note (PUT /Payments with `CreditNote`), Xero's "cash refund", from the
   * account the money leaves. https://developer.xero.com/documentation/api/accounting/payments (refunding a credit
   * note). While invoices are posted as drafts their payments are not sent, so neither is the money paid back.
   */
  async function payOut(credit: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>> {
    if (status === 'DRAFT') {
      return ok({ remoteId: '', created: false, skipped: `Refund of ${payment.amount} not recorded in Xero: invoices are posted as drafts, so payments are left to you; record the refund on credit note ${credit.number} in Xero.` });
    }
    const body = payoutBody(credit, payment);
    const existing = async (): Promise<Outcome<{ remoteId: string; created: boolean } | null>> => {
      const cn = await get(`/CreditNotes/${encodeURIComponent(credit.remoteId)}`, {}, (j) => envelopes.creditNotes.parse(j).CreditNotes[0], 'Reading the credit note');
      return cn.ok ? ok(paymentAmong(cn.value?.Payments, payment.amount, String(body.Reference))) : cn;
    };
    const paid = await putPayment(body, idempotencyKey, existing, 'Paying out the refund');
    if (!paid.ok || !('refused' in paid.value)) return paid as Outcome<RecordedPayment>;
    return failed(validationFailure(paid.value.refused, `Xero refused the refund payment from account ${payment.account}`));
  }

  /** Allocates what is left of the credit note to the invoice, up to what the invoice still owes. */
  async function allocate(creditNoteId: string, invoice: XeroInvoice, date: string, key: string): Promise<Outcome<void>> {
    const cn = await get(`/CreditNotes/${encodeURIComponent(creditNoteId)}`, {}, (j) => envelopes.creditNotes.parse(j).CreditNotes[0], 'Reading the credit note');
    if (!cn.ok) return cn;
    const fresh = await getInvoice(invoice.InvoiceID ?? '');
    if (!fresh.ok) return fresh;
    const remaining = new Big(cn.value?.RemainingCredit ?? '0');
    const due = new Big(fresh.value?.AmountDue ?? '0');
    const amount = remaining.lt(due) ? remaining : due;
    if (amount.lte(0) || fresh.value?.Status !== 'AUTHORISED') return ok(undefined);
    const sent = await api.send({
      method: 'PUT',
      path: `/CreditNotes/${encodeURIComponent(creditNoteId)}/Allocations`,
      body: { Allocations: [{ Invoice: { InvoiceID: invoice.InvoiceID }, Amount: decimal(amount.toFixed(2)), Date: date }] },
      idempotencyKey: key,
    });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) {
      const element = envelopes.allocations.parse(reply.json).Allocations[0];
      const errors = element ? elementErrors(element) : [];
      return errors.length ? failed(validationFailure(errors, 'Xero refused to allocate the credit note')) : ok(undefined);
    }
    return failed(failureOf(reply, 'Allocating the credit note'));
  }

  const provider: XeroProvider = {
    id: 'xero',
    displayName: 'Xero',
    limits: XERO_LIMITS,
    api,
    testConnection,
    describe,
    findCustomer,
    upsertCustomer,
    findItemsBySku,
    prefetch,
    itemRules: XERO_ITEM_RULES,
    upsertItems: async (items) => {
      const written = await upsertXeroItems({ api, retries, retryDelayMs, sleep }, items);
      lists?.itemsChanged();
      return written;
    },
    postDocument,
    recordPayment,
    voidDocument,
    postCreditNote,
    postCreditNotes,
    updateDocument,
    postSummary: (input) =>
      input.document === 'journal'
        ? postXeroSummaryJournal({ api, status, tracking: deps.tracking ?? null, baseCurrency }, input)
        : refuseIfPostedAsJournal(api, input).then((guard) =>
            guard.ok ? postXeroSummary({ api, contacts: contactDeps, status, tracking: deps.tracking ?? null, currencyRate: (currency) => currencyRateFor({ currency }) }, input) : guard,
          ),
    summaryDocuments: ['sales', 'journal'],
    summaryDocumentProblem: async (kind) => (kind === 'journal' ? journalPermissionProblem(deps.tokens) : null),
    payOut,
    payOuts: async (items) =>
      status === 'DRAFT'
        ? Promise.all(items.map((i) => payOut(i.credit, i.payment, i.idempotencyKey)))
        : recordPaymentsBatch(
            { api, recordOne: (credit, payment, key) => payOut(credit, payment, key), bodyOf: (item) => payoutBody(item.document, item.payment) },
            items.map((i) => ({ document: i.credit, payment: i.payment, idempotencyKey: i.idempotencyKey })),
          ),
    stockLevels,
    documentStatus,
    listDocuments: (range) => listXeroDocuments(api, range, baseCurrency),
    listPayments: (range) => listXeroPayments(api, range),
    postDocuments: (items) =>
      postDocumentsBatch(
        { api, contacts: contactDeps, directory, status, tracking: deps.tracking ?? null, currencyRateFor, postOne: postDocument, retries, sleep, retryDelayMs },
        items,
      ),
    recordPayments: async (items) =>
      status === 'DRAFT' ? items.map((i) => ok(skippedOnDraft(i.document, i.payment))) : recordPaymentsBatch({ api, recordOne: recordPayment }, items),
  };
  return provider;
}
