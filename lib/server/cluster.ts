import cluster, { type Worker } from 'node:cluster';
import { onSharedRateLimitBlock, sharedRateLimiter, systemClock, type Clock } from '@/lib/bigcommerce/client/rate-limiter';

/**
 * Several server processes on one port (`WEB_CONCURRENCY`, as Heroku and most Node hosts name it): one Node process
 * runs JavaScript on one core, so on a host with more cores a single process leaves them idle while orders queue (the
 * fleet benchmark, README Performance). Node's cluster module (https://nodejs.org/api/cluster.html) forks the workers
 * from this same script and shares the listening socket among them; the primary runs no app code, it only supervises.
 *
 * Nothing in the app depends on staying in one process: jobs are Inngest's (any worker may run any step), state is
 * in Postgres, and what a process keeps for itself (caches of a store's token and settings, the event batch of the
 * webhook receiver, the brotli copies of the static files) is per process by design. One thing is passed between
 * workers: a 429 from BigCommerce (`shareRateLimitBlocks`), since the store's quota it reports spent is spent for
 * every process. A worker that dies is replaced;
 * SIGTERM/SIGINT go to every worker, each drains as a single server does (lib/server/main.ts), and the primary exits
 * when the last one has.
 */
export interface Supervised {
  /** Resolves once every worker of the first generation listens. */
  ready: Promise<void>;
}

export interface SuperviseOptions {
  workers: number;
  log: { info: (fields: object, message: string) => void; error: (fields: object, message: string) => void };
  /** A worker that exits within this long of its start is replaced only after `restartDelayMs` (a crash loop). */
  quickExitMs?: number;
  restartDelayMs?: number;
}

/** Whether this process is a forked worker (then it runs the server itself). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** In the primary: forks `workers` copies of this script, replaces the ones that die, passes signals on. */
export function superviseWorkers(options: SuperviseOptions): Supervised {
  const { workers, log } = options;
  const quickExitMs = options.quickExitMs ?? 5_000;
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  const started = new Map<number, number>();
  let stopping = false;
  let listening = 0;
  let announce!: () => void;
  const ready = new Promise<void>((resolve) => (announce = resolve));

  const fork = (): Worker => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
    return worker;
  };
  // A 429 one worker was answered holds every other worker's calls to that store until the same reset.
  cluster.on('message', (from, message) => {
    if (!isRateLimitBlock(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(message);
    }
  });
  cluster.on('listening', () => {
    listening += 1;
    if (listening === workers) announce();
  });
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal, livedMs: lived }, 'server worker exited; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, lived < quickExitMs ? restartDelayMs : 0);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping: passing the signal to every worker');
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      if (alive.length === 0) process.exit(0);
      for (const worker of alive) worker.process.kill(signal);
    });
  }
  for (let i = 0; i < workers; i++) fork();
  return { ready };
}

const RATE_LIMIT_BLOCK = 'ledgerbridge:bigcommerce-429';

/** A worker's word to the others (through the primary) that a store answered 429. */
export interface RateLimitBlockMessage {
  type: typeof RATE_LIMIT_BLOCK;
  storeHash: string;
  /** The platform's reset time, from the answer. */
  resetMs: number;
}

export function isRateLimitBlock(message: unknown): message is RateLimitBlockMessage {
  const m = message as Partial<RateLimitBlockMessage> | null;
  return typeof m === 'object' && m !== null && m.type === RATE_LIMIT_BLOCK && typeof m.storeHash === 'string' && typeof m.resetMs === 'number' && Number.isFinite(m.resetMs);
}

/** What a worker talks to the primary through: `process` in a worker. */
export interface WorkerChannel {
  send?: (message: RateLimitBlockMessage) => unknown;
  /** False once the channel to the primary is closed (a worker being stopped). */
  connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * In a worker: each 429 this process is answered goes to the other workers, and theirs hold this process's calls to
 * the store until the reset. BigCommerce's quota is the store's ("the system rejects later requests once it reaches
 * the quota", developer.bigcommerce.com/docs/start/best-practices/api-rate-limits), so without this every other
 * worker would learn of the spent quota only from a refused call of its own. Returns what stops both directions.
 */
export function shareRateLimitBlocks(channel: WorkerChannel = process as WorkerChannel, clock: Clock = systemClock): () => void {
  const send = channel.send;
  if (!send) return () => undefined;
  const heard = (message: unknown) => {
    if (isRateLimitBlock(message)) sharedRateLimiter(message.storeHash).hold(clock, message.resetMs);
  };
  channel.on('message', heard);
  const stopTelling = onSharedRateLimitBlock((storeHash, resetMs) => {
    if (channel.connected !== false) send.call(channel, { type: RATE_LIMIT_BLOCK, storeHash, resetMs });
  });
  return () => {
    stopTelling();
    channel.off('message', heard);
  };
}
