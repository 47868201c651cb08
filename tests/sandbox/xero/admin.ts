// Admin API for scripts and tests (not part of Xero). Contract kept stable:
//   POST /__sandbox/xero/tenants {name, currency}          → 201 {tenantId}
//   POST /__sandbox/xero/tenants/{id}/tokens               → 201 {access_token, refresh_token, expires_in, ...}
// More (see README.md): inspect documents, set stock, limits, faults, the clock, revoke grants, stats; webhooks:
//   PUT  /__sandbox/xero/webhooks {url, key}                → 200 (the app's webhook URL and key, as in Xero's portal)
//   POST /__sandbox/xero/webhooks/intent                    → 200 {ok, signed, badlySigned} (the intent-to-receive check)
//   GET  /__sandbox/xero/webhooks/deliveries                → 200 {deliveries: [{body, status, events}]}
//   POST /__sandbox/xero/tenants/{id}/invoices/{id}/payments {amount?, accountCode?} → 201 {payment} (paid in Xero)
import Big from 'big.js';
import { z } from 'zod';
import { renderContact, renderItem } from './contacts-items';
import { amountDue, createPayment, findDocument, renderDocument, renderPayment } from './documents';
import { renderManualJournal } from './journals';
import type { XeroSandbox } from './server';
import { accountByCode, itemByCode, type Tenant } from './tenants';
import { jsonAnswer, type Answer, type RequestCtx, type Router } from './wire';

const currency = z.string().regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code');
const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform((v) => new Big(String(v)));

const NewTenantBody = z.object({
  name: z.string().min(1).max(255),
  currency,
  currencies: z.array(currency).optional(),
  taxRates: z.array(z.object({ TaxType: z.string().min(1), Name: z.string().min(1), rate: z.union([z.number(), z.string()]).transform(String), ReportTaxType: z.string().optional() })).optional(),
});
const TokenBody = z.object({ clientId: z.string().optional(), scopes: z.array(z.string()).optional() }).default({});
const LimitsBody = z.object({
  minute: z.number().int().positive().optional(),
  day: z.number().int().positive().optional(),
  concurrent: z.number().int().positive().optional(),
  appMinute: z.number().int().positive().optional(),
});
const FaultBody = z.object({
  kind: z.enum(['status', 'drop-before', 'drop-after', 'delay']),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().int().min(0).optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  tenantId: z.string().optional(),
  times: z.number().int().positive().optional(),
  rate: z.number().min(0).max(1).optional(),
});
const StockBody = z.object({ quantity: decimal, unitCost: decimal.optional() });
const AdvanceBody = z.object({ seconds: z.number().positive() });
const WebhookBody = z.object({ url: z.url(), key: z.string().min(1) });
const PayBody = z.object({ amount: decimal.optional(), accountCode: z.string().optional(), date: z.string().optional() }).default({});
const TaxRateBody = z.object({ TaxType: z.string().min(1), Name: z.string().min(1), rate: decimal, ReportTaxType: z.string().default('OUTPUT') });

function parse<T>(schema: z.ZodType<T>, raw: string): { ok: true; value: T } | { ok: false; answer: Answer } {
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    return { ok: false, answer: jsonAnswer(400, { error: 'invalid JSON body' }) };
  }
  const r = schema.safeParse(json);
  if (!r.success) return { ok: false, answer: jsonAnswer(422, { error: 'invalid body', issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }) };
  return { ok: true, value: r.data };
}

function summary(t: Tenant) {
  return {
    tenantId: t.tenantId,
    name: t.name,
    currency: t.currency,
    currencies: t.currencies,
    version: t.version,
    shortCode: t.shortCode,
    counts: {
      contacts: t.contacts.size,
      items: t.items.size,
      invoices: [...t.documents.values()].filter((d) => d.kind === 'invoice').length,
      creditNotes: [...t.documents.values()].filter((d) => d.kind === 'creditnote').length,
      payments: t.payments.size,
    },
  };
}

export function registerAdminRoutes(router: Router<RequestCtx>, sx: XeroSandbox): void {
  const P = '/__sandbox/xero';
  const tenantOr404 = (id: string | undefined): Tenant | Answer => sx.tenants.get((id ?? '').toLowerCase()) ?? jsonAnswer(404, { error: `no tenant ${id}` });

  router.add('PUT', `${P}/webhooks`, (ctx) => {
    const body = WebhookBody.safeParse(JSON.parse(ctx.rawBody || '{}'));
    if (!body.success) return jsonAnswer(400, { error: body.error.issues[0]?.message });
    sx.webhooks.target = body.data;
    return jsonAnswer(200, { url: body.data.url });
  });
  router.add('POST', `${P}/webhooks/intent`, async () => jsonAnswer(200, await sx.webhooks.intentToReceive()));
  router.add('GET', `${P}/webhooks/deliveries`, () => jsonAnswer(200, { deliveries: sx.webhooks.deliveries }));
  // Someone records a payment against the invoice in Xero (into a bank account): the whole amount due by default.
  router.add('POST', `${P}/tenants/:id/invoices/:invoice/payments`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const inv = findDocument(t, 'invoice', p.invoice ?? '');
    if (!inv) return jsonAnswer(404, { error: `no invoice ${p.invoice}` });
    const body = PayBody.safeParse(JSON.parse(ctx.rawBody || '{}'));
    if (!body.success) return jsonAnswer(400, { error: body.error.issues[0]?.message });
    const bank = body.data.accountCode ? accountByCode(t, body.data.accountCode) : t.accounts.find((a) => a.Type === 'BANK');
    const amount = body.data.amount ?? amountDue(t, inv);
    const result = createPayment(t, { Invoice: { InvoiceID: inv.id }, Account: { Code: bank?.Code }, Amount: amount.toString(), ...(body.data.date ? { Date: body.data.date } : {}) }, sx.clock.now());
    return 'errors' in result ? jsonAnswer(400, { errors: result.errors }) : jsonAnswer(201, { payment: result.saved });
  });
  router.add('POST', `${P}/tenants`, (ctx) => {
    const body = parse(NewTenantBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    const t = sx.createTenant(body.value);
    return jsonAnswer(201, { ...summary(t) });
  });
  router.add('GET', `${P}/tenants`, () => jsonAnswer(200, [...sx.tenants.values()].map(summary)));
  router.add('GET', `${P}/tenants/:id`, (_ctx, p) => {
    const t = tenantOr404(p.id);
    return 'status' in t ? t : jsonAnswer(200, summary(t));
  });
  router.add('POST', `${P}/tenants/:id/tokens`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const body = parse(TokenBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    if (body.value.clientId && !sx.identity.clients.has(body.value.clientId)) return jsonAnswer(422, { error: `unknown client ${body.value.clientId}` });
    return jsonAnswer(201, sx.identity.adminGrant(t.tenantId, body.value.clientId, body.value.scopes));
  });

  const listing = (path: string, render: (t: Tenant) => unknown[]) =>
    router.add('GET', `${P}/tenants/:id/${path}`, (_ctx, p) => {
      const t = tenantOr404(p.id);
      return 'status' in t ? t : jsonAnswer(200, render(t));
    });
  listing('invoices', (t) => [...t.documents.values()].filter((d) => d.kind === 'invoice').map((d) => renderDocument(t, d, true)));
  listing('credit-notes', (t) => [...t.documents.values()].filter((d) => d.kind === 'creditnote').map((d) => renderDocument(t, d, true)));
  listing('contacts', (t) => [...t.contacts.values()].map((c) => renderContact(c)));
  listing('items', (t) => [...t.items.values()].map((i) => renderItem(i)));
  listing('payments', (t) => [...t.payments.values()].map((p) => renderPayment(t, p)));
  listing('manual-journals', (t) => [...t.manualJournals.values()].map((j) => renderManualJournal(j)));

  /** Stock adjustment (in Xero: a bill or an inventory adjustment): sets QuantityOnHand of a tracked item. */
  router.add('POST', `${P}/tenants/:id/items/:code/stock`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const body = parse(StockBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    const item = itemByCode(t, p.code);
    if (!item) return jsonAnswer(404, { error: `no item ${p.code}` });
    if (!item.IsTrackedAsInventory) return jsonAnswer(422, { error: `item ${item.Code} is not tracked (needs InventoryAssetAccountCode and PurchaseDetails.COGSAccountCode)` });
    item.QuantityOnHand = body.value.quantity;
    item.TotalCostPool = body.value.unitCost ? body.value.unitCost.times(body.value.quantity).round(2, Big.roundHalfUp) : item.TotalCostPool;
    item.updatedAt = sx.clock.now();
    return jsonAnswer(200, renderItem(item));
  });
  router.add('POST', `${P}/tenants/:id/tax-rates`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const body = parse(TaxRateBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    t.taxRates = t.taxRates.filter((r) => r.TaxType !== body.value.TaxType);
    t.taxRates.push({ TaxType: body.value.TaxType, Name: body.value.Name, rate: body.value.rate, ReportTaxType: body.value.ReportTaxType, Status: 'ACTIVE' });
    return jsonAnswer(201, { TaxType: body.value.TaxType });
  });
  router.add('POST', `${P}/tenants/:id/currencies`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const body = parse(z.object({ code: currency }), ctx.rawBody);
    if (!body.ok) return body.answer;
    const code = body.value.code.toUpperCase();
    if (!t.currencies.includes(code)) t.currencies.push(code);
    return jsonAnswer(201, { currencies: t.currencies });
  });

  router.add('PUT', `${P}/tenants/:id/limits`, (ctx, p) => {
    const t = tenantOr404(p.id);
    if ('status' in t) return t;
    const body = parse(LimitsBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    sx.limiter.overrides.set(t.tenantId, { ...sx.limiter.overrides.get(t.tenantId), ...body.value });
    return jsonAnswer(200, sx.limiter.limitsFor(t.tenantId));
  });
  router.add('PUT', `${P}/limits`, (ctx) => {
    const body = parse(LimitsBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    sx.limiter.defaults = { ...sx.limiter.defaults, ...body.value };
    return jsonAnswer(200, sx.limiter.defaults);
  });
  router.add('POST', `${P}/limits/reset`, () => {
    sx.limiter.reset();
    return jsonAnswer(200, { reset: true });
  });
  router.add('GET', `${P}/stats`, () =>
    jsonAnswer(200, {
      tenants: Object.fromEntries([...sx.limiter.stats.entries()]),
      idempotencyReplays: sx.idempotency.replays,
      faultsFired: sx.faults.fired,
    }),
  );

  router.add('GET', `${P}/faults`, () => jsonAnswer(200, sx.faults.rules));
  router.add('POST', `${P}/faults`, (ctx) => {
    const body = parse(z.union([FaultBody, z.object({ rules: z.array(FaultBody), seed: z.number().int().optional() })]), ctx.rawBody);
    if (!body.ok) return body.answer;
    const rules = 'rules' in body.value ? body.value.rules : [body.value];
    if ('seed' in body.value && body.value.seed !== undefined) sx.faults.setSeed(body.value.seed);
    return jsonAnswer(201, rules.map((r) => sx.faults.add(r)));
  });
  router.add('DELETE', `${P}/faults`, () => {
    sx.faults.clear();
    return { status: 204, headers: {}, body: '' };
  });

  router.add('POST', `${P}/clock/advance`, (ctx) => {
    const body = parse(AdvanceBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    sx.clock.advance(body.value.seconds * 1000);
    return jsonAnswer(200, { now: new Date(sx.clock.now()).toISOString() });
  });
  /** The merchant disconnects the app in Xero: every grant (of one client, or all) is revoked. */
  router.add('POST', `${P}/revoke`, (ctx) => {
    const body = parse(z.object({ clientId: z.string().optional() }), ctx.rawBody);
    if (!body.ok) return body.answer;
    return jsonAnswer(200, { revokedGrants: sx.identity.revokeAll(body.value.clientId) });
  });
}
