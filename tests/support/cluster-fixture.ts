/**
 * A tiny server run under lib/server/cluster.ts, as lib/server/main.ts runs the app: CLUSTER_WORKERS workers on one
 * port (CLUSTER_PORT), each answering with its pid; SIGTERM ends the worker after its in-flight requests. The primary
 * prints `cluster ready` once every worker listens. Used by lib/server/cluster.test.ts.
 */
import http from 'node:http';
import { isClusterWorker, shareRateLimitBlocks, superviseWorkers } from '@/lib/server/cluster';

const workers = Number(process.env.CLUSTER_WORKERS ?? 2);
const port = Number(process.env.CLUSTER_PORT);
const log = {
  info: (fields: object, message: string) => console.log(JSON.stringify({ ...fields, message })),
  error: (fields: object, message: string) => console.log(JSON.stringify({ ...fields, message })),
};

if (!isClusterWorker()) {
  const { ready } = superviseWorkers({ workers, log, restartDelayMs: 100 });
  await ready;
  console.log('cluster ready');
} else {
  shareRateLimitBlocks(); // as main.ts does in each worker: its 'message' listener must not keep a worker from draining
  const server = http.createServer((req, res) => {
    const slow = req.url === '/slow';
    setTimeout(() => res.end(String(process.pid)), slow ? 500 : 0);
  });
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
