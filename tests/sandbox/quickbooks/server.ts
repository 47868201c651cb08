// A local, faithful stand-in for QuickBooks Online: Intuit's OAuth 2.0 (consent page, token endpoint with rotating
// refresh tokens, revocation), the Accounting API under /quickbooks/v3/company/{realmId}, and an admin API for
// scripts and tests under /__sandbox/quickbooks.
//
// `createQuickBooksSandbox()` builds the handler without listening, for mounting on the BigCommerce sandbox's port:
//   startBigCommerceSandbox({ ..., mounts: [...xero.mounts, ...quickbooks.mounts] })
// `startQuickBooksSandbox({ port })` listens on its own port (its tests, scripts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XeroClock as SandboxClock } from '../xero/clock';
import { HttpError, jsonAnswer, readBody, Router, send, type Answer, type RequestCtx } from '../xero/wire';
import { registerAdminRoutes } from './admin';
import { API_PREFIX, createApiRouter, type ApiCtx } from './api';
import { createCompany, type NewCompany } from './companies';
import { authorizationFailed, faultAnswer, serviceUnavailable, stringTooLong, systemFailure, throttleExceeded, unsupportedOperation } from './faults';
import { FaultInjector, RateLimiter, RequestIds, type FaultRule, type Limits } from './gateway';
import { OAuth, type OAuthOptions, type QuickBooksClient } from './oauth';
import type { Company } from './store';
import { QuickBooksWebhooks, type QuickBooksWebhookTarget } from './webhooks';

export type { QuickBooksClient } from './oauth';
export type { Limits, FaultRule } from './gateway';
export type { NewCompany } from './companies';

export interface QuickBooksSandboxOptions extends OAuthOptions {
  /** Platform durations (token lifetimes, limit windows) are divided by this. Default 1. */
  timeScale?: number;
  /** OAuth apps allowed to connect (the app under test). */
  clients?: QuickBooksClient[];
  /** Per-company limits; Intuit's are 500/min, 10 concurrent, 40 batch requests/min, 30 items a batch. */
  limits?: Partial<Limits>;
  /** Company offered on the consent page when none exists yet (default a US company with Automated Sales Tax). */
  defaultCompany?: NewCompany;
  /** The app's webhook endpoint and verifier token (Intuit's developer portal); also PUT /__sandbox/quickbooks/webhooks. */
  webhooks?: QuickBooksWebhookTarget;
}

type Mount = { prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> };

export interface QuickBooksSandbox {
  /** Answers /quickbooks/... and /__sandbox/quickbooks/...; resolves false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  mounts: Mount[];
  clock: SandboxClock;
  companies: Map<string, Company>;
  oauth: OAuth;
  limiter: RateLimiter;
  faults: FaultInjector;
  requestIds: RequestIds;
  /** Signed CloudEvents deliveries to the app's webhook endpoint (./webhooks.ts). */
  webhooks: QuickBooksWebhooks;
  createCompany(input: NewCompany): Company;
  /** A valid access token for the company (scripts client). */
  tokenFor(realmId: string): string;
}

/** Intuit's requestid limits (blog "Request ID update"): 50 characters, 36 for batch. */
const REQUEST_ID_MAX = 50;
const BATCH_REQUEST_ID_MAX = 36;

export function createQuickBooksSandbox(options: QuickBooksSandboxOptions = {}): QuickBooksSandbox {
  const clock = new SandboxClock(options.timeScale ?? 1);
  const companies = new Map<string, Company>();
  const addCompany = (input: NewCompany) => {
    const c = createCompany(input, clock.now());
    companies.set(c.realmId, c);
    return c;
  };
  const oauth = new OAuth(
    clock,
    () => [...companies.values()],
    () => addCompany(options.defaultCompany ?? { name: 'Sandbox Company_US_1', country: 'US', currency: 'USD', ast: true }),
    options.clients ?? [],
    options,
  );
  const limiter = new RateLimiter(clock, options.limits);
  const faults = new FaultInjector();
  const requestIds = new RequestIds();
  const api = createApiRouter();
  const identityRouter = new Router<RequestCtx>();
  oauth.register(identityRouter);
  const adminRouter = new Router<RequestCtx>();
  const sandbox: QuickBooksSandbox = {
    handle,
    mounts: [],
    clock,
    companies,
    oauth,
    limiter,
    faults,
    requestIds,
    webhooks: new QuickBooksWebhooks(options.webhooks ?? null),
    createCompany: addCompany,
    tokenFor: (realmId) => String(oauth.adminGrant(realmId).access_token),
  };
  sandbox.mounts = [
    { prefix: '/quickbooks', handle },
    { prefix: '/__sandbox/quickbooks', handle },
  ];
  registerAdminRoutes(adminRouter, sandbox);

  const notFound = (): Answer => faultAnswer(unsupportedOperation('Could not find resource for this path:'), clock.now());

  function route<C>(router: Router<C>, ctx: C, method: string, path: string): Promise<Answer> | Answer {
    const m = router.match(method, path);
    if (!m) return notFound();
    if ('allowed' in m) return jsonAnswer(405, { error: `Method not allowed; allowed: ${m.allowed.join(', ')}` }, { allow: m.allowed.join(', ') });
    return m.handler(ctx, m.params);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://quickbooks.sandbox');
    const path = url.pathname;
    const isAdmin = path === '/__sandbox/quickbooks' || path.startsWith('/__sandbox/quickbooks/');
    const isQbo = path === '/quickbooks' || path.startsWith('/quickbooks/');
    if (!isAdmin && !isQbo) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
      const ctx: RequestCtx = { req, res, method, url, rawBody };
      if (isAdmin) send(res, await route(adminRouter, ctx, method, path));
      else if (path.toLowerCase().startsWith(`${API_PREFIX}/`)) await accounting(ctx);
      else await withFaults(ctx, undefined, () => route(identityRouter, ctx, method, path));
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof HttpError) send(res, jsonAnswer(error.status, error.body, error.headers));
      else {
        console.error('[quickbooks-sandbox] unexpected error', error);
        send(res, faultAnswer(systemFailure(), clock.now()));
      }
    }
    return true;
  }

  /** A terminal fault's answer, or undefined when the connection was closed or held. */
  async function terminalFault(ctx: RequestCtx, rule: FaultRule): Promise<Answer | undefined> {
    if (rule.kind === 'drop-before') return void ctx.res.destroy();
    if (rule.kind === 'timeout') {
      // Hold the request without answering until the client gives up (or delayMs passes), then close it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, rule.delayMs ?? 120_000);
        ctx.res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return void ctx.res.destroy();
    }
    if (rule.status === 503) return serviceUnavailable();
    if (rule.status === 429) return throttleExceeded(clock.now());
    return faultAnswer(systemFailure(), clock.now());
  }

  async function withFaults(ctx: RequestCtx, realmId: string | undefined, run: () => Promise<Answer> | Answer): Promise<void> {
    const { delayMs, terminal } = faults.pick(ctx.method, ctx.url.pathname, realmId);
    if (delayMs > 0) await sleep(delayMs);
    if (terminal && terminal.kind !== 'drop-after') {
      const answer = await terminalFault(ctx, terminal);
      if (answer) send(ctx.res, answer);
      return;
    }
    const answer = await run();
    if (terminal?.kind === 'drop-after') return void ctx.res.destroy();
    send(ctx.res, answer);
  }

  async function accounting(ctx: RequestCtx): Promise<void> {
    const now = clock.now();
    const realmId = ctx.url.pathname.slice(API_PREFIX.length + 1).split('/')[0] ?? '';
    const grant = oauth.authenticate(ctx.req.headers.authorization);
    if ('status' in grant) return send(ctx.res, grant);
    const company = companies.get(realmId);
    // A token works for the one company it was granted for (AuthorizationFailed 003100 otherwise).
    if (!company || grant.realmId !== realmId) return send(ctx.res, authorizationFailed(now));
    const isBatch = /\/batch\/?$/i.test(ctx.url.pathname);
    const calls = isBatch ? batchSize(ctx.rawBody) : 1;
    const admission = limiter.admit(grant.clientId, realmId, calls, isBatch);
    if (!admission.ok) return send(ctx.res, admission.answer);
    try {
      const { delayMs, terminal } = faults.pick(ctx.method, ctx.url.pathname, realmId);
      if (delayMs > 0) await sleep(delayMs);
      if (terminal && terminal.kind !== 'drop-after') {
        const answer = await terminalFault(ctx, terminal);
        if (answer) send(ctx.res, answer);
        return;
      }
      const requestId = ctx.url.searchParams.get('requestid') ?? ctx.url.searchParams.get('requestId');
      let fresh: Extract<Awaited<ReturnType<RequestIds['start']>>, { kind: 'fresh' }> | undefined;
      if (requestId !== null) {
        const max = isBatch ? BATCH_REQUEST_ID_MAX : REQUEST_ID_MAX;
        // Intuit documents the limit, not the refusal: the sandbox answers its 2050 string-length fault.
        if (requestId.length > max) return send(ctx.res, faultAnswer(stringTooLong('requestid', max, requestId.length), now));
        const started = await requestIds.start(realmId, requestId);
        if (started.kind === 'replay') {
          if (terminal?.kind === 'drop-after') return void ctx.res.destroy();
          return send(ctx.res, started.answer);
        }
        fresh = started;
      }
      const apiCtx: ApiCtx = {
        company,
        method: ctx.method,
        query: ctx.url.searchParams,
        rawBody: ctx.rawBody,
        contentType: String(ctx.req.headers['content-type'] ?? ''),
        now: clock.now(),
        batchItems: limiter.limitsFor(realmId).batchItems,
      };
      const before = ctx.method === 'GET' || !sandbox.webhooks.target ? null : sandbox.webhooks.snapshot(company);
      let answer: Answer;
      try {
        answer = await route(api, apiCtx, ctx.method, ctx.url.pathname);
      } catch (error) {
        fresh?.abandon();
        throw error;
      }
      fresh?.finish(answer);
      // What the request changed goes to the app's endpoint after the answer, as Intuit's notifications do.
      if (before) void sandbox.webhooks.changed(company, before, sandbox.webhooks.snapshot(company), clock.now());
      if (terminal?.kind === 'drop-after') return void ctx.res.destroy();
      send(ctx.res, answer);
    } finally {
      admission.release();
    }
  }

  return sandbox;
}

/** Items in a batch body (each is metered as a call); 1 when the body is not a batch. */
function batchSize(raw: string): number {
  try {
    const items = (JSON.parse(raw) as { BatchItemRequest?: unknown }).BatchItemRequest;
    return Array.isArray(items) && items.length > 0 ? items.length : 1;
  } catch {
    return 1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface StartedQuickBooksSandbox {
  url: string;
  port: number;
  sandbox: QuickBooksSandbox;
  close(): Promise<void>;
}

/** Listens on its own port (0 = a free one). */
export async function startQuickBooksSandbox(options: QuickBooksSandboxOptions & { port?: number; host?: string } = {}): Promise<StartedQuickBooksSandbox> {
  const sandbox = createQuickBooksSandbox(options);
  const server = createServer((req, res) => {
    void sandbox.handle(req, res).then((handled) => {
      if (!handled) send(res, jsonAnswer(404, { error: 'Not a QuickBooks sandbox path' }));
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
