/**
 * Client-side pacing for one QuickBooks company, so a backfill uses the allowance without a 429: at most
 * `concurrency` calls in flight (Intuit: 10), at most `callsPerMinute` calls started in any window of `windowMs`
 * (Intuit: 500; every operation inside a /batch counts as one), and at most `batchesPerMinute` /batch requests
 * (Intuit: 40). A sliding window never exceeds Intuit's fixed one. A 429 blocks every caller for the window (Intuit
 * sends no Retry-After). The job layer's throttle does the same across processes; this one works in-process.
 */

export interface QuickBooksPacerOptions {
  callsPerMinute?: number;
  batchesPerMinute?: number;
  concurrency?: number;
  /** Intuit's minute (60,000 ms; shorter against a time-scaled sandbox). */
  windowMs?: number;
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface QuickBooksPacer {
  /** Waits for a slot worth `calls` calls (a batch: its operations); call the returned function when answered. */
  acquire(input?: { calls?: number; batch?: boolean }): Promise<() => void>;
  /** Feeds a status back: a 429 blocks everyone until the window has passed. */
  observe(status: number, retryAfterMs?: number): void;
  readonly stats: { calls: number; batches: number; rateLimited: number; maxInFlight: number; waitedMs: number };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createQuickBooksPacer(options: QuickBooksPacerOptions = {}): QuickBooksPacer {
  const perMinute = options.callsPerMinute ?? 500;
  const batchesPerMinute = options.batchesPerMinute ?? 40;
  const concurrency = options.concurrency ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const marginMs = options.marginMs ?? Math.max(5, Math.round(windowMs * 0.01));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const calls: Array<{ at: number; weight: number }> = [];
  const batches: number[] = [];
  const waiters: Array<() => void> = [];
  let inFlight = 0;
  let blockedUntil = 0;
  let gate: Promise<void> = Promise.resolve();
  const stats = { calls: 0, batches: 0, rateLimited: 0, maxInFlight: 0, waitedMs: 0 };

  const used = () => calls.reduce((s, c) => s + c.weight, 0);

  async function acquire(input: { calls?: number; batch?: boolean } = {}): Promise<() => void> {
    const weight = Math.min(Math.max(1, input.calls ?? 1), perMinute);
    const t0 = now();
    let open!: () => void;
    const previous = gate;
    gate = new Promise<void>((resolve) => (open = resolve));
    await previous;
    try {
      if (inFlight >= concurrency) await new Promise<void>((resolve) => waiters.push(resolve));
      for (;;) {
        const t = now();
        while (calls.length && calls[0]!.at <= t - windowMs - marginMs) calls.shift();
        while (batches.length && batches[0]! <= t - windowMs - marginMs) batches.shift();
        let wait = blockedUntil - t;
        if (used() + weight > perMinute) {
          // Wait until enough of the oldest calls have left the window.
          let free = perMinute - used();
          for (const c of calls) {
            free += c.weight;
            if (free >= weight) {
              wait = Math.max(wait, c.at + windowMs + marginMs - t);
              break;
            }
          }
        }
        if (input.batch && batches.length >= batchesPerMinute) wait = Math.max(wait, batches[0]! + windowMs + marginMs - t);
        if (wait <= 0) break;
        await sleep(wait);
      }
      const at = now();
      calls.push({ at, weight });
      if (input.batch) {
        batches.push(at);
        stats.batches += 1;
      }
      inFlight += 1;
      stats.calls += weight;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    } finally {
      open();
    }
    stats.waitedMs += now() - t0;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      waiters.shift()?.();
    };
  }

  function observe(status: number, retryAfterMs?: number): void {
    if (status !== 429) return;
    stats.rateLimited += 1;
    blockedUntil = Math.max(blockedUntil, now() + (retryAfterMs ?? windowMs));
  }

  return { acquire, observe, stats };
}
