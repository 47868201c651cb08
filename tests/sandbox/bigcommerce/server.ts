// A local, faithful stand-in for BigCommerce: login service (OAuth), control panel, store APIs, admin API.
// `startBigCommerceSandbox()` is what tests and `npm run sandbox` call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerAdminRoutes } from './admin';
import { registerAdminResources, registerCheckout } from './admin-resources';
import { FaultInjector, RateLimiter } from './gateway-stages';
import { ApiGateway } from './api';
import { registerControlPanel } from './control-panel';
import { HttpError, Router, readBody, sendJson, sendText } from './http';
import { registerOAuthRoutes } from './oauth';
import { Platform, PlatformError, type SandboxApp } from './platform';
import { registerOrders } from './resources/orders';
import { registerStoreInfo } from './resources/store-info';
import { registerCatalogWrites } from './resources/catalog-write';
import { registerPayments } from './resources/payments';
import { registerRefunds } from './resources/refunds';
import { registerV3 } from './resources/v3';
import { SandboxClock, loadState } from './state';
import { WebhookDispatcher, registerHooks } from './webhooks';

export type { SandboxApp } from './platform';

export interface BigCommerceSandboxOptions {
  /** 0 = random free port (tests). */
  port?: number;
  host?: string;
  apps: SandboxApp[];
  /** Platform durations (code expiry, webhook retries) are divided by this. Default 1. */
  timeScale?: number;
  /** Persist state to this JSON file (loaded at start when present). */
  stateFile?: string;
  /** Rate-limit window (BigCommerce: 30 s). Quotas per plan stay as on the platform. */
  rateLimitWindowMs?: number;
  /**
   * Other sandboxes mounted on the same port (e.g. Xero under `/xero`). A mount answers requests whose path
   * starts with its prefix; it returns false to fall through.
   */
  mounts?: Array<{ prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> | boolean }>;
}

export interface BigCommerceSandbox {
  url: string;
  port: number;
  /** The platform core: state, clock, stores, tokens (for assertions in tests). */
  platform: Platform;
  /** The per-store quota; `rateLimiter.counts`: calls, 429s refused in a spent window, injected faults. */
  rateLimiter: RateLimiter;
  webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

/** Builds the request handler without listening (for composition into another server). */
export function createBigCommerceSandbox(options: Omit<BigCommerceSandboxOptions, 'port' | 'host'>) {
  const clock = new SandboxClock(options.timeScale ?? 1);
  const platform = new Platform(loadState(options.stateFile), clock, options.apps, options.stateFile);
  const router = new Router();
  const api = new ApiGateway(router, platform);
  const rateLimiter = new RateLimiter(platform, options.rateLimitWindowMs ?? 30_000);
  const faults = new FaultInjector(rateLimiter);
  api.stages.push(rateLimiter, faults);
  const webhooks = new WebhookDispatcher(platform);
  let publicUrl = 'http://localhost:4100';
  registerOAuthRoutes(router, platform);
  registerAdminRoutes(router, platform);
  registerAdminResources(router, platform, { rateLimiter, faults, webhooks, publicUrl: () => publicUrl });
  registerControlPanel(router, platform);
  registerStoreInfo(api);
  const orders = registerOrders(api);
  registerCheckout(router, platform, orders);
  const payments = registerPayments(api, orders);
  // Runs before every store call: captures and voids that have come due on the platform clock complete first.
  api.stages.push(payments);
  registerRefunds(api, orders);
  const v3 = registerV3(api);
  registerCatalogWrites(api);
  registerHooks(api, webhooks);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    try {
      for (const mount of options.mounts ?? []) {
        if (url.pathname === mount.prefix || url.pathname.startsWith(`${mount.prefix}/`)) {
          if (await mount.handle(req, res)) return;
        }
      }
      const match = router.match(method, url.pathname);
      if (!match) {
        const title = 'The requested resource was not found.';
        sendJson(res, 404, url.pathname.includes('/v2/') ? [{ status: 404, message: title }] : { status: 404, title });
        return;
      }
      if ('allowed' in match) {
        sendJson(res, 405, { status: 405, title: 'Method Not Allowed' }, { allow: match.allowed.join(', ') });
        return;
      }
      const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
      await match.route.handler({ req, res, method, url, params: match.params, rawBody });
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, error.body, error.headers);
      } else if (error instanceof PlatformError) {
        sendJson(res, error.status, { error: error.message });
      } else {
        console.error('[bigcommerce-sandbox] unexpected error', error);
        sendText(res, 500, 'Internal sandbox error');
      }
    }
  }

  return {
    platform,
    handle,
    orders,
    payments,
    v3,
    rateLimiter,
    webhooks,
    setPublicUrl(url: string) {
      publicUrl = url;
    },
  };
}

export async function startBigCommerceSandbox(options: BigCommerceSandboxOptions): Promise<BigCommerceSandbox> {
  const { platform, handle, rateLimiter, webhooks, payments, setPublicUrl } = createBigCommerceSandbox(options);
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  let closed = false;
  const url = `http://${displayHost}:${port}`;
  setPublicUrl(url);
  return {
    url,
    port,
    platform,
    rateLimiter,
    webhooks,
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      payments.close();
      platform.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
