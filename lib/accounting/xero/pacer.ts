/**
 * Client-side pacing for one Xero organisation, so a backfill uses the whole minute allowance without a 429:
 * at most `concurrency` calls in flight and at most `callsPerMinute` calls started in any window of
 * `windowMs` (a sliding window never exceeds Xero's fixed one). Xero's headers correct it: a response showing
 * `X-MinLimit-Remaining: 0` (someone else shares the allowance) or a 429 with `Retry-After` blocks every caller
 * until the wait is over. The job layer's throttle does the same across processes; this one works in-process.
 */

export interface XeroPacerOptions {
  callsPerMinute?: number;
  concurrency?: number;
  /** Length of Xero's minute window (60,000 ms; shorter against a time-scaled sandbox). */
  windowMs?: number;
  /** Extra wait added to the window, covering clock and network jitter between us and Xero. */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface XeroPacerStats {
  calls: number;
  waitedMs: number;
  rateLimited: number;
  maxInFlight: number;
  dayRemaining: number | null;
  minuteRemaining: number | null;
}

export interface XeroPacer {
  /** Waits for a slot; call the returned function when the response (or failure) is in. */
  acquire(): Promise<() => void>;
  /** Feeds Xero's limit headers (and a 429's Retry-After) back in. */
  observe(status: number, headers: Headers): void;
  readonly stats: XeroPacerStats;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createXeroPacer(options: XeroPacerOptions = {}): XeroPacer {
  const limit = options.callsPerMinute ?? 60;
  const concurrency = options.concurrency ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const marginMs = options.marginMs ?? Math.max(5, Math.round(windowMs * 0.01));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const started: number[] = [];
  let inFlight = 0;
  let blockedUntil = 0;
  const waiters: Array<() => void> = [];
  const stats: XeroPacerStats = { calls: 0, waitedMs: 0, rateLimited: 0, maxInFlight: 0, dayRemaining: null, minuteRemaining: null };
  // One caller at a time decides when it may start; the rest queue in order (fair, no thundering herd).
  let gate: Promise<void> = Promise.resolve();

  async function slot(): Promise<void> {
    if (inFlight < concurrency) return;
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  async function acquire(): Promise<() => void> {
    const t0 = now();
    let releaseGate!: () => void;
    const previous = gate;
    gate = new Promise<void>((resolve) => (releaseGate = resolve));
    await previous;
    try {
      await slot();
      for (;;) {
        const t = now();
        while (started.length && started[0]! <= t - windowMs - marginMs) started.shift();
        const waitWindow = started.length >= limit ? started[0]! + windowMs + marginMs - t : 0;
        const waitBlock = blockedUntil - t;
        const wait = Math.max(waitWindow, waitBlock);
        if (wait <= 0) break;
        await sleep(wait);
      }
      started.push(now());
      inFlight += 1;
      stats.calls += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    } finally {
      releaseGate();
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

  function observe(status: number, headers: Headers): void {
    const minute = intHeader(headers, 'x-minlimit-remaining');
    const day = intHeader(headers, 'x-daylimit-remaining');
    if (minute !== null) stats.minuteRemaining = minute;
    if (day !== null) stats.dayRemaining = day;
    if (status === 429) {
      stats.rateLimited += 1;
      blockedUntil = Math.max(blockedUntil, now() + retryAfterMs(headers, windowMs));
    } else if (minute === 0) {
      // Someone else used the allowance: nothing more can start until our oldest call leaves the window.
      const oldest = started[0] ?? now();
      blockedUntil = Math.max(blockedUntil, oldest + windowMs + marginMs);
    }
  }

  return { acquire, observe, stats };
}

function intHeader(headers: Headers, name: string): number | null {
  const v = headers.get(name);
  if (v === null || !/^\d+$/.test(v.trim())) return null;
  return Number(v);
}

/** Milliseconds to wait after a 429: `Retry-After` (seconds, or an HTTP date), else the fallback. */
export function retryAfterMs(headers: Headers, fallbackMs: number): number {
  const v = headers.get('retry-after');
  if (v) {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.ceil(Number(v) * 1000);
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  return fallbackMs;
}
