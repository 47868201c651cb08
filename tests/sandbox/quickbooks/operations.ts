// The Accounting API's operations on one entity, shared by the single endpoints and /batch: create, read, update
// (full or sparse), delete and void. Faults are thrown as QboFault; the callers render them.
//
// Sources (Intuit's API reference, per entity): an update names Id and the current SyncToken, `sparse: true` changes
// only the fields sent (a Line array replaces every line), without it the fields not sent are cleared; a stale SyncToken
// is refused (5010); delete is POST ?operation=delete with Id and SyncToken and answers {status: "Deleted"}; name
// lists (customers, items, accounts...) are never deleted, only made inactive (Active: false). Voiding: Invoice by
// POST ?operation=void; SalesReceipt and Payment by a sparse update with include=void (Intuit's SalesReceipt and
// Payment docs, QuickBooks-V3-PHP-SDK#357, python-quickbooks#304). RefundReceipt and CreditMemo have no void in the
// API (python-quickbooks#304's list of voidable types; not confirmed in Intuit's reference).
import Big from 'big.js';
import { inventoryDeltas, prepareSalesDoc, voidedCopy } from './documents';
import { prepareJournalEntry } from './journal';
import { invalidCompanyStatus, objectNotFound, QboFault, requiredMissing, staleObject, unsupportedOperation } from './faults';
import { prepareAccount, prepareItem, preparePerson, prepareSimpleList } from './lists';
import { derived, preparePayment, unlinkPayments, voidedPayment } from './payments';
import { envelope, find, insert, isSalesDoc, remove, replace, type Company, type EntityName, type Stored, type Wire } from './store';

export interface OpCtx {
  company: Company;
  now: number;
  /** `include=allowduplicatedocnum` on the request. */
  allowDuplicateDocNum?: boolean;
}

const READ_ONLY: readonly EntityName[] = ['TaxCode', 'TaxRate', 'CompanyInfo'];
const NAME_LIST: readonly EntityName[] = ['Customer', 'Vendor', 'Employee', 'Item', 'Account', 'Class', 'Department', 'TaxCode', 'TaxRate', 'CompanyInfo', 'Preferences'];
const WRITABLE_STATUSES = new Set(['TRIAL', 'TRIALOPTIN', 'SUBSCRIBED']);

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

/** Intuit's subscription-states page: canceled, expired, suspended or restricted companies are read-only. */
function checkWritable(company: Company): void {
  if (!WRITABLE_STATUSES.has(company.subscription)) throw invalidCompanyStatus();
}

export function render(company: Company, entity: EntityName, stored: Stored): Wire {
  return { ...envelope(stored), ...derived(company, entity, stored) };
}

interface Prepared {
  data: Wire;
  taxInput?: Wire;
}

function prepare(ctx: OpCtx, entity: EntityName, body: Wire, existing?: Stored): Prepared {
  const { company, now } = ctx;
  switch (entity) {
    case 'Customer':
    case 'Vendor':
    case 'Employee':
      return { data: preparePerson(company, entity, body, existing) };
    case 'Item':
      return { data: prepareItem(company, body, existing) };
    case 'Account':
      return { data: prepareAccount(company, body, existing) };
    case 'Class':
    case 'Department':
      return { data: prepareSimpleList(company, entity, body, existing) };
    case 'Payment':
      return { data: preparePayment(company, body, existing, today(now)) };
    case 'Preferences':
      return { data: body };
    case 'JournalEntry':
      // Balanced or refused (journal.ts); no void in the API, delete only.
      return { data: prepareJournalEntry(company, body, existing, today(now)) };
    default:
      if (isSalesDoc(entity)) return prepareSalesDoc(company, entity, body, existing, { allowDuplicateDocNum: ctx.allowDuplicateDocNum ?? false, today: today(now) });
      throw unsupportedOperation(`Create for ${entity}`);
  }
}

/** Moves QtyOnHand by the difference between a form's old and new effect on stock. */
function moveStock(ctx: OpCtx, entity: EntityName, before: Pick<Stored, 'data' | 'voided'> | undefined, after: Pick<Stored, 'data' | 'voided'> | undefined): void {
  if (!isSalesDoc(entity)) return;
  const delta = new Map<string, Big>();
  for (const [id, q] of inventoryDeltas(ctx.company, entity, before)) delta.set(id, (delta.get(id) ?? new Big(0)).minus(q));
  for (const [id, q] of inventoryDeltas(ctx.company, entity, after)) delta.set(id, (delta.get(id) ?? new Big(0)).plus(q));
  for (const [id, q] of delta) {
    const item = find(ctx.company, 'Item', id);
    if (!item || q.eq(0)) continue;
    // QBO lets QtyOnHand go below zero (it warns in the UI); the item's SyncToken is not moved by a sale.
    item.data = { ...item.data, QtyOnHand: Number(new Big(String(item.data.QtyOnHand ?? 0)).plus(q).toString()) };
    item.updatedMs = Math.max(ctx.now, item.updatedMs + 1);
  }
}

function strip(body: Wire): Wire {
  const { Id: _i, SyncToken: _s, sparse: _p, domain: _d, MetaData: _m, ...rest } = body;
  return rest;
}

export function create(ctx: OpCtx, entity: EntityName, body: Wire): Wire {
  if (READ_ONLY.includes(entity) || entity === 'Preferences') throw unsupportedOperation(`Create for ${entity}`);
  checkWritable(ctx.company);
  const prepared = prepare(ctx, entity, strip(body));
  moveStock(ctx, entity, undefined, { data: prepared.data });
  const stored = insert(ctx.company, entity, prepared.data, ctx.now);
  stored.taxInput = prepared.taxInput;
  return render(ctx.company, entity, stored);
}

export function read(ctx: OpCtx, entity: EntityName, id: string): Wire {
  const stored = lookup(ctx.company, entity, entity === 'CompanyInfo' || entity === 'Preferences' ? '1' : id);
  return render(ctx.company, entity, stored);
}

function lookup(company: Company, entity: EntityName, id: unknown): Stored {
  const stored = find(company, entity, id);
  if (!stored) throw objectNotFound(company.tombstones.some((t) => t.entity === entity && t.Id === String(id)));
  return stored;
}

function current(ctx: OpCtx, entity: EntityName, body: Wire): Stored {
  if (body.Id === undefined || body.Id === null || body.Id === '') throw requiredMissing('Id');
  if (body.SyncToken === undefined || body.SyncToken === null || body.SyncToken === '') throw requiredMissing('SyncToken');
  const stored = lookup(ctx.company, entity, entity === 'CompanyInfo' || entity === 'Preferences' ? '1' : body.Id);
  if (String(body.SyncToken) !== String(stored.data.SyncToken)) throw staleObject();
  return stored;
}

export function update(ctx: OpCtx, entity: EntityName, body: Wire, options: { void?: boolean } = {}): Wire {
  if (READ_ONLY.includes(entity) && entity !== 'CompanyInfo') throw unsupportedOperation(`Update for ${entity}`);
  checkWritable(ctx.company);
  const stored = current(ctx, entity, body);
  if (options.void) return voidIncluded(ctx, entity, stored);
  const sparse = body.sparse === true || body.sparse === 'true';
  const input = sparse ? { ...strip(stored.data), ...strip(body) } : strip(body);
  if (sparse && body.TxnTaxDetail === undefined && stored.taxInput !== undefined) input.TxnTaxDetail = stored.taxInput;
  else if (sparse && body.TxnTaxDetail === undefined) delete input.TxnTaxDetail;
  const prepared = entity === 'CompanyInfo' ? { data: input } : prepare(ctx, entity, input, stored);
  moveStock(ctx, entity, stored, { data: prepared.data, voided: stored.voided });
  replace(stored, prepared.data, ctx.now);
  stored.taxInput = body.TxnTaxDetail !== undefined || !sparse ? prepared.taxInput : stored.taxInput;
  return render(ctx.company, entity, stored);
}

/** include=void on an update: SalesReceipt and Payment. */
function voidIncluded(ctx: OpCtx, entity: EntityName, stored: Stored): Wire {
  if (entity !== 'SalesReceipt' && entity !== 'Payment') throw unsupportedOperation(`Void for ${entity}`);
  return applyVoid(ctx, entity, stored);
}

/** POST ?operation=void: Invoice only. */
export function voidOperation(ctx: OpCtx, entity: EntityName, body: Wire): Wire {
  if (entity !== 'Invoice') throw unsupportedOperation(`Void for ${entity}`);
  checkWritable(ctx.company);
  return applyVoid(ctx, entity, current(ctx, entity, body));
}

function applyVoid(ctx: OpCtx, entity: EntityName, stored: Stored): Wire {
  if (!stored.voided) {
    moveStock(ctx, entity, stored, undefined);
    if (entity === 'Invoice') unlinkPayments(ctx.company, 'Invoice', String(stored.data.Id), ctx.now);
    replace(stored, entity === 'Payment' ? voidedPayment(stored.data) : voidedCopy(stored.data), ctx.now);
    stored.voided = true;
  }
  return render(ctx.company, entity, stored);
}

export function del(ctx: OpCtx, entity: EntityName, body: Wire): Wire {
  if (NAME_LIST.includes(entity)) throw unsupportedOperation(`Delete for ${entity}`);
  checkWritable(ctx.company);
  const stored = current(ctx, entity, body);
  moveStock(ctx, entity, stored, undefined);
  if (entity === 'Invoice' || entity === 'CreditMemo') unlinkPayments(ctx.company, entity, String(stored.data.Id), ctx.now);
  remove(ctx.company, entity, String(stored.data.Id), ctx.now);
  return { status: 'Deleted', domain: 'QBO', Id: String(stored.data.Id) };
}

/** Batch items name their operation; `optionsData: "void"` on an update voids (Intuit's batch docs). */
export function operate(ctx: OpCtx, entity: EntityName, operation: string, body: Wire, optionsData?: string): Wire {
  switch (operation) {
    case 'create':
      return create(ctx, entity, body);
    case 'update':
      return update(ctx, entity, body, { void: optionsData === 'void' });
    case 'delete':
      return del(ctx, entity, body);
    case 'void':
      return voidOperation(ctx, entity, body);
    default:
      throw new QboFault({ Message: 'Invalid Enumeration', Detail: `Invalid Enumeration : ${operation}`, code: '2170', element: 'operation' });
  }
}
