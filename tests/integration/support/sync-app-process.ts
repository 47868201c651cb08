/**
 * The app's route handlers in a process of their own, so a test can kill it (SIGKILL) mid-work and start it again
 * on the same port, as a crashed and restarted server. Environment: SYNC_APP_PORT (required), SYNC_APP_EDGE (optional,
 * `server` for the production listener) plus the app's own
 * variables (DATABASE_URL, APP_URL, BIGCOMMERCE_*, INNGEST_DEV, TOKEN_ENCRYPTION_KEY, SESSION_SECRET).
 * Prints `sync-app ready <url>` once listening. SYNC_APP_WORKERS=N (default 1): N processes on the port, as
 * `npm start` runs them with WEB_CONCURRENCY (lib/server/cluster.ts); the ready line comes once every one listens.
 *
 *   node --import tsx tests/integration/support/sync-app-process.ts
 */
import { isClusterWorker, shareRateLimitBlocks, superviseWorkers } from '@/lib/server/cluster';
import { appRoutes, startAppServer, type RouteTable } from './app-server';

const port = Number(process.env.SYNC_APP_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('SYNC_APP_PORT must name the port to listen on');
  process.exit(2);
}

const workers = Number(process.env.SYNC_APP_WORKERS ?? 1);
if (workers > 1 && !isClusterWorker()) {
  const log = {
    info: (fields: object, message: string) => console.error(JSON.stringify({ ...fields, message })),
    error: (fields: object, message: string) => console.error(JSON.stringify({ ...fields, message })),
  };
  await superviseWorkers({ workers, log }).ready;
  console.log(`sync-app ready http://127.0.0.1:${port}`);
} else {
  if (isClusterWorker()) shareRateLimitBlocks(); // as lib/server/main.ts does in each worker
  await serve();
}

async function serve(): Promise<void> {
  // Load each route module once: the table's loaders run `import()` on every request, which under tsx's loader hooks
  // costs a round trip to the loader thread each time (a cost of this harness, not of the app).
  const loaded: RouteTable = Object.fromEntries(
    Object.entries(appRoutes).map(([path, load]) => {
      let module: ReturnType<typeof load> | undefined;
      return [path, () => (module ??= load())];
    }),
  );

  // startAppServer binds a free port; move its server to the port the sandbox and the stand-in know.
  // SYNC_APP_EDGE=server: as `npm start` composes it (lib/server/listener.ts: request ids, the direct webhook path), the
  // table standing in for Next.
  const app = await startAppServer(loaded, process.env.SYNC_APP_EDGE === 'server' ? 'server' : 'route');
  await new Promise<void>((resolve) => app.server.close(() => resolve()));
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(port, '127.0.0.1', () => resolve());
  });
  if (!isClusterWorker()) console.log(`sync-app ready http://127.0.0.1:${port}`);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      app.server.close();
      process.exit(0);
    });
  }
}
