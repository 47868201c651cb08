// The Accounting API's routes under /quickbooks/v3/company/{realmId}: entity create/read/update/delete/void, query,
// batch and change data capture. Paths name entities in any case (`/salesreceipt`, `/SalesReceipt`). Every answer
// carries Intuit's `time`; every refusal is Intuit's Fault (faults.ts).
import { jsonAnswer, Router, type Answer } from '../xero/wire';
import { badRequestBody, businessValidation, faultAnswer, faultBody, intuitTime, QboFault, requiredMissing, unsupportedOperation } from './faults';
import { create, del, operate, read, render, update, voidOperation, type OpCtx } from './operations';
import { runQuery } from './query';
import { canonicalEntity, table, type Company, type EntityName, type Wire } from './store';

export const API_PREFIX = '/quickbooks/v3/company';

export interface ApiCtx {
  company: Company;
  method: string;
  query: URLSearchParams;
  rawBody: string;
  contentType: string;
  now: number;
  /** Items allowed in one batch. */
  batchItems: number;
}

/** CDC looks back at most 30 days and answers at most 1,000 objects (Intuit's "Change data capture" page), for every
 *  entity but JournalCode, TaxAgency, TimeActivity, TaxCode and TaxRate. */
export const CDC_DAYS = 30;
export const CDC_MAX = 1000;
const NOT_IN_CDC: readonly EntityName[] = ['TaxCode', 'TaxRate'];

function opCtx(ctx: ApiCtx): OpCtx {
  const include = (ctx.query.get('include') ?? '').toLowerCase().split(',');
  return { company: ctx.company, now: ctx.now, allowDuplicateDocNum: include.includes('allowduplicatedocnum') };
}

function ok(ctx: ApiCtx, body: Wire): Answer {
  return jsonAnswer(200, { ...body, time: intuitTime(ctx.now) });
}

function parseJson(raw: string): Wire {
  if (!raw.trim()) throw badRequestBody('Request body is empty.');
  try {
    const v = JSON.parse(raw) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Wire;
  } catch {
    throw badRequestBody('Request received could not be parsed as JSON.');
  }
}

function entityOf(name: string | undefined, ctx: ApiCtx): EntityName {
  const entity = canonicalEntity(name ?? '');
  if (!entity) throw unsupportedOperation(`Could not find resource for relative : /v3/company/${ctx.company.realmId}/${name ?? ''} of full path`);
  return entity;
}

/** Runs a handler, turning QboFault into Intuit's answer. */
function guarded(ctx: ApiCtx, run: () => Answer): Answer {
  try {
    return run();
  } catch (error) {
    if (error instanceof QboFault) return faultAnswer(error, ctx.now);
    throw error;
  }
}

export function createApiRouter(): Router<ApiCtx> {
  const r = new Router<ApiCtx>();
  const P = `${API_PREFIX}/:realmId`;

  const query = (ctx: ApiCtx) =>
    guarded(ctx, () => {
      // GET ?query=..., or POST with the query as the body (Content-Type application/text), as Intuit's page shows.
      const text = ctx.method === 'GET' || ctx.query.get('query') ? (ctx.query.get('query') ?? '') : ctx.rawBody;
      if (!text.trim()) throw requiredMissing('query');
      return ok(ctx, runQuery(ctx.company, text));
    });
  r.add('GET', `${P}/query`, query);
  r.add('POST', `${P}/query`, query);
  r.add('POST', `${P}/batch`, (ctx) => guarded(ctx, () => batch(ctx)));
  r.add('GET', `${P}/cdc`, (ctx) => guarded(ctx, () => cdc(ctx)));

  r.add('GET', `${P}/:entity/:id`, (ctx, p) => guarded(ctx, () => {
    const entity = entityOf(p.entity, ctx);
    return ok(ctx, { [entity]: read(opCtx(ctx), entity, p.id ?? '') });
  }));
  // GET /preferences has no id.
  r.add('GET', `${P}/:entity`, (ctx, p) => guarded(ctx, () => {
    const entity = entityOf(p.entity, ctx);
    if (entity !== 'Preferences') throw unsupportedOperation(`GET of all ${entity} (use the query endpoint)`);
    return ok(ctx, { Preferences: read(opCtx(ctx), 'Preferences', '1') });
  }));
  r.add('POST', `${P}/:entity`, (ctx, p) => guarded(ctx, () => {
    const entity = entityOf(p.entity, ctx);
    const body = parseJson(ctx.rawBody);
    const operation = (ctx.query.get('operation') ?? '').toLowerCase();
    const include = (ctx.query.get('include') ?? '').toLowerCase().split(',');
    const o = opCtx(ctx);
    if (operation === 'delete') return ok(ctx, { [entity]: del(o, entity, body) });
    if (operation === 'void') return ok(ctx, { [entity]: voidOperation(o, entity, body) });
    if (include.includes('void')) return ok(ctx, { [entity]: update(o, entity, body, { void: true }) });
    // A POST naming an Id is an update, with or without ?operation=update (Intuit's reference shows both).
    if (operation === 'update' || (body.Id !== undefined && body.Id !== null && body.Id !== '')) return ok(ctx, { [entity]: update(o, entity, body) });
    if (operation && operation !== 'create') throw unsupportedOperation(operation);
    return ok(ctx, { [entity]: create(o, entity, body) });
  }));
  return r;
}

/** POST /batch (Intuit's batch page and "Batch without a Scratch"): up to 30 BatchItemRequest, each {bId, operation,
 *  <Entity>} or {bId, Query}; `optionsData: "void"` with operation update voids. Each item is answered on its own
 *  ({bId, <Entity>} or {bId, Fault}); the request itself is 200. Items run one after another; Intuit adds that items
 *  do not see each other's results ("requests do not have visibility of earlier requests", Intuit's blog
 *  2017-07-27), which the sandbox does not model: a later item here can use an earlier item's result. */
function batch(ctx: ApiCtx): Answer {
  const body = parseJson(ctx.rawBody);
  const items = body.BatchItemRequest;
  if (!Array.isArray(items) || items.length === 0) throw requiredMissing('BatchItemRequest');
  // The refusal's wording and code are the sandbox's: Intuit documents the limit, not the answer.
  if (items.length > ctx.batchItems) throw businessValidation(`The maximum number of batch items in a request is ${ctx.batchItems}; this request has ${items.length}.`, 'BatchItemRequest');
  const seen = new Set<string>();
  const o = opCtx(ctx);
  const responses = (items as Wire[]).map((item) => {
    const bId = String(item.bId ?? '');
    try {
      if (!bId) throw requiredMissing('bId');
      if (seen.has(bId)) throw businessValidation(`Duplicate bId ${bId} in the batch.`, 'bId');
      seen.add(bId);
      if (typeof item.Query === 'string') return { bId, ...runQuery(ctx.company, item.Query) };
      const key = Object.keys(item).find((k) => canonicalEntity(k) !== undefined);
      if (!key) throw requiredMissing('Entity');
      const entity = canonicalEntity(key)!;
      const operation = String(item.operation ?? 'create').toLowerCase();
      return { bId, [entity]: operate(o, entity, operation, item[key] as Wire, typeof item.optionsData === 'string' ? item.optionsData.toLowerCase() : undefined) };
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      const f = faultBody(error, ctx.now) as { Fault: Wire };
      return { bId, Fault: f.Fault };
    }
  });
  return ok(ctx, { BatchItemResponse: responses });
}

function cdc(ctx: ApiCtx): Answer {
  const list = (ctx.query.get('entities') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw requiredMissing('entities');
  const sinceRaw = ctx.query.get('changedSince') ?? '';
  if (!sinceRaw) throw requiredMissing('changedSince');
  const since = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(sinceRaw) ? `${sinceRaw}T00:00:00Z` : sinceRaw);
  if (Number.isNaN(since)) throw new QboFault({ Message: 'Invalid Date', Detail: `Invalid Date : ${sinceRaw}`, code: '2090', element: 'changedSince' });
  // The refusal's wording is the sandbox's; the 30-day window is Intuit's.
  if (ctx.now - since > CDC_DAYS * 86_400_000) throw businessValidation(`changedSince must be within the last ${CDC_DAYS} days.`, 'changedSince');
  let budget = CDC_MAX;
  const responses = list.map((name) => {
    const entity = canonicalEntity(name);
    if (!entity || NOT_IN_CDC.includes(entity)) throw unsupportedOperation(`CDC for ${name}`);
    const changed: Wire[] = [];
    for (const s of table(ctx.company, entity).values()) if (s.updatedMs > since) changed.push(render(ctx.company, entity, s));
    for (const t of ctx.company.tombstones) {
      if (t.entity === entity && t.deletedMs > since) changed.push({ Id: t.Id, status: 'Deleted', domain: 'QBO', MetaData: { LastUpdatedTime: intuitTime(t.deletedMs).replace(/\.\d{3}/, '') } });
    }
    const page = changed.slice(0, Math.max(0, budget));
    budget -= page.length;
    return page.length ? { [entity]: page, startPosition: 1, maxResults: page.length, totalCount: page.length } : {};
  });
  return ok(ctx, { CDCResponse: [{ QueryResponse: responses }] });
}
