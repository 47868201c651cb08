// Run by lib/server/cluster.test.ts: a primary supervising two workers as `npm start` does. Each worker shares its
// 429s (shareRateLimitBlocks); once both are up, worker 1 is answered a 429 for store `fixture-store` (reset 20 s) and
// worker 2 reports how long its own limiter for that store now holds calls (0 if it never heard). The primary prints
// the reports as one JSON line and exits.
import cluster from 'node:cluster';
import { sharedRateLimiter, systemClock } from '@/lib/bigcommerce/client/rate-limiter';
import { isClusterWorker, shareRateLimitBlocks, superviseWorkers } from '@/lib/server/cluster';

type Note = { up?: number; report?: { id: number; heldMs: number; sent?: boolean } };
const STORE = 'fixture-store';

if (!isClusterWorker()) {
  superviseWorkers({ workers: 2, log: { info: () => undefined, error: () => undefined } });
  const up = new Set<number>();
  const reports: Array<NonNullable<Note['report']>> = [];
  cluster.on('message', (worker, message: Note) => {
    if (message.up !== undefined) {
      up.add(message.up);
      if (up.size === 2) for (const w of Object.values(cluster.workers ?? {})) w?.send({ go: true });
    }
    if (message.report) {
      reports.push(message.report);
      if (reports.length === 2) {
        console.log(JSON.stringify(reports.sort((a, b) => a.id - b.id)));
        process.exit(0);
      }
    }
  });
  setTimeout(() => {
    console.log(JSON.stringify({ timedOut: true, up: [...up], reports }));
    process.exit(1);
  }, 20_000).unref();
} else {
  const id = cluster.worker!.id;
  shareRateLimitBlocks();
  const limiter = sharedRateLimiter(STORE);
  process.on('message', (message: { go?: boolean }) => {
    if (!message.go) return;
    if (id === 1) {
      limiter.block(systemClock, 20_000);
      process.send!({ report: { id, heldMs: limiter.snapshot().blockedUntil - Date.now(), sent: true } });
      return;
    }
    const deadline = Date.now() + 5_000;
    const poll = () => {
      const heldMs = Math.max(0, limiter.snapshot().blockedUntil - Date.now());
      if (heldMs > 0 || Date.now() > deadline) process.send!({ report: { id, heldMs } });
      else setTimeout(poll, 20);
    };
    poll();
  });
  process.send!({ up: id });
}
