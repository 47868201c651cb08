// A local, faithful stand-in for Xero: identity (consent page, token endpoint, revocation, connections), the
// Accounting API under /xero/api.xro/2.0, and an admin API for scripts and tests under /__sandbox/xero.
//
// `createXeroSandbox()` builds the handler without listening, for mounting on the BigCommerce sandbox's port:
//   startBigCommerceSandbox({ ..., mounts: xero.mounts })        // answers /xero/... and /__sandbox/xero/...
// `startXeroSandbox({ port })` listens on its own port (its tests, scripts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX, createAccountingRouter, headerValue, type AccountingOptions, type ApiCtx } from './accounting';
import { registerAdminRoutes } from './admin';
import { XeroClock } from './clock';
import { FaultInjector, IdempotencyStore, RateLimiter, faultAnswer, type Limits } from './gateway';
import { Identity, forbidden, type IdentityOptions, type XeroClient } from './identity';
import { createTenant, type NewTenant, type Tenant } from './tenants';
import { XeroWebhooks, type WebhookTarget } from './webhooks';
import { HttpError, Router, jsonAnswer, problem, readBody, send, type Answer, type RequestCtx } from './wire';

export type { XeroClient } from './identity';
export type { Limits, FaultRule } from './gateway';

export interface XeroSandboxOptions extends IdentityOptions, AccountingOptions {
  /** Platform durations (token lifetimes, limit windows, idempotency retention) are divided by this. Default 1. */
  timeScale?: number;
  /** OAuth apps allowed to connect (the app under test). */
  clients?: XeroClient[];
  /** Per-tenant limits; Xero's are 60/min, 5 concurrent, 5,000/day, 10,000/min per app. */
  limits?: Partial<Limits>;
  /** Organisation offered on the consent page when none has been created yet. */
  defaultTenant?: NewTenant;
  /** The app's webhook URL and key (Xero's developer portal: one per app); also set by PUT /__sandbox/xero/webhooks. */
  webhooks?: WebhookTarget;
}

export interface XeroSandbox {
  /** Answers /xero/... and /__sandbox/xero/...; resolves false for any other path (falls through). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ready for `startBigCommerceSandbox({ mounts })`. */
  mounts: Array<{ prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> }>;
  clock: XeroClock;
  tenants: Map<string, Tenant>;
  identity: Identity;
  limiter: RateLimiter;
  faults: FaultInjector;
  idempotency: IdempotencyStore;
  /** Signed INVOICE UPDATE deliveries to the app's webhook URL (./webhooks.ts). */
  webhooks: XeroWebhooks;
  createTenant(input: NewTenant): Tenant;
  /** An access token (scripts client, all accounting scopes) connected to the tenant. */
  tokenFor(tenantId: string): string;
}

const IDEMPOTENT_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function createXeroSandbox(options: XeroSandboxOptions = {}): XeroSandbox {
  const clock = new XeroClock(options.timeScale ?? 1);
  const tenants = new Map<string, Tenant>();
  const addTenant = (input: NewTenant) => {
    const t = createTenant(input, clock.now());
    tenants.set(t.tenantId, t);
    return t;
  };
  const identity = new Identity(
    clock,
    () => [...tenants.values()],
    () => addTenant(options.defaultTenant ?? { name: 'Demo Company (Global)', currency: 'USD' }),
    options.clients ?? [],
    options,
  );
  const limiter = new RateLimiter(clock, options.limits);
  const faults = new FaultInjector();
  const idempotency = new IdempotencyStore(clock);
  const api = createAccountingRouter(options);
  const identityRouter = new Router<RequestCtx>();
  identity.register(identityRouter);
  const adminRouter = new Router<RequestCtx>();
  const sandbox: XeroSandbox = {
    handle,
    mounts: [],
    clock,
    tenants,
    identity,
    limiter,
    faults,
    idempotency,
    webhooks: new XeroWebhooks(options.webhooks ?? null),
    createTenant: addTenant,
    tokenFor: (tenantId) => String(identity.adminGrant(tenantId).access_token),
  };
  sandbox.mounts = [
    { prefix: '/xero', handle },
    { prefix: '/__sandbox/xero', handle },
  ];
  registerAdminRoutes(adminRouter, sandbox);

  function route(router: Router<RequestCtx>, ctx: RequestCtx): Promise<Answer> | Answer {
    const m = router.match(ctx.method, ctx.url.pathname);
    if (!m) return jsonAnswer(404, problem(404, 'Not Found', 'The resource you\'re looking for cannot be found'));
    if ('allowed' in m) return jsonAnswer(405, problem(405, 'Method Not Allowed', `Allowed: ${m.allowed.join(', ')}`), { allow: m.allowed.join(', ') });
    return m.handler(ctx, m.params);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://xero.sandbox');
    const path = url.pathname;
    const isAdmin = path === '/__sandbox/xero' || path.startsWith('/__sandbox/xero/');
    const isXero = path === '/xero' || path.startsWith('/xero/');
    if (!isAdmin && !isXero) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
      const ctx: RequestCtx = { req, res, method, url, rawBody };
      // A change to an invoice's status or payments goes out as a webhook once the answer is sent.
      const before = method === 'GET' || !sandbox.webhooks.target ? null : sandbox.webhooks.snapshot(tenants.values());
      if (isAdmin) send(res, await route(adminRouter, ctx));
      else if (path.toLowerCase().startsWith(`${API_PREFIX.toLowerCase()}/`)) await accounting(ctx);
      else await withFaults(ctx, undefined, () => route(identityRouter, ctx));
      if (before) void sandbox.webhooks.changed(before, sandbox.webhooks.snapshot(tenants.values()), clock.now());
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof HttpError) send(res, jsonAnswer(error.status, error.body, error.headers));
      else {
        console.error('[xero-sandbox] unexpected error', error);
        send(res, jsonAnswer(500, problem(500, 'Internal sandbox error', String(error))));
      }
    }
    return true;
  }

  /** Applies injected faults around a handler (identity routes; the API applies them itself). */
  async function withFaults(ctx: RequestCtx, tenantId: string | undefined, run: () => Promise<Answer> | Answer, headers: Record<string, string> = {}): Promise<void> {
    const { delayMs, terminal } = faults.pick(ctx.method, ctx.url.pathname, tenantId);
    if (delayMs > 0) await sleep(delayMs);
    if (terminal?.kind === 'drop-before') return void ctx.res.destroy();
    if (terminal?.kind === 'status') return send(ctx.res, faultAnswer(terminal.status ?? 500), headers);
    const answer = await run();
    if (terminal?.kind === 'drop-after') return void ctx.res.destroy();
    send(ctx.res, answer, headers);
  }

  async function accounting(ctx: RequestCtx): Promise<void> {
    const auth = identity.authenticate(headerValue(ctx.req.headers.authorization));
    if ('status' in auth) return send(ctx.res, auth);
    const tenantId = headerValue(ctx.req.headers['xero-tenant-id'])?.trim() ?? '';
    const tenant = tenants.get(tenantId.toLowerCase());
    if (!tenant || !identity.connectionFor(auth.grant, tenant.tenantId)) return send(ctx.res, forbidden());
    const admission = limiter.admit(auth.grant.clientId, tenant.tenantId);
    if (!admission.ok) return send(ctx.res, admission.answer);
    try {
      const { delayMs, terminal } = faults.pick(ctx.method, ctx.url.pathname, tenant.tenantId);
      if (delayMs > 0) await sleep(delayMs);
      if (terminal?.kind === 'drop-before') return void ctx.res.destroy();
      const key = headerValue(ctx.req.headers['idempotency-key']);
      let run: Awaited<ReturnType<IdempotencyStore['start']>> | undefined;
      if (key !== undefined && IDEMPOTENT_METHODS.has(ctx.method)) {
        const fingerprint = `${ctx.method} ${ctx.url.pathname.toLowerCase()}${ctx.url.search}\n${tenant.tenantId}\n${ctx.rawBody}`;
        run = await idempotency.start(auth.grant.clientId, key, fingerprint);
        if (run.kind !== 'fresh') {
          if (run.kind === 'replay' && terminal?.kind === 'drop-after') return void ctx.res.destroy();
          return send(ctx.res, run.answer, admission.headers);
        }
      }
      const fresh = run?.kind === 'fresh' ? run : undefined;
      if (terminal?.kind === 'status') {
        const answer = faultAnswer(terminal.status ?? 500);
        // Xero caches an internal error against the key and replays it; a 503 never reached the API.
        if (terminal.status === 503) fresh?.abandon();
        else fresh?.finish(answer);
        return send(ctx.res, answer, admission.headers);
      }
      const apiCtx: ApiCtx = {
        tenant,
        grant: auth.grant,
        appName: identity.clients.get(auth.grant.clientId)?.name ?? auth.grant.clientId,
        method: ctx.method,
        query: ctx.url.searchParams,
        headers: ctx.req.headers,
        rawBody: ctx.rawBody,
        now: clock.now(),
      };
      let answer: Answer;
      const m = api.match(ctx.method, ctx.url.pathname);
      if (!m) answer = jsonAnswer(404, problem(404, 'Not Found', 'The resource you\'re looking for cannot be found'));
      else if ('allowed' in m) answer = jsonAnswer(405, problem(405, 'Method Not Allowed', `Allowed: ${m.allowed.join(', ')}`));
      else {
        try {
          answer = await m.handler(apiCtx, m.params);
        } catch (error) {
          fresh?.abandon();
          throw error;
        }
      }
      fresh?.finish(answer);
      if (terminal?.kind === 'drop-after') return void ctx.res.destroy();
      send(ctx.res, answer, admission.headers);
    } finally {
      admission.release();
    }
  }

  return sandbox;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StartedXeroSandbox {
  url: string;
  port: number;
  sandbox: XeroSandbox;
  close(): Promise<void>;
}

/** Listens on its own port (0 = a free one). */
export async function startXeroSandbox(options: XeroSandboxOptions & { port?: number; host?: string } = {}): Promise<StartedXeroSandbox> {
  const sandbox = createXeroSandbox(options);
  const server = createServer((req, res) => {
    void sandbox.handle(req, res).then((handled) => {
      if (!handled) send(res, jsonAnswer(404, problem(404, 'Not Found', 'Not a Xero sandbox path')));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
