/**
 * The one interface every accounting system sits behind: the built-in ledger, Xero, QuickBooks Online.
 * Expected failures are data (`ProviderFailure`); bugs throw. Every write takes an idempotency key so a retry
 * finds the first result instead of writing twice (ledger: unique posting key; Xero: Idempotency-Key header;
 * QuickBooks: ?requestid=).
 */
import type { ItemToCreate } from './items-import';
import type { DocumentCustomer, DocumentPayment, DocumentLine, SalesDocument } from './sales-document';
import type { DailySummary } from './summary/daily-summary';

/** What `postSummary` posts: the summary, its number and customer, and what it replaces. */
export interface SummaryPosting {
  summary: DailySummary;
  number: string;
  /** "Online sales — Credit Card", or the customer the merchant chose (a named customer, found or created by name). */
  customer: DocumentCustomer;
  /** "Daily summary 2026-11-01, USD, Credit Card (42 orders, 3 refunds)". */
  description: string;
  idempotencyKey: string;
  replaces: PostedDocumentRef | null;
  /**
   * `posting.summaryDocument`: the system's sales documents (default), or a journal where the system has one (its
   * `summaryDocuments` says so). The built-in ledger books a journal entry either way.
   */
  document?: SummaryDocumentKind;
}

export type SummaryDocumentKind = 'sales' | 'journal';


// ---- outcomes ----
export type ProviderFailure =
  /** Slow down: the job layer turns this into RetryAfterError(retryAfterMs). */
  | { kind: 'rate_limited'; message: string; retryAfterMs: number }
  /** The system refused the data; the merchant must fix something (mapping, item, closed period). */
  | { kind: 'validation'; message: string; fields?: { field: string; message: string }[] }
  /**
   * The document can no longer be changed there (Xero: a payment or credit note is allocated to it): the change is
   * booked as an adjustment instead.
   */
  | { kind: 'locked'; message: string }
  /** A document with this number or key already exists and could not be returned as ours. */
  | { kind: 'duplicate'; message: string; existingRemoteId?: string }
  /** The connection was revoked or the refresh token expired: reconnect. */
  | { kind: 'auth_revoked'; message: string }
  | { kind: 'not_found'; message: string }
  /** Outage or timeout: retry later. */
  | { kind: 'unavailable'; message: string; retryAfterMs?: number };

export type FailureKind = ProviderFailure['kind'];
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProviderFailure };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <K extends FailureKind>(error: Extract<ProviderFailure, { kind: K }>): Outcome<never> => ({ ok: false, error });

// ---- what providers return ----
export interface ProviderLimits {
  /** Documents per create request (Xero ~50 with summarizeErrors=false, QuickBooks batch ≤ 30, ledger 1). */
  batchSize: number;
  /** Calls per minute per tenant (Xero 60, QuickBooks 500); null = no limit. */
  callsPerMinute: number | null;
  /** Concurrent calls per tenant (Xero 5, QuickBooks 10). */
  concurrency: number;
  /** Calls per day per tenant (Xero 5,000); null = none. */
  callsPerDay: number | null;
  documentNumberMaxLength: number;
  customerNameMaxLength: number;
  idempotencyKeyMaxLength: number;
  /** Longest document reference the system keeps (the merchant's reference template is cut to it, with a note); none when unlimited. */
  referenceMaxLength?: number;
  /** Longest line description the system keeps (the merchant's description template is cut to it, with a note). */
  lineDescriptionMaxLength?: number;
  /** Document kinds the system has; others are mapped by the provider (QuickBooks has no sales order). */
  documentKinds: readonly SalesDocument['kind'][];
}

export interface ConnectionInfo {
  organisationName: string;
  baseCurrency: string;
}

export interface RemoteAccount {
  code: string;
  name: string;
  type: 'asset' | 'liability' | 'equity' | 'income' | 'expense';
  /** Can receive payments (bank / clearing accounts). */
  isPaymentAccount: boolean;
}
export interface RemoteTaxCode {
  code: string;
  name: string;
  /** Percent as a decimal string. */
  rate: string;
  /**
   * What the code applies to, where the system says (Xero's ReportTaxType, QuickBooks' sales and purchase rate
   * lists): sales codes are the ones a store's tax rates map to. Absent: not known (told apart by name).
   */
  use?: 'sales' | 'purchases' | 'any';
}
export interface RemoteItem {
  id: string;
  sku: string;
  name: string;
  /** Details, where the system reports them (catalog import "update details", "push product details"). */
  description?: string;
  /** Selling price as a decimal string; null when the item has none. */
  unitPrice?: string | null;
}

/** What a system accepts for items (the catalog import plans within these). */
export interface ItemRules {
  skuMaxLength: number;
  nameMaxLength: number;
  descriptionMaxLength: number;
  /** Tracking quantity on hand needs an inventory asset and a cost-of-goods-sold account (Xero), else the system has its own. */
  trackingNeedsAccounts: boolean;
}

/** One item write of the catalog import: a new item, or new details (only the fields given) for an existing one. */
export type ItemWrite =
  | ({ kind: 'create' } & Omit<ItemToCreate, 'source'>)
  | { kind: 'update'; id: string | null; sku: string; name?: string; description?: string; unitPrice?: string };

export interface WrittenItem {
  id: string;
  sku: string;
  /** False when a create found the SKU already there (left alone) or for an update. */
  created: boolean;
  tracked: boolean;
}
export interface RemoteCustomer {
  remoteId: string;
  displayName: string;
  email: string | null;
  bcCustomerId: number | null;
}
export interface RemoteTrackingCategory {
  id: string;
  name: string;
  /** Active options only. */
  options: Array<{ id: string; name: string }>;
}
export interface ChartDescription {
  accounts: RemoteAccount[];
  taxCodes: RemoteTaxCode[];
  paymentAccounts: RemoteAccount[];
  items: RemoteItem[];
  /** Active tracking categories (Xero); absent where the system has none. */
  trackingCategories?: RemoteTrackingCategory[];
}

export interface PostedDocument {
  remoteId: string;
  number: string;
  /** False when the idempotency key had been used: this is the document the first call created. */
  created: boolean;
}

export interface PostedDocumentRef {
  remoteId: string;
  number: string;
}

/**
 * A payment the system recorded, or one it could not be given and why: Xero takes payments only on approved
 * invoices, so a payment to a draft is `skipped` with a message the merchant can act on (remoteId empty).
 */
export interface RecordedPayment {
  remoteId: string;
  created: boolean;
  skipped?: string;
}

/**
 * What the books say about a posted document, for `statuses.fromBooks`: paid in full, partly paid, voided, credited
 * (a credit note allocated to it), or still open as posted.
 */
export type BooksStatus = 'paid' | 'partlyPaid' | 'voided' | 'credited' | 'open';

/**
 * A sales document or credit note as the books hold it now, for reconciliation: read from the system itself (a person
 * may have edited, voided, deleted or added documents there). Money as decimal strings in the document's currency.
 */
export interface BooksDocument {
  remoteId: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  reference: string;
  /** The BigCommerce order where the system records it (the built-in ledger); null where it must be told from number and reference. */
  orderId: number | null;
  /** YYYY-MM-DD, the document's own date. */
  date: string;
  currency: string;
  /** Gross total and tax (positive for a credit note too). */
  total: string;
  tax: string;
  status: 'open' | 'paid' | 'voided';
  /** For a credit note: the documents (remote ids) it is allocated to, where the system says. */
  appliesTo?: string[];
  /**
   * Money received in the document itself (a sales receipt: its deposit account and amount), in the account codes the
   * payment mappings use. Payments made against a document are `listPayments`' instead.
   */
  received?: Array<{ account: string; amount: string }>;
}

/** Reconciliation: a payment received against a sales document, as the books hold it now. */
export interface BooksPayment {
  remoteId: string;
  /** The document it pays (remote id, as `BooksDocument.remoteId`), where the system says. */
  documentId: string | null;
  /** That document's number, where the system says ('' otherwise). */
  documentNumber: string;
  /** The BigCommerce order where the system records it (the built-in ledger); null otherwise. */
  orderId: number | null;
  /** YYYY-MM-DD, the payment's own date. */
  date: string;
  currency: string;
  /** Positive decimal string. */
  amount: string;
  /** The account the money went into, as the payment mappings name it (a code; QuickBooks: the account id). */
  account: string;
}

export interface CreditNoteInput {
  /** The document being credited. */
  document: PostedDocumentRef;
  /** The credit note's own number (BC-218-CR1 for the order's first refund, -CX for a cancellation). */
  number: string;
  /** Lines to credit, in the original document's terms (positive amounts). */
  lines: DocumentLine[];
  date: string;
  reason: string;
}

export interface StockLevel {
  sku: string;
  locationId: number;
  /** Decimal string; may be fractional in some systems. */
  quantity: string;
}

export interface CustomerQuery {
  bcCustomerId?: number | null;
  email?: string | null;
  remoteId?: string;
}

export interface AccountingProvider {
  /** The registry's id of the system (lib/accounting/registry.ts): nothing outside lib/accounting names one. */
  readonly id: string;
  readonly displayName: string;
  readonly limits: ProviderLimits;

  testConnection(): Promise<Outcome<ConnectionInfo>>;
  /** Accounts, tax codes, payment accounts and items for the mapping pages. */
  describe(): Promise<Outcome<ChartDescription>>;
  findCustomer(query: CustomerQuery): Promise<Outcome<RemoteCustomer[]>>;
  /** Creates the document's customer when `remoteId` is null, else updates it; returns the remote customer. */
  upsertCustomer(customer: DocumentCustomer): Promise<Outcome<RemoteCustomer>>;
  /** Exact SKU matches only. */
  findItemsBySku(skus: readonly string[]): Promise<Outcome<RemoteItem[]>>;
  /** Item limits of the system; with `upsertItems`, absent where items cannot be written. */
  readonly itemRules?: ItemRules;
  /** Creates items (a SKU found there already is left alone) or updates their details; results in the order given. */
  upsertItems?(items: readonly ItemWrite[]): Promise<Array<Outcome<WrittenItem>>>;
  /** Posts (or, for a key already used, returns) the document. */
  postDocument(document: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>>;
  recordPayment(document: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>>;
  voidDocument(document: PostedDocumentRef, idempotencyKey: string): Promise<Outcome<{ remoteId: string; created: boolean }>>;
  /**
   * Replaces the lines, customer and amounts of a posted document with `next`'s, keeping its number and what was
   * paid on it. `locked` when the system no longer lets it change (the pipeline then books an adjustment).
   */
  updateDocument(document: PostedDocumentRef, next: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>>;
  /**
   * Daily summary mode (lib/sync/summary): a day's summary for one currency and payment method as one document under
   * `idempotencyKey` (the same key returns what it created). `replaces`: the summary posted earlier for the same day,
   * currency and method, which this one replaces (an open day refreshed). A system without it cannot be put in
   * summary mode: saving the setting says so.
   */
  postSummary?(input: SummaryPosting): Promise<Outcome<PostedDocument>>;
  /** What `postSummary` can post a summary as (`posting.summaryDocument`); absent: sales documents only. */
  summaryDocuments?: readonly SummaryDocumentKind[];
  /**
   * Why this connection cannot post summaries as `kind` now (a permission it was not granted), for the settings pages;
   * null when it can or cannot tell.
   */
  summaryDocumentProblem?(kind: SummaryDocumentKind): Promise<string | null>;
  /** A credit note for some lines of a posted document, applied to what the document still owes, if anything. */
  postCreditNote(input: CreditNoteInput, idempotencyKey: string): Promise<Outcome<PostedDocument>>;
  /**
   * Money paid back to the shopper against a credit note (a refund): out of `payment.account` (the clearing account
   * the money came into, or the store-credit and gift-certificate accounts).
   */
  payOut(credit: PostedDocumentRef, payment: DocumentPayment, idempotencyKey: string): Promise<Outcome<RecordedPayment>>;
  stockLevels(skus: readonly string[], locationIds?: readonly number[]): Promise<Outcome<StockLevel[]>>;
  /**
   * What the books say about a posted document now (read from the system, never from our records); null when it no
   * longer exists there. Absent where the system's documents change only through the app (the built-in ledger).
   */
  documentStatus?(document: PostedDocumentRef): Promise<Outcome<BooksStatus | null>>;
  /**
   * The posted documents (remote ids) a transaction a webhook named applies to: a payment names itself, not the
   * invoices it pays. [] for anything else or a transaction gone. Absent where webhooks name documents themselves.
   */
  linkedDocuments?(remoteRef: string): Promise<Outcome<string[]>>;

  /**
   * Reconciliation: every sales document and credit note dated from..to (YYYY-MM-DD, inclusive) as the books hold it now
   * (deleted ones are absent), read in pages through the provider's pacer. Absent where not built (the caller says so).
   */
  listDocuments?(range: { from: string; to: string }): Promise<Outcome<BooksDocument[]>>;
  /**
   * Reconciliation: the payments received against sales documents dated from..to, as the books hold them now (deleted
   * and voided ones are absent), read in pages through the provider's pacer. A sales receipt's own money is on its
   * document (`received`), not here. Absent where not built: payments are then not compared.
   */
  listPayments?(range: { from: string; to: string }): Promise<Outcome<BooksPayment[]>>;

  // ---- many orders at once (backfills); optional: the pipeline falls back to one call per order ----
  /**
   * Before planning a page of orders: reads in a few calls what the plans will look up one by one (items by SKU,
   * customers), so findItemsBySku and findCustomer answer from it. Remote systems with a minute limit need it.
   */
  prefetch?(input: { skus: readonly string[] }): Promise<Outcome<void>>;
  /** Up to `limits.batchSize` documents a request; results in the order given, each as postDocument's. */
  postDocuments?(items: readonly { document: SalesDocument; idempotencyKey: string }[]): Promise<Array<Outcome<PostedDocument>>>;
  /** Credit notes, batched likewise (a backfill page's refunds); results in the order given, each as postCreditNote's. */
  postCreditNotes?(items: readonly { input: CreditNoteInput; idempotencyKey: string }[]): Promise<Array<Outcome<PostedDocument>>>;
  /** Refund payments against credit notes, batched likewise; results in the order given, each as payOut's. */
  payOuts?(items: readonly { credit: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string }[]): Promise<Array<Outcome<RecordedPayment>>>;
  /** Payments of posted documents, batched likewise; results in the order given. */
  recordPayments?(
    items: readonly { document: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string }[],
  ): Promise<Array<Outcome<{ remoteId: string; created: boolean; skipped?: string }>>>;
}

/** How the registry builds a provider for one store: dependencies in one object. */
export type ProviderFactory<Deps> = (deps: Deps) => AccountingProvider;
