// The production server, `npm start` (after `npm run build`): Next.js serves the app as a custom server
// (https://nextjs.org/docs/app/guides/custom-server) on one port, except BigCommerce's webhook deliveries, which are
// answered here on Node's request directly. Next's request pipeline costs about 1 ms of CPU per request, which alone
// caps the receiver near 1,000 deliveries a second on two cores; this path does the same work (answerDelivery, as the
// route under `next dev` / `next start`) in a fraction of that (README, Performance).
//
//   npm start [-- --port 3000] [--hostname 0.0.0.0]     (PORT is read too; default 3000, every interface)
//
// WEB_CONCURRENCY=N (default 1): N server processes share the port (lib/server/cluster.ts), one per core.
//
// `npm start` (and the Dockerfile) run node with --max-semi-space-size=64: V8's young generation at 64 MB a half
// instead of 16. The order runs allocate fast (orders, documents, step state) and die young; with the default the
// scavenger ran so often that garbage collection took 14 % of the server's CPU in the fleet benchmark's profile, 4 %
// with 64 MB (README, Performance). It costs up to about 200 MB more memory per process.
//
// SIGTERM or SIGINT: readiness turns 503 at once; after SHUTDOWN_DRAIN_SECONDS (default 0) of serving on while a load
// balancer notices, stop accepting connections, finish the requests in flight (at most 10 s), wait for the events
// still being handed to Inngest (at most 5 s; the sweep recovers any that are lost), then exit.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import next from 'next';
import { defaultToProduction, env } from '@/lib/env';
import { markStopping } from '@/lib/health/stopping';
import { logger } from '@/lib/logger';
import { createRequestListener } from './listener';
import { isClusterWorker, shareRateLimitBlocks, superviseWorkers } from './cluster';
import { createBrotliStatic } from './static-brotli';

/** A client gets this long to send its request headers, and this long for the whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 20_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
    allowPositionals: false,
  });
  defaultToProduction();
  const settings = env();
  const port = args.port === undefined ? settings.PORT : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${args.port}`);
  if (settings.WEB_CONCURRENCY > 1 && !isClusterWorker()) {
    // The primary: forks the workers (each runs this function from the top) and only supervises them.
    if (!settings.DATABASE_URL) throw new Error(`WEB_CONCURRENCY=${settings.WEB_CONCURRENCY} needs DATABASE_URL: the embedded database belongs to one process`);
    const log = logger();
    const { ready } = superviseWorkers({ workers: settings.WEB_CONCURRENCY, log });
    await ready;
    log.info({ url: `http://${args.hostname ?? 'localhost'}:${port}`, workers: settings.WEB_CONCURRENCY }, 'ready');
    return;
  }
  if (isClusterWorker()) shareRateLimitBlocks();
  const app = next({ dev: false, dir: root, port, hostname: args.hostname ?? 'localhost' });
  const handle = app.getRequestHandler();
  await app.prepare();
  // Loaded after Next has set up its request context: these modules import next/server.
  const { webhookDeps } = await import('@/lib/deps');
  const { settleAfterResponseWork } = await import('@/lib/http/after-response');
  const log = logger();
  // The build folder as next.config.mjs names it (`.next`, or NEXT_DIST_DIR's), whose `static` files go out in brotli.
  const config = (await import(pathToFileURL(path.join(root, 'next.config.mjs')).href)) as { default: { distDir: string } };
  const staticAssets = createBrotliStatic(path.join(root, config.default.distDir, 'static'));

  const server = http.createServer(
    {
      // Node's defaults let a client take 60 s over its headers and 300 s over its request, checked every 30 s. The
      // edges cut a slow body after 10 s (lib/http/read-body.ts); these are the backstop for everything else.
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: 1_000,
    },
    createRequestListener({
      rest: handle,
      webhookDeps,
      onWebhookError: (error) => log.error({ error: String(error) }, 'webhook delivery failed'),
      staticAssets: staticAssets.serve,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, args.hostname, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  log.info({ url: `http://${args.hostname ?? 'localhost'}:${bound}` }, 'ready');
  // In the background: the first visitors get brotli too, and no request waits for it. Until a file is ready it goes
  // out in gzip; the log line says when all of them are (this app's 50 files took 14 s on two cores busy with other work).
  const warmStarted = performance.now();
  void staticAssets.warm().then((files) => log.info({ files, seconds: Math.round((performance.now() - warmStarted) / 100) / 10 }, 'static files ready in brotli'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    markStopping();
    if (settings.SHUTDOWN_DRAIN_SECONDS > 0) {
      log.info({ signal, drainSeconds: settings.SHUTDOWN_DRAIN_SECONDS }, 'stopping: readiness says so; serving on while the load balancer notices');
      await new Promise((resolve) => setTimeout(resolve, settings.SHUTDOWN_DRAIN_SECONDS * 1000));
    }
    log.info({ signal }, 'stopping: finishing the requests in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    server.closeAllConnections();
    if (!(await settleAfterResponseWork(5_000))) log.warn('stopped with events still being handed on; the sweep will catch up');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`ledgerbridge: the server could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
