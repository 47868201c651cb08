// The sandbox admin API (`/__sandbox/...`) used by scripts and tests. The install/uninstall/stores routes are a
// contract other tools rely on (issue 2): keep their shapes stable.
import { z } from 'zod';
import type { Platform } from './platform';
import { PlatformError } from './platform';
import { PLANS } from './state';
import { HttpError, type RequestContext, type Router, parseObjectBody, sendJson } from './http';

function parse<T extends z.ZodType>(schema: T, ctx: RequestContext): z.infer<T> {
  const result = schema.safeParse(parseObjectBody(ctx));
  if (!result.success) {
    throw new HttpError(400, {
      error: 'invalid_request',
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

const createStoreBody = z.object({
  hash: z
    .string()
    .regex(/^[a-z0-9]{1,32}$/, 'lowercase letters and digits only')
    .optional(),
  plan: z.enum(PLANS).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
    .optional(),
  tax_inclusive: z.boolean().optional(),
  name: z.string().min(1).optional(),
  owner_email: z.email().optional(),
});

const installBody = z.object({
  scope: z.string().min(1).optional(),
  user_id: z.number().int().optional(),
  client_id: z.string().optional(),
});

const userActionBody = z.object({ user_id: z.number().int().optional(), client_id: z.string().optional() });

const addUserBody = z.object({
  email: z.email(),
  username: z.string().min(1).optional(),
  locale: z.string().optional(),
  /** An authorized user (may install and uninstall apps); a plain user otherwise. */
  can_manage_apps: z.boolean().optional(),
});

const loadBody = z.object({
  user_id: z.number().int().optional(),
  url: z.string().optional(),
  client_id: z.string().optional(),
});

const jwtBody = z
  .object({
    store_hash: z.string(),
    user_id: z.number().int().optional(),
    client_id: z.string().optional(),
    /** Negative tests: sign with another secret, or produce an unsigned `alg: none` token. */
    sign_with_secret: z.string().optional(),
    alg: z.enum(['HS256', 'none']).optional(),
  })
  .catchall(z.unknown());

export function registerAdminRoutes(router: Router, platform: Platform): void {
  router.add('POST', '/__sandbox/stores', (ctx) => {
    const body = parse(createStoreBody, ctx);
    const store = platform.createStore(body);
    sendJson(ctx.res, 201, { hash: store.hash });
  });

  router.add('GET', '/__sandbox/stores', (ctx) => {
    sendJson(ctx.res, 200, { stores: Object.keys(platform.state.stores) });
  });

  router.add('GET', '/__sandbox/stores/:hash', (ctx) => {
    sendJson(ctx.res, 200, describeStore(platform, ctx.params.hash!));
  });

  router.add('POST', '/__sandbox/stores/:hash/install', async (ctx) => {
    const body = parse(installBody, ctx);
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(body.client_id);
    const { code, outcome } = await platform.install(store, app, { scope: body.scope, userId: body.user_id });
    const result = {
      store_hash: store.hash,
      access_token: code.issued_token,
      scope: code.scope,
      status: outcome.status ?? 0,
      ...(outcome.error ? { error: `The app's auth callback could not be reached: ${outcome.error}` } : {}),
    };
    sendJson(ctx.res, outcome.status === null ? 502 : 200, result);
  });

  router.add('POST', '/__sandbox/stores/:hash/uninstall', async (ctx) => {
    const body = parse(userActionBody, ctx);
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(body.client_id);
    const outcome = await platform.uninstall(store, app, body.user_id);
    sendJson(ctx.res, 200, {
      store_hash: store.hash,
      installed: false,
      status: outcome.status ?? 0,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  });

  router.add('POST', '/__sandbox/stores/:hash/users', (ctx) => {
    const body = parse(addUserBody, ctx);
    const store = platform.store(ctx.params.hash!);
    const user = platform.addUser(store, body);
    sendJson(ctx.res, 201, { id: user.id, email: user.email, username: user.username });
  });

  router.add('POST', '/__sandbox/stores/:hash/users/:id/remove', async (ctx) => {
    const body = parse(userActionBody, ctx);
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(body.client_id);
    const outcome = await platform.removeUser(store, app, Number(ctx.params.id));
    sendJson(ctx.res, 200, { status: outcome.status ?? 0, ...(outcome.error ? { error: outcome.error } : {}) });
  });

  router.add('POST', '/__sandbox/stores/:hash/load', (ctx) => {
    const body = parse(loadBody, ctx);
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(body.client_id);
    const user = platform.user(store, body.user_id);
    const jwt = platform.signedPayloadJwt(store, app, user, { url: body.url ?? '/' });
    const url = new URL(platform.callbackUrl(app, 'load'));
    url.searchParams.set('signed_payload_jwt', jwt);
    sendJson(ctx.res, 200, { url: url.toString(), signed_payload_jwt: jwt });
  });

  router.add('POST', '/__sandbox/jwt', (ctx) => {
    const { store_hash, user_id, client_id, sign_with_secret, alg, ...overrides } = parse(jwtBody, ctx);
    const store = platform.store(store_hash);
    const app = platform.app(client_id);
    const user = platform.user(store, user_id);
    const claims = { ...platform.signedPayloadClaims(store, app, user), ...overrides };
    for (const [k, v] of Object.entries(claims)) if (v === null && k !== 'channel_id') delete claims[k];
    const token = platform.signPayload(claims, sign_with_secret ?? app.clientSecret, alg ?? 'HS256');
    sendJson(ctx.res, 200, { signed_payload_jwt: token, claims });
  });

  /** Test helper: moves the sandbox clock forward (code expiry, JWT times, webhook retries). */
  router.add('POST', '/__sandbox/clock/advance', (ctx) => {
    const body = parse(z.object({ ms: z.number().nonnegative() }), ctx);
    platform.clock.advance(body.ms);
    sendJson(ctx.res, 200, { now: platform.clock.iso() });
  });
}

export function describeStore(platform: Platform, hash: string) {
  const store = platform.store(hash);
  const defaultApp = platform.app();
  const inst = store.installations[defaultApp.clientId];
  return {
    hash: store.hash,
    store_id: store.store_id,
    name: store.name,
    plan: store.plan,
    currency: store.currency,
    tax_inclusive: store.tax_inclusive,
    installed: inst?.installed ?? false,
    scope: inst?.installed ? inst.scope : null,
    owner: platform.owner(store),
    users: store.users,
    apps: Object.values(store.installations).map((i) => ({
      client_id: i.client_id,
      installed: i.installed,
      scope: i.scope,
      installed_at: i.installed_at,
      uninstalled_at: i.uninstalled_at,
      history: i.history,
    })),
  };
}

export { PlatformError };
