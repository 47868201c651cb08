// Admin API for scripts and tests (not part of QuickBooks), under /__sandbox/quickbooks. Contract kept stable (tools
// outside the project use it):
//   POST /companies {name, country, currency, ast?, multicurrency?}   → 201 {realmId, ...}
//   POST /companies/{realmId}/tokens                                  → 201 {access_token, ...}
//   GET  /companies/{realmId}/entities/{Entity}                       → 200 {items}
//   PUT  /webhooks {url, verifierToken}                              → 200 (the app's endpoint and token, as in Intuit's portal)
//   GET  /webhooks/deliveries                                         → 200 {deliveries: [{body, status, events}]}
//   POST /webhooks/forged (any body)                                  → 200 {status} (sent signed with a wrong token)
// More in README.md: subscription, revoke, limits, stats, faults, clock, reset.
import { z } from 'zod';
import { jsonAnswer, type Answer, type RequestCtx, type Router } from '../xero/wire';
import { companyInfo } from './companies';
import { render } from './operations';
import type { QuickBooksSandbox } from './server';
import { canonicalEntity, find, table, type Company } from './store';

const WebhookBody = z.object({ url: z.url(), verifierToken: z.string().min(1) });

const NewCompanyBody = z.object({
  name: z.string().min(1).max(255),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'a 2-letter country code'),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code'),
  ast: z.boolean().optional(),
  multicurrency: z.boolean().optional(),
  state: z.string().regex(/^[A-Za-z]{2}$/).optional(),
});
const TokenBody = z.object({ clientId: z.string().optional() }).default({});
const SubscriptionBody = z.object({ status: z.enum(['TRIAL', 'TRIALOPTIN', 'SUBSCRIBED', 'EXPIRED', 'RESTRICTED', 'SUSPENDED', 'CANCELLED']) });
const LimitsBody = z.object({
  minute: z.number().int().positive().optional(),
  concurrent: z.number().int().positive().optional(),
  batchMinute: z.number().int().positive().optional(),
  batchItems: z.number().int().positive().optional(),
});
const FaultBody = z.object({
  kind: z.enum(['status', 'timeout', 'drop-before', 'drop-after', 'delay']),
  status: z.union([z.literal(500), z.literal(503), z.literal(429)]).optional(),
  delayMs: z.number().int().min(0).optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  realmId: z.string().optional(),
  times: z.number().int().positive().optional(),
  rate: z.number().min(0).max(1).optional(),
});
const RevokeBody = z.object({ clientId: z.string().optional(), realmId: z.string().optional() }).default({});

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

function summary(c: Company) {
  return {
    realmId: c.realmId,
    name: c.name,
    country: c.country,
    currency: c.currency,
    ast: c.ast,
    multicurrency: c.multicurrency,
    subscription: c.subscription,
    counts: Object.fromEntries([...c.entities.entries()].map(([k, v]) => [k, v.size])),
  };
}

export function registerAdminRoutes(router: Router<RequestCtx>, qb: QuickBooksSandbox): void {
  const P = '/__sandbox/quickbooks';
  const companyOr404 = (id: string | undefined): Company | Answer => qb.companies.get(id ?? '') ?? jsonAnswer(404, { error: `no company ${id}` });

  router.add('POST', `${P}/companies`, (ctx) => {
    const body = parse(NewCompanyBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    return jsonAnswer(201, summary(qb.createCompany(body.value)));
  });
  router.add('GET', `${P}/companies`, () => jsonAnswer(200, [...qb.companies.values()].map(summary)));
  // The app's webhook endpoint and verifier token, as its developer sets them in Intuit's developer portal.
  router.add('PUT', `${P}/webhooks`, (ctx) => {
    const body = parse(WebhookBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    qb.webhooks.target = body.value;
    return jsonAnswer(200, { url: body.value.url });
  });
  router.add('GET', `${P}/webhooks/deliveries`, () => jsonAnswer(200, { deliveries: qb.webhooks.deliveries }));
  // A delivery signed with a wrong token (a forger's): the app must refuse it.
  router.add('POST', `${P}/webhooks/forged`, async (ctx) => jsonAnswer(200, { status: await qb.webhooks.forged(ctx.rawBody) }));
  router.add('GET', `${P}/companies/:realmId`, (_ctx, p) => {
    const c = companyOr404(p.realmId);
    return 'status' in c ? c : jsonAnswer(200, summary(c));
  });
  router.add('POST', `${P}/companies/:realmId/tokens`, (ctx, p) => {
    const c = companyOr404(p.realmId);
    if ('status' in c) return c;
    const body = parse(TokenBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    if (body.value.clientId && !qb.oauth.clients.has(body.value.clientId)) return jsonAnswer(422, { error: `unknown client ${body.value.clientId}` });
    return jsonAnswer(201, qb.oauth.adminGrant(c.realmId, body.value.clientId));
  });
  router.add('GET', `${P}/companies/:realmId/entities/:entity`, (_ctx, p) => {
    const c = companyOr404(p.realmId);
    if ('status' in c) return c;
    const entity = canonicalEntity(p.entity ?? '');
    if (!entity) return jsonAnswer(404, { error: `no entity ${p.entity}` });
    return jsonAnswer(200, { items: [...table(c, entity).values()].map((s) => render(c, entity, s)) });
  });
  /** The company's subscription lapses (or comes back): EXPIRED, CANCELLED, SUSPENDED, RESTRICTED are read-only. */
  router.add('POST', `${P}/companies/:realmId/subscription`, (ctx, p) => {
    const c = companyOr404(p.realmId);
    if ('status' in c) return c;
    const body = parse(SubscriptionBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    c.subscription = body.value.status;
    const info = find(c, 'CompanyInfo', '1');
    if (info) info.data = { ...info.data, NameValue: companyInfo(c, c.subscription).NameValue };
    return jsonAnswer(200, summary(c));
  });
  router.add('PUT', `${P}/companies/:realmId/limits`, (ctx, p) => {
    const c = companyOr404(p.realmId);
    if ('status' in c) return c;
    const body = parse(LimitsBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    qb.limiter.overrides.set(c.realmId, { ...qb.limiter.overrides.get(c.realmId), ...body.value });
    return jsonAnswer(200, qb.limiter.limitsFor(c.realmId));
  });
  router.add('PUT', `${P}/limits`, (ctx) => {
    const body = parse(LimitsBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    qb.limiter.defaults = { ...qb.limiter.defaults, ...body.value };
    return jsonAnswer(200, qb.limiter.defaults);
  });
  router.add('POST', `${P}/limits/reset`, () => {
    qb.limiter.reset();
    return jsonAnswer(200, { reset: true });
  });
  /** Calls and 429s per company (by limit), the deepest concurrency seen, requestid replays, faults fired. */
  router.add('GET', `${P}/stats`, () =>
    jsonAnswer(200, { companies: Object.fromEntries(qb.limiter.stats.entries()), requestIdReplays: qb.requestIds.replays, faultsFired: qb.faults.fired }),
  );
  router.add('GET', `${P}/faults`, () => jsonAnswer(200, qb.faults.rules));
  router.add('POST', `${P}/faults`, (ctx) => {
    const body = parse(z.union([FaultBody, z.object({ rules: z.array(FaultBody), seed: z.number().int().optional() })]), ctx.rawBody);
    if (!body.ok) return body.answer;
    const rules = 'rules' in body.value ? body.value.rules : [body.value];
    if ('seed' in body.value && body.value.seed !== undefined) qb.faults.setSeed(body.value.seed);
    return jsonAnswer(201, rules.map((r) => qb.faults.add(r)));
  });
  router.add('DELETE', `${P}/faults`, () => {
    qb.faults.clear();
    return { status: 204, headers: {}, body: '' };
  });
  router.add('POST', `${P}/clock/advance`, (ctx) => {
    const body = parse(z.object({ seconds: z.number().positive() }), ctx.rawBody);
    if (!body.ok) return body.answer;
    qb.clock.advance(body.value.seconds * 1000);
    return jsonAnswer(200, { now: new Date(qb.clock.now()).toISOString() });
  });
  /** The merchant disconnects the app in QuickBooks: grants (of a client and/or a company, or all) are revoked. */
  router.add('POST', `${P}/revoke`, (ctx) => {
    const body = parse(RevokeBody, ctx.rawBody);
    if (!body.ok) return body.answer;
    return jsonAnswer(200, { revokedGrants: qb.oauth.revokeAll(body.value) });
  });
  /** Forgets companies, grants' companies, counters, faults and requestids (OAuth clients stay registered). */
  router.add('POST', `${P}/reset`, () => {
    qb.companies.clear();
    qb.oauth.revokeAll();
    qb.limiter.reset();
    qb.limiter.stats.clear();
    qb.faults.clear();
    qb.requestIds.clear();
    return jsonAnswer(200, { reset: true });
  });
}
