// Admin routes for issue 3: API accounts with the credentials file, seeding, faults, rate-limit settings,
// custom status labels, the webhook delivery log, and the stores' payment capture setting.
import { z } from 'zod';
import type { FaultInjector, RateLimiter } from './gateway-stages';
import { HttpError, type RequestContext, type Router, parseJsonBody, parseObjectBody, sendJson, sendText } from './http';
import type { Platform } from './platform';
import { resources } from './resources/model';
import { ORDER_STATUSES, type OrdersModule } from './resources/orders';
import { seedStore } from './seed';
import { newToken, type TokenRecord } from './state';
import type { WebhookDispatcher } from './webhooks';

function parse<T extends z.ZodType>(schema: T, ctx: RequestContext): z.infer<T> {
  const result = schema.safeParse(parseObjectBody(ctx));
  if (!result.success) {
    throw new HttpError(400, { error: 'invalid_request', issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  return result.data;
}

/** The text file the control panel downloads when an API account is created. */
export function credentialsText(a: { access_token: string; client_id: string; client_secret: string; name: string; api_path: string }): string {
  return [
    `ACCESS TOKEN: ${a.access_token}`,
    `CLIENT NAME: ${a.name}`,
    `CLIENT ID: ${a.client_id}`,
    `CLIENT SECRET: ${a.client_secret}`,
    `NAME: ${a.name}`,
    `API PATH: ${a.api_path}`,
    '',
  ].join('\n');
}

const faultsBody = z.object({
  rules: z
    .array(
      z.object({
        route: z.string().min(1),
        error500: z.number().min(0).max(1).optional(),
        error429: z.number().min(0).max(1).optional(),
        delayMs: z.number().int().min(0).max(120_000).optional(),
        drop: z.number().min(0).max(1).optional(),
      }),
    )
    .optional(),
  webhooks: z
    .object({ duplicate: z.number().min(0).max(1).optional(), reorder: z.boolean().optional(), drop: z.number().min(0).max(1).optional() })
    .optional(),
});

export function registerAdminResources(
  router: Router,
  platform: Platform,
  deps: { rateLimiter: RateLimiter; faults: FaultInjector; webhooks: WebhookDispatcher; publicUrl: () => string },
): void {
  router.add('POST', '/__sandbox/stores/:hash/api-accounts', (ctx) => {
    const body = parse(
      z.object({ scopes: z.union([z.array(z.string().min(1)), z.string().min(1)]), name: z.string().min(1).optional() }),
      ctx,
    );
    const store = platform.store(ctx.params.hash!);
    const scopes = Array.isArray(body.scopes) ? body.scopes : body.scopes.split(/\s+/).filter(Boolean);
    const account = {
      client_id: newToken(31),
      client_secret: newToken(64),
      access_token: newToken(31),
      name: body.name ?? 'Ledgerbridge CLI',
      scopes,
      created_at: platform.clock.now(),
    };
    resources(store).api_accounts.push(account);
    const token: TokenRecord = {
      token: account.access_token,
      store_hash: store.hash,
      client_id: account.client_id,
      scopes,
      kind: 'api-account',
      created_at: platform.clock.iso(),
      revoked_at: null,
    };
    platform.state.tokens[token.token] = token;
    platform.changed();
    const apiPath = `${deps.publicUrl()}/stores/${store.hash}/v3/`;
    const result = { access_token: account.access_token, client_id: account.client_id, client_secret: account.client_secret, api_path: apiPath, name: account.name };
    sendJson(ctx.res, 201, { ...result, credentials_text: credentialsText(result) });
  });

  router.add('GET', '/__sandbox/stores/:hash/api-accounts/:client_id/credentials.txt', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const a = resources(store).api_accounts.find((x) => x.client_id === ctx.params.client_id);
    if (!a) throw new HttpError(404, { error: 'No such API account' });
    sendText(ctx.res, 200, credentialsText({ ...a, api_path: `${deps.publicUrl()}/stores/${store.hash}/v3/` }), {
      'content-disposition': `attachment; filename="${a.name.replace(/[^A-Za-z0-9 _-]/g, '')}.txt"`,
    });
  });

  router.add('POST', '/__sandbox/stores/:hash/seed', (ctx) => {
    const body = parse(
      z.object({
        products: z.number().int().min(0).max(10_000).optional(),
        customers: z.number().int().min(0).max(10_000).optional(),
        orders: z.number().int().min(0).max(100_000).optional(),
        seed: z.number().int().optional(),
      }),
      ctx,
    );
    const store = platform.store(ctx.params.hash!);
    sendJson(ctx.res, 201, seedStore(platform, store, body));
  });

  router.add('POST', '/__sandbox/stores/:hash/faults', (ctx) => {
    const body = parse(faultsBody, ctx);
    const store = platform.store(ctx.params.hash!);
    deps.faults.rules.set(store.hash, body.rules ?? []);
    deps.webhooks.setFaults(
      store.hash,
      body.webhooks ? { duplicate: body.webhooks.duplicate ?? 0, reorder: body.webhooks.reorder ?? false, drop: body.webhooks.drop ?? 0 } : null,
    );
    sendJson(ctx.res, 200, { rules: body.rules ?? [], webhooks: body.webhooks ?? null });
  });

  router.add('POST', '/__sandbox/stores/:hash/rate-limit', (ctx) => {
    const body = parse(z.object({ quota: z.number().int().min(1).optional(), window_ms: z.number().int().min(1).optional() }), ctx);
    const store = platform.store(ctx.params.hash!);
    deps.rateLimiter.overrides.set(store.hash, { quota: body.quota, windowMs: body.window_ms });
    sendJson(ctx.res, 200, deps.rateLimiter.settings(store.hash, store.plan));
  });

  router.add('POST', '/__sandbox/stores/:hash/order-statuses', (ctx) => {
    const body = parse(z.object({ id: z.number().int().min(0).max(14), custom_label: z.string().min(1) }), ctx);
    const store = platform.store(ctx.params.hash!);
    if (!ORDER_STATUSES.some((s) => s.id === body.id)) throw new HttpError(404, { error: 'No such status' });
    resources(store).status_labels[String(body.id)] = body.custom_label;
    platform.changed();
    sendJson(ctx.res, 200, body);
  });

  // The transaction type of the store's online gateways: BigCommerce lets a merchant set "Authorize Only" (or authorize
  // and capture) per gateway (help "Manually Capturing Transactions (Authorize Only)"). With authorize_only, new orders
  // paid through an online gateway are `authorized` until POST /v3/orders/{id}/payment_actions/capture.
  router.add('POST', '/__sandbox/stores/:hash/payments', (ctx) => {
    const body = parse(z.object({ capture: z.enum(['authorize_only', 'authorize_and_capture']) }), ctx);
    const store = platform.store(ctx.params.hash!);
    resources(store).payment_capture = body.capture;
    platform.changed();
    sendJson(ctx.res, 200, { capture: body.capture });
  });

  router.add('GET', '/__sandbox/stores/:hash/webhook-deliveries', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const hooks = resources(store).hooks;
    const hookIds = new Set(hooks.map((h) => h.id));
    sendJson(ctx.res, 200, {
      deliveries: deps.webhooks.deliveries.filter((d) => hookIds.has(d.hook_id)),
      hooks,
      domains: deps.webhooks.domains.report(new Set(hooks.map((h) => h.client_id))),
    });
  });
}

/**
 * `POST /__sandbox/stores/{hash}/checkout` with the body of `POST /v2/orders` → 201 `{id}`: an order placed by a
 * shopper at checkout. The order and its `store/order/created` webhook are those of the API route, but a checkout is
 * not a store API call: it spends none of the store's API quota and meets no injected fault (the fleet benchmark's
 * shoppers keep placing orders while the store's quota is spent).
 */
export function registerCheckout(router: Router, platform: Platform, orders: OrdersModule): void {
  router.add('POST', '/__sandbox/stores/:hash/checkout', (ctx) => {
    const order = orders.place(platform.store(ctx.params.hash!), parseJsonBody(ctx));
    sendJson(ctx.res, 201, { id: order.id });
  });
}
