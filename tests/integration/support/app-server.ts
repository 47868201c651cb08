import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { closeUnreadBodies, createRequestListener } from '@/lib/server/listener';

/**
 * Serves the app's route handlers over real HTTP without Next.js, so integration tests can let the sandbox call
 * the callbacks exactly as BigCommerce would. The handlers are the same modules Next serves; only the router is
 * a table here. (Browser tests run the real Next server.)
 */
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', Handler>>;

export type RouteTable = Record<string, () => Promise<RouteModule>>;

export const appRoutes: RouteTable = {
  '/api/bigcommerce/auth': () => import('@/app/api/bigcommerce/auth/route'),
  '/api/bigcommerce/load': () => import('@/app/api/bigcommerce/load/route'),
  '/api/bigcommerce/uninstall': () => import('@/app/api/bigcommerce/uninstall/route'),
  '/api/bigcommerce/remove-user': () => import('@/app/api/bigcommerce/remove-user/route'),
  '/api/webhooks/bigcommerce': () => import('@/app/api/webhooks/bigcommerce/route'),
  '/api/webhooks/accounting/:provider': () => import('@/app/api/webhooks/accounting/[provider]/route') as unknown as Promise<RouteModule>,
  // inngest/next's handlers take a NextRequest; a standard Request carries everything they read.
  '/api/inngest': () => import('@/app/api/inngest/route') as unknown as Promise<RouteModule>,
  '/api/health': () => import('@/app/api/health/route'),
  '/api/me': () => import('@/app/api/me/route'),
  '/api/audit': () => import('@/app/api/audit/route'),
  '/api/admin/backfill': () => import('@/app/api/admin/backfill/route'),
  '/api/admin/overview': () => import('@/app/api/admin/overview/route'),
  '/api/admin/settings': () => import('@/app/api/admin/settings/route'),
  '/api/admin/onboarding': () => import('@/app/api/admin/onboarding/route'),
  '/api/admin/onboarding/proposal': () => import('@/app/api/admin/onboarding/proposal/route'),
  '/api/admin/notifications': () => import('@/app/api/admin/notifications/route'),
  '/api/admin/notifications/count': () => import('@/app/api/admin/notifications/count/route'),
  '/api/admin/notifications/read': () => import('@/app/api/admin/notifications/read/route'),
  '/api/admin/notifications/email': () => import('@/app/api/admin/notifications/email/route'),
  '/api/notifications/unsubscribe': () => import('@/app/api/notifications/unsubscribe/route'),
  '/api/notifications/bounces': () => import('@/app/api/notifications/bounces/route'),
  '/api/connections/:provider': () => import('@/app/api/connections/[provider]/route') as unknown as Promise<RouteModule>,
  '/api/connections/:provider/start': () =>
    import('@/app/api/connections/[provider]/start/route') as unknown as Promise<RouteModule>,
  '/api/connections/:provider/callback': () =>
    import('@/app/api/connections/[provider]/callback/route') as unknown as Promise<RouteModule>,
};

/** The route whose pattern matches the path (`:name` matches one segment), with its parameters. */
function matchRoute(routes: RouteTable, pathname: string): { load: () => Promise<RouteModule>; params: Record<string, string> } | null {
  if (routes[pathname]) return { load: routes[pathname]!, params: {} };
  const parts = pathname.split('/');
  for (const [pattern, load] of Object.entries(routes)) {
    const expected = pattern.split('/');
    if (expected.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (expected.every((segment, i) => (segment.startsWith(':') ? ((params[segment.slice(1)] = decodeURIComponent(parts[i]!)), true) : segment === parts[i]))) {
      return { load, params };
    }
  }
  return null;
}

export interface TestAppServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The body as a stream, as Next hands it to a route: the route decides how much of it is read. */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  return Readable.toWeb(req) as ReadableStream<Uint8Array>;
}

/**
 * Binds a port first (so APP_URL can name it before the env is read), then serves the route table. `edge`: which edge
 * answers webhook deliveries: the Next route handler (`route`, as under `next dev`/`next start`) or the production
 * server's direct path (`server`, lib/server/listener.ts as `npm start` composes it, the route table standing in for
 * Next).
 */
export async function startAppServer(routes: RouteTable = appRoutes, edge: 'route' | 'server' = 'route'): Promise<TestAppServer> {
  // Each route module once, as Next holds a route it has loaded: a dynamic import per request went through the module
  // loader's hooks (tsx's, on a worker thread) every time, a cost the app does not have in production.
  const loaded = new Map<() => Promise<RouteModule>, Promise<RouteModule>>();
  const loadOnce = (load: () => Promise<RouteModule>): Promise<RouteModule> => {
    let module = loaded.get(load);
    if (!module) {
      module = load();
      module.catch(() => loaded.delete(load));
      loaded.set(load, module);
    }
    return module;
  };
  let deps: Promise<typeof import('@/lib/deps')> | undefined;
  const serveRoutes: RequestListener = async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const match = matchRoute(routes, url.pathname);
      const load = match?.load;
      const module = load ? await loadOnce(load) : undefined;
      const handler = module?.[(req.method ?? 'GET') as keyof RouteModule];
      if (!handler) {
        res.writeHead(load ? 405 : 404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const body = bodyOf(req);
      const request = new Request(url, { method: req.method, headers, body, ...(body ? { duplex: 'half' } : {}) } as RequestInit);
      const response = await handler(request, { params: Promise.resolve(match?.params ?? {}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      // The answer may be out already (a body cut at its deadline closes the connection after the 408 went out).
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(`test app server: ${String(error)}`);
    }
  };
  const server = createServer(
    edge === 'server'
      ? createRequestListener({
          rest: serveRoutes,
          webhookDeps: async () => (await (deps ??= import('@/lib/deps'))).webhookDeps(),
          onWebhookError: (error) => console.error('webhook delivery failed', error),
        })
      : (req, res) => {
          // As the production server does for every request Next answers.
          closeUnreadBodies(req, res);
          void serveRoutes(req, res);
        },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    // At teardown: requests still in flight (a step retrying a sandbox that is already closed) are cut, not awaited.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
