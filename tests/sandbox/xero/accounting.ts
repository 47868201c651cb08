// The Accounting API (api.xro/2.0) routes: Organisation, Accounts, TaxRates, TrackingCategories, Currencies,
// Contacts, Items, Invoices, CreditNotes (+ Allocations) and Payments, with Xero's envelope, paging, `where`,
// `order`, batch semantics (summarizeErrors) and ValidationException format.
import { randomUUID } from 'node:crypto';
import { findContact, findItem, renderContact, renderItem, upsertContact, upsertItem } from './contacts-items';
import {
  allocateCreditNote,
  createPayment,
  deletePayment,
  findDocument,
  renderDocument,
  renderPayment,
  upsertDocument,
  type Result,
} from './documents';
import type { Grant } from './identity';
import { findManualJournal, renderManualJournal, upsertManualJournal } from './journals';
import type { DocKind, DocumentRecord, Tenant } from './tenants';
import { parseOrder, parseWhere, WhereError } from './where';
import { dec, jsonAnswer, msDateTime, problem, Router, type Answer } from './wire';

export interface ApiCtx {
  tenant: Tenant;
  grant: Grant;
  appName: string;
  method: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  now: number;
}

export interface AccountingOptions {
  /**
   * Without summarizeErrors=false, one invalid element fails the whole request (400 ValidationException).
   * Xero's documentation warns that the valid elements may still have been saved, with no ids returned; set
   * this to model that (default: nothing is saved).
   */
  partialCommitWithoutSummarizeErrors?: boolean;
}

type Family = 'invoices' | 'payments' | 'contacts' | 'settings' | 'manualjournals';

const SCOPES: Record<Family, string[]> = {
  invoices: ['accounting.transactions', 'accounting.invoices'],
  payments: ['accounting.transactions', 'accounting.payments'],
  contacts: ['accounting.contacts'],
  settings: ['accounting.settings'],
  // Granular scopes split manual journals out of accounting.transactions (devblog.xero.com, "Upcoming changes to Xero
  // Accounting API Scopes": accounting.manualjournals / .read).
  manualjournals: ['accounting.transactions', 'accounting.manualjournals'],
};

export const API_PREFIX = '/xero/api.xro/2.0';

const notFound = (): Answer => jsonAnswer(404, problem(404, 'Not Found', 'The resource you\'re looking for cannot be found'));

export function validationException(elements: unknown[]): Answer {
  return jsonAnswer(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: elements });
}

function postDataInvalid(message: string): Answer {
  return jsonAnswer(400, { ErrorNumber: 14, Type: 'PostDataInvalidException', Message: message });
}

export function createAccountingRouter(options: AccountingOptions = {}): Router<ApiCtx> {
  const router = new Router<ApiCtx>();
  const add = (method: string, path: string, family: Family, handler: (ctx: ApiCtx, p: Record<string, string>) => Answer) => {
    router.add(method, `${API_PREFIX}${path}`, (ctx, p) => {
      const write = method !== 'GET';
      const granted = new Set(ctx.grant.scopes);
      const ok = SCOPES[family].some((s) => granted.has(s) || (!write && granted.has(`${s}.read`)));
      if (!ok) return jsonAnswer(401, problem(401, 'Unauthorized', 'AuthorizationUnsuccessful'));
      return handler(ctx, p);
    });
  };

  const envelope = (ctx: ApiCtx, key: string, list: unknown[], extra: Record<string, unknown> = {}) =>
    jsonAnswer(200, { Id: randomUUID(), Status: 'OK', ProviderName: ctx.appName, DateTimeUTC: msDateTime(ctx.now), ...extra, [key]: list });

  /** Filters (where, If-Modified-Since), sorts and pages rendered rows. */
  function list<T>(
    ctx: ApiCtx,
    key: string,
    rows: Array<{ record: T; row: Record<string, unknown> }>,
    opts: { pageable: boolean; full?: (record: T) => Record<string, unknown> },
  ): Answer {
    let out = rows;
    const where = ctx.query.get('where');
    if (where) {
      let pred;
      try {
        pred = parseWhere(where);
      } catch (e) {
        if (e instanceof WhereError) return jsonAnswer(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: `The query could not be parsed: ${e.message}` });
        throw e;
      }
      out = out.filter((r) => pred(r.row));
    }
    const since = headerValue(ctx.headers['if-modified-since']);
    if (since) {
      const ms = Date.parse(since.endsWith('Z') || /GMT|[+-]\d\d:?\d\d$/.test(since) ? since : `${since}Z`);
      if (!Number.isNaN(ms)) {
        out = out.filter((r) => {
          const m = /\((\d+)/.exec(String(r.row.UpdatedDateUTC ?? ''));
          return !m || Number(m[1]) >= ms;
        });
      }
    }
    const order = ctx.query.get('order');
    if (order) {
      const cmp = parseOrder(order);
      out = [...out].sort((a, b) => cmp(a.row, b.row));
    }
    const pageParam = ctx.query.get('page');
    if (opts.pageable && pageParam !== null) {
      const page = Math.max(1, Number.parseInt(pageParam, 10) || 1);
      const pageSize = Math.min(1000, Math.max(1, Number.parseInt(ctx.query.get('pageSize') ?? '100', 10) || 100));
      const slice = out.slice((page - 1) * pageSize, page * pageSize);
      return envelope(ctx, key, slice.map((r) => (opts.full ? opts.full(r.record) : r.row)), {
        pagination: { page, pageSize, pageCount: Math.ceil(out.length / pageSize), itemCount: out.length },
      });
    }
    return envelope(ctx, key, out.map((r) => r.row));
  }

  function parseBody(ctx: ApiCtx): { ok: true; body: unknown } | { ok: false; answer: Answer } {
    const type = headerValue(ctx.headers['content-type']) ?? 'application/json';
    if (!type.includes('json')) return { ok: false, answer: postDataInvalid('The sandbox accepts JSON request bodies only (Content-Type: application/json).') };
    try {
      return { ok: true, body: JSON.parse(ctx.rawBody || 'null') as unknown };
    } catch (e) {
      return { ok: false, answer: postDataInvalid(`JSON for post data was invalid, ${(e as Error).message}`) };
    }
  }

  function elementsOf(body: unknown, key: string): Record<string, unknown>[] | null {
    if (Array.isArray(body)) return body as Record<string, unknown>[];
    if (!body || typeof body !== 'object') return null;
    const b = body as Record<string, unknown>;
    const k = Object.keys(b).find((x) => x.toLowerCase() === key.toLowerCase());
    if (k !== undefined) return Array.isArray(b[k]) ? (b[k] as Record<string, unknown>[]) : null;
    return [b];
  }

  /**
   * Runs each element in order. summarizeErrors=false: 200 with every element, failures marked ERROR.
   * Otherwise any failure makes the request a 400 ValidationException listing every element.
   */
  function batch(ctx: ApiCtx, key: string, run: (el: Record<string, unknown>) => Result, flag: 'HasErrors' | 'HasValidationErrors' | null): Answer {
    const parsed = parseBody(ctx);
    if (!parsed.ok) return parsed.answer;
    const elements = elementsOf(parsed.body, key);
    if (!elements || elements.length === 0 || elements.some((e) => !e || typeof e !== 'object' || Array.isArray(e))) {
      return postDataInvalid(`The request must contain ${key} to create or update.`);
    }
    const summarize = (ctx.query.get('summarizeErrors') ?? 'true').toLowerCase() !== 'false';
    const results = elements.map((el) => run(el));
    const failed = results.some((r) => 'errors' in r);
    const errorElement = (el: Record<string, unknown>, errors: string[]) => ({
      ...el,
      ...(flag ? { [flag]: true } : {}),
      StatusAttributeString: 'ERROR',
      ValidationErrors: errors.map((Message) => ({ Message })),
    });
    if (!summarize) {
      return envelope(ctx, key, results.map((r, i) => ('errors' in r ? errorElement(elements[i]!, r.errors) : { ...r.saved, StatusAttributeString: 'OK' })));
    }
    if (failed) {
      if (!options.partialCommitWithoutSummarizeErrors) {
        for (const r of [...results].reverse()) if ('undo' in r) r.undo();
      }
      return validationException(
        results.map((r, i) => ('errors' in r ? errorElement(elements[i]!, r.errors) : { ...elements[i]!, ValidationErrors: [] })),
      );
    }
    return envelope(ctx, key, results.map((r) => ('saved' in r ? { ...r.saved, StatusAttributeString: 'OK' } : {})));
  }

  const unitdp = (ctx: ApiCtx): 2 | 4 => (ctx.query.get('unitdp') === '4' ? 4 : 2);
  const ids = (ctx: ApiCtx, name: string): Set<string> | null => {
    const v = ctx.query.get(name);
    return v ? new Set(v.split(',').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase()).filter(Boolean)) : null;
  };

  // ---------------------------------------------------------------------------------------- settings

  add('GET', '/Organisation', 'settings', (ctx) => {
    const t = ctx.tenant;
    const output = t.taxRates[0]?.TaxType ?? 'NONE';
    const input = t.taxRates.find((r) => r.ReportTaxType === 'INPUT')?.TaxType ?? 'NONE';
    return envelope(ctx, 'Organisations', [
      {
        APIKey: t.tenantId.replace(/-/g, '').slice(0, 30).toUpperCase(),
        Name: t.name,
        LegalName: t.name,
        PaysTax: true,
        Version: t.version,
        OrganisationType: 'COMPANY',
        BaseCurrency: t.currency,
        CountryCode: t.countryCode,
        IsDemoCompany: false,
        OrganisationStatus: 'ACTIVE',
        FinancialYearEndDay: 31,
        FinancialYearEndMonth: 12,
        SalesTaxBasis: t.version === 'US' ? 'ACCRUAL' : 'INVOICE',
        SalesTaxPeriod: t.version === 'US' ? 'QUARTERLY' : 'TWOMONTHS',
        DefaultSalesTax: 'Tax Exclusive',
        DefaultPurchasesTax: 'Tax Exclusive',
        CreatedDateUTC: msDateTime(t.createdAt),
        OrganisationEntityType: 'COMPANY',
        Timezone: 'NEWZEALANDSTANDARDTIME',
        ShortCode: t.shortCode,
        OrganisationID: t.tenantId,
        Edition: 'BUSINESS',
        Class: 'STANDARD',
        LineOfBusiness: 'Online retail',
        Addresses: [],
        Phones: [],
        ExternalLinks: [],
        PaymentTerms: {},
        DefaultSalesTaxType: output,
        DefaultPurchasesTaxType: input,
      },
    ]);
  });

  const renderAccount = (a: Tenant['accounts'][number]) => ({
    AccountID: a.AccountID,
    Code: a.Code,
    Name: a.Name,
    Status: a.Status,
    Type: a.Type,
    TaxType: a.TaxType,
    Class: a.Class,
    EnablePaymentsToAccount: a.EnablePaymentsToAccount,
    ShowInExpenseClaims: false,
    BankAccountType: a.BankAccountType ?? '',
    ...(a.BankAccountNumber ? { BankAccountNumber: a.BankAccountNumber, CurrencyCode: undefined } : {}),
    ...(a.SystemAccount ? { SystemAccount: a.SystemAccount } : {}),
    ReportingCode: a.Class === 'REVENUE' ? 'REV' : a.Class === 'EXPENSE' ? 'EXP' : a.Class === 'ASSET' ? 'ASS' : a.Class === 'LIABILITY' ? 'LIA' : 'EQU',
    ReportingCodeName: a.Class,
    HasAttachments: false,
    UpdatedDateUTC: msDateTime(a.updatedAt),
    AddToWatchlist: false,
  });
  add('GET', '/Accounts', 'settings', (ctx) => list(ctx, 'Accounts', ctx.tenant.accounts.map((a) => ({ record: a, row: renderAccount(a) })), { pageable: false }));
  add('GET', '/Accounts/:id', 'settings', (ctx, p) => {
    const a = ctx.tenant.accounts.find((x) => x.AccountID === p.id?.toLowerCase());
    return a ? envelope(ctx, 'Accounts', [renderAccount(a)]) : notFound();
  });

  add('GET', '/TaxRates', 'settings', (ctx) => {
    const wanted = ctx.query.get('TaxType');
    const rows = ctx.tenant.taxRates
      .filter((r) => !wanted || r.TaxType.toLowerCase() === wanted.toLowerCase())
      .map((r) => ({
        record: r,
        row: {
          Name: r.Name,
          TaxType: r.TaxType,
          ReportTaxType: r.ReportTaxType,
          CanApplyToAssets: true,
          CanApplyToEquity: true,
          CanApplyToExpenses: true,
          CanApplyToLiabilities: true,
          CanApplyToRevenue: true,
          DisplayTaxRate: dec(r.rate, 4),
          EffectiveRate: dec(r.rate, 4),
          Status: r.Status,
          TaxComponents: [{ Name: r.Name, Rate: dec(r.rate, 4), IsCompound: false, IsNonRecoverable: false }],
        },
      }));
    return list(ctx, 'TaxRates', rows, { pageable: false });
  });

  const renderCategory = (c: Tenant['trackingCategories'][number], archived: boolean) => ({
    Name: c.Name,
    Status: c.Status,
    TrackingCategoryID: c.TrackingCategoryID,
    Options: c.Options.filter((o) => archived || o.Status === 'ACTIVE').map((o) => ({
      TrackingOptionID: o.TrackingOptionID,
      Name: o.Name,
      Status: o.Status,
      TrackingCategoryID: c.TrackingCategoryID,
    })),
  });
  add('GET', '/TrackingCategories', 'settings', (ctx) => {
    const archived = ctx.query.get('includeArchived') === 'true';
    const rows = ctx.tenant.trackingCategories.filter((c) => archived || c.Status === 'ACTIVE').map((c) => ({ record: c, row: renderCategory(c, archived) }));
    return list(ctx, 'TrackingCategories', rows, { pageable: false });
  });
  add('GET', '/TrackingCategories/:id', 'settings', (ctx, p) => {
    const c = ctx.tenant.trackingCategories.find((x) => x.TrackingCategoryID === p.id?.toLowerCase());
    return c ? envelope(ctx, 'TrackingCategories', [renderCategory(c, true)]) : notFound();
  });
  // Creating categories and options (https://developer.xero.com/documentation/api/accounting/trackingcategories):
  // names up to 100 characters, category names unique, option names unique within their category, at most two
  // active categories and four in all (active and archived).
  const trackingName = (el: Record<string, unknown>, what: string): string | { errors: string[] } => {
    const name = typeof el.Name === 'string' ? el.Name.trim() : '';
    if (!name) return { errors: [`${what} name is required.`] };
    if (name.length > 100) return { errors: [`${what} name must not be longer than 100 characters.`] };
    return name;
  };
  add('PUT', '/TrackingCategories', 'settings', (ctx) =>
    batch(
      ctx,
      'TrackingCategories',
      (el): Result => {
        const name = trackingName(el, 'Tracking category');
        if (typeof name !== 'string') return name;
        const all = ctx.tenant.trackingCategories;
        if (all.some((c) => c.Name.toLowerCase() === name.toLowerCase())) return { errors: [`A tracking category named '${name}' already exists.`] };
        if (all.filter((c) => c.Status === 'ACTIVE').length >= 2) return { errors: ['An organisation can have at most 2 active tracking categories.'] };
        if (all.length >= 4) return { errors: ['An organisation can have at most 4 tracking categories (active and archived).'] };
        const record: Tenant['trackingCategories'][number] = { TrackingCategoryID: randomUUID(), Name: name, Status: 'ACTIVE', Options: [] };
        all.push(record);
        return { saved: renderCategory(record, false), undo: () => all.splice(all.indexOf(record), 1) };
      },
      null,
    ),
  );
  add('PUT', '/TrackingCategories/:id/Options', 'settings', (ctx, p) => {
    const c = ctx.tenant.trackingCategories.find((x) => x.TrackingCategoryID === p.id?.toLowerCase());
    if (!c) return notFound();
    return batch(
      ctx,
      'Options',
      (el): Result => {
        const name = trackingName(el, 'Tracking option');
        if (typeof name !== 'string') return name;
        if (c.Options.some((o) => o.Name.toLowerCase() === name.toLowerCase())) return { errors: [`The option '${name}' already exists in '${c.Name}'.`] };
        const option = { TrackingOptionID: randomUUID(), Name: name, Status: 'ACTIVE' as const };
        c.Options.push(option);
        return {
          saved: { ...option, TrackingCategoryID: c.TrackingCategoryID, IsDeleted: false, IsArchived: false, IsActive: true },
          undo: () => c.Options.splice(c.Options.indexOf(option), 1),
        };
      },
      null,
    );
  });

  add('GET', '/Currencies', 'settings', (ctx) =>
    envelope(ctx, 'Currencies', ctx.tenant.currencies.map((Code) => ({ Code, Description: Code }))),
  );

  // ---------------------------------------------------------------------------------------- contacts

  add('GET', '/Contacts', 'contacts', (ctx) => {
    const want = ids(ctx, 'IDs');
    const archived = ctx.query.get('includeArchived') === 'true';
    const term = ctx.query.get('searchTerm')?.toLowerCase();
    const summary = ctx.query.get('summaryOnly') === 'true';
    const rows = [...ctx.tenant.contacts.values()]
      .filter((c) => !want || want.has(c.ContactID))
      .filter((c) => archived || want || c.ContactStatus === 'ACTIVE')
      .filter((c) => !term || [c.Name, c.fields.FirstName, c.fields.LastName, c.fields.ContactNumber, c.fields.CompanyNumber, c.fields.EmailAddress].some((v) => typeof v === 'string' && v.toLowerCase().includes(term)))
      .sort((a, b) => a.Name.localeCompare(b.Name))
      .map((c) => ({ record: c, row: renderContact(c, summary) }));
    return list(ctx, 'Contacts', rows, { pageable: true });
  });
  add('GET', '/Contacts/:id', 'contacts', (ctx, p) => {
    const c = findContact(ctx.tenant, { ContactID: p.id }) ?? findContact(ctx.tenant, { ContactNumber: p.id });
    return c ? envelope(ctx, 'Contacts', [renderContact(c)]) : notFound();
  });
  add('PUT', '/Contacts', 'contacts', (ctx) => batch(ctx, 'Contacts', (el) => upsertContact(ctx.tenant, el, 'create', ctx.now), 'HasValidationErrors'));
  add('POST', '/Contacts', 'contacts', (ctx) => batch(ctx, 'Contacts', (el) => upsertContact(ctx.tenant, el, 'upsert', ctx.now), 'HasValidationErrors'));
  add('POST', '/Contacts/:id', 'contacts', (ctx, p) => {
    if (!findContact(ctx.tenant, { ContactID: p.id }) && !findContact(ctx.tenant, { ContactNumber: p.id })) return notFound();
    return batch(ctx, 'Contacts', (el) => upsertContact(ctx.tenant, el, 'upsert', ctx.now, p.id), 'HasValidationErrors');
  });

  // ---------------------------------------------------------------------------------------- items

  add('GET', '/Items', 'settings', (ctx) =>
    list(ctx, 'Items', [...ctx.tenant.items.values()].sort((a, b) => a.Code.localeCompare(b.Code)).map((i) => ({ record: i, row: renderItem(i, unitdp(ctx)) })), { pageable: false }),
  );
  add('GET', '/Items/:id', 'settings', (ctx, p) => {
    const i = findItem(ctx.tenant, p.id ?? '');
    return i ? envelope(ctx, 'Items', [renderItem(i, unitdp(ctx))]) : notFound();
  });
  add('PUT', '/Items', 'settings', (ctx) => batch(ctx, 'Items', (el) => upsertItem(ctx.tenant, el, 'create', ctx.now, undefined, unitdp(ctx)), null));
  add('POST', '/Items', 'settings', (ctx) => batch(ctx, 'Items', (el) => upsertItem(ctx.tenant, el, 'upsert', ctx.now, undefined, unitdp(ctx)), null));
  add('POST', '/Items/:id', 'settings', (ctx, p) => {
    if (!findItem(ctx.tenant, p.id ?? '')) return notFound();
    return batch(ctx, 'Items', (el) => upsertItem(ctx.tenant, el, 'upsert', ctx.now, p.id, unitdp(ctx)), null);
  });
  add('DELETE', '/Items/:id', 'settings', (ctx, p) => {
    const i = findItem(ctx.tenant, p.id ?? '');
    if (!i) return notFound();
    const used = [...ctx.tenant.documents.values()].some((d) => d.Status !== 'DELETED' && d.lines.some((l) => l.ItemCode === i.Code));
    if (used) return validationException([{ ...renderItem(i), ValidationErrors: [{ Message: `Item '${i.Code}' is used in transactions and cannot be deleted.` }] }]);
    ctx.tenant.items.delete(i.ItemID);
    return { status: 204, headers: {}, body: '' };
  });

  // ---------------------------------------------------------------------------------------- invoices & credit notes

  const documentRoutes = (kind: DocKind, path: string, key: string, numberParam: string) => {
    add('GET', path, 'invoices', (ctx) => {
      const want = ids(ctx, 'IDs');
      const numbers = ids(ctx, numberParam);
      const contacts = ids(ctx, 'ContactIDs');
      const statuses = ids(ctx, 'Statuses');
      const dp = unitdp(ctx);
      // searchTerm and summaryOnly are GET /Invoices parameters (not GET /CreditNotes) in Xero's OpenAPI document:
      // searchTerm "performs a case-insensitive text search across the fields e.g. InvoiceNumber, Reference";
      // summaryOnly returns "a smaller version of the response object ... only lightweight fields, excluding
      // computation-heavy fields". Which fields those are is not listed; the sandbox leaves out the nested
      // collections (LineItems even when paged, Payments, CreditNotes, Prepayments, Overpayments) and keeps the
      // header, totals and amounts. No combination of parameters is refused: none is documented as refused.
      const term = kind === 'invoice' ? ctx.query.get('searchTerm')?.trim().toLowerCase() : undefined;
      const summary = kind === 'invoice' && ctx.query.get('summaryOnly')?.toLowerCase() === 'true';
      const render = (d: DocumentRecord, withLines: boolean) => (summary ? summariseDocument(renderDocument(ctx.tenant, d, false, dp)) : renderDocument(ctx.tenant, d, withLines, dp));
      const rows = [...ctx.tenant.documents.values()]
        .filter((d) => d.kind === kind)
        .filter((d) => !want || want.has(d.id))
        .filter((d) => !numbers || numbers.has(d.number.toLowerCase()))
        .filter((d) => !contacts || contacts.has(d.ContactID))
        .filter((d) => !statuses || statuses.has(d.Status.toLowerCase()))
        .filter((d) => !term || [d.number, d.Reference].some((v) => v?.toLowerCase().includes(term)))
        .filter((d) => want || numbers || statuses || d.Status !== 'DELETED')
        .sort((a, b) => (a.date === b.date ? a.updatedAt - b.updatedAt : a.date < b.date ? -1 : 1))
        .map((d) => ({ record: d, row: render(d, false) }));
      // Lists carry line items only when paged (Xero's rule).
      return list(ctx, key, rows, { pageable: true, full: (d) => render(d, true) });
    });
    add('GET', `${path}/:id`, 'invoices', (ctx, p) => {
      const d = findDocument(ctx.tenant, kind, p.id ?? '');
      return d ? envelope(ctx, key, [renderDocument(ctx.tenant, d, true, unitdp(ctx))]) : notFound();
    });
    const flag = 'HasErrors' as const;
    add('PUT', path, 'invoices', (ctx) => batch(ctx, key, (el) => upsertDocument({ tenant: ctx.tenant, kind, unitdp: unitdp(ctx), now: ctx.now }, el, 'create'), flag));
    add('POST', path, 'invoices', (ctx) => batch(ctx, key, (el) => upsertDocument({ tenant: ctx.tenant, kind, unitdp: unitdp(ctx), now: ctx.now }, el, 'upsert'), flag));
    add('POST', `${path}/:id`, 'invoices', (ctx, p) => {
      if (!findDocument(ctx.tenant, kind, p.id ?? '')) return notFound();
      return batch(ctx, key, (el) => upsertDocument({ tenant: ctx.tenant, kind, unitdp: unitdp(ctx), now: ctx.now }, el, 'upsert', p.id), flag);
    });
  };
  documentRoutes('invoice', '/Invoices', 'Invoices', 'InvoiceNumbers');
  documentRoutes('creditnote', '/CreditNotes', 'CreditNotes', 'CreditNoteNumbers');

  add('PUT', '/CreditNotes/:id/Allocations', 'invoices', (ctx, p) => {
    const cn = findDocument(ctx.tenant, 'creditnote', p.id ?? '');
    if (!cn) return notFound();
    return batch(ctx, 'Allocations', (el) => allocateCreditNote(ctx.tenant, cn, el, ctx.now), null);
  });
  add('DELETE', '/CreditNotes/:id/Allocations/:allocationId', 'invoices', (ctx, p) => {
    const cn = findDocument(ctx.tenant, 'creditnote', p.id ?? '');
    const a = ctx.tenant.allocations.get((p.allocationId ?? '').toLowerCase());
    if (!cn || !a || a.creditNoteId !== cn.id || a.IsDeleted) return notFound();
    a.IsDeleted = true;
    const inv = ctx.tenant.documents.get(a.invoiceId);
    for (const d of [cn, inv]) {
      if (!d) continue;
      d.updatedAt = ctx.now;
      if (d.Status === 'PAID') {
        d.Status = 'AUTHORISED';
        d.fullyPaidOn = undefined;
      }
    }
    return envelope(ctx, 'Allocations', [{ AllocationID: a.AllocationID, Amount: dec(a.Amount), Date: `/Date(${Date.parse(`${a.date}T00:00:00Z`)}+0000)/`, IsDeleted: true, Invoice: { InvoiceID: a.invoiceId }, CreditNote: { CreditNoteID: cn.id } }]);
  });

  // ---------------------------------------------------------------------------------------- manual journals (./journals.ts)

  add('GET', '/ManualJournals', 'manualjournals', (ctx) => {
    const rows = [...ctx.tenant.manualJournals.values()]
      .sort((a, b) => (a.date === b.date ? a.updatedAt - b.updatedAt : a.date < b.date ? -1 : 1))
      .map((j) => ({ record: j, row: renderManualJournal(j, false) }));
    // As the invoice list: lines only when paged.
    return list(ctx, 'ManualJournals', rows, { pageable: true, full: (j) => renderManualJournal(j, true) });
  });
  add('GET', '/ManualJournals/:id', 'manualjournals', (ctx, p) => {
    const j = findManualJournal(ctx.tenant, p.id ?? '');
    return j ? envelope(ctx, 'ManualJournals', [renderManualJournal(j)]) : notFound();
  });
  add('PUT', '/ManualJournals', 'manualjournals', (ctx) =>
    batch(ctx, 'ManualJournals', (el) => (el.ManualJournalID ? { errors: ['PUT creates manual journals: update one with POST.'] } : upsertManualJournal(ctx.tenant, el, ctx.now)), null));
  add('POST', '/ManualJournals', 'manualjournals', (ctx) => batch(ctx, 'ManualJournals', (el) => upsertManualJournal(ctx.tenant, el, ctx.now), null));
  add('POST', '/ManualJournals/:id', 'manualjournals', (ctx, p) => {
    if (!findManualJournal(ctx.tenant, p.id ?? '')) return notFound();
    return batch(ctx, 'ManualJournals', (el) => upsertManualJournal(ctx.tenant, el, ctx.now, p.id), null);
  });

  // ---------------------------------------------------------------------------------------- payments

  add('GET', '/Payments', 'payments', (ctx) => {
    // The list embeds a short reference to each document; a single payment the whole document (Xero's examples).
    const rows = [...ctx.tenant.payments.values()].sort((a, b) => a.updatedAt - b.updatedAt).map((pay) => ({ record: pay, row: renderPayment(ctx.tenant, pay, false) }));
    return list(ctx, 'Payments', rows, { pageable: true });
  });
  add('GET', '/Payments/:id', 'payments', (ctx, p) => {
    const pay = ctx.tenant.payments.get((p.id ?? '').toLowerCase());
    return pay ? envelope(ctx, 'Payments', [renderPayment(ctx.tenant, pay)]) : notFound();
  });
  const createPayments = (ctx: ApiCtx) => batch(ctx, 'Payments', (el) => createPayment(ctx.tenant, el, ctx.now), 'HasValidationErrors');
  add('PUT', '/Payments', 'payments', createPayments);
  add('POST', '/Payments', 'payments', createPayments);
  add('POST', '/Payments/:id', 'payments', (ctx, p) => {
    const pay = ctx.tenant.payments.get((p.id ?? '').toLowerCase());
    if (!pay) return notFound();
    return batch(
      ctx,
      'Payments',
      (el) => (el.Status === 'DELETED' ? deletePayment(ctx.tenant, pay, ctx.now) : { errors: ['A payment can only be updated to delete it (Status DELETED).'] }),
      'HasValidationErrors',
    );
  });

  return router;
}

/** The summaryOnly form of a listed invoice (see GET /Invoices). */
function summariseDocument(row: Record<string, unknown>): Record<string, unknown> {
  const { LineItems: _l, Payments: _p, CreditNotes: _c, Prepayments: _pre, Overpayments: _o, ...rest } = row;
  void [_l, _p, _c, _pre, _o];
  return rest;
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
