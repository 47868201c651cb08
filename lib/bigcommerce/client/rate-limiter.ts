/**
 * Per-store pacing for the BigCommerce API quota.
 *
 * BigCommerce gives each store one request quota per time window (Standard/Plus 150 per 30 s, Pro 450), shared by
 * every app installed on that store, and reports it on every response in `X-Rate-Limit-Requests-Left`,
 * `-Requests-Quota`, `-Time-Window-Ms` and `-Time-Reset-Ms`
 * (https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits). One limiter per store hash is
 * shared by every client instance in the process, so two jobs working on the same store draw from one budget.
 *
 * Each request takes a permit first. A permit is granted while the estimated requests left in the window, minus
 * the requests still in flight, stay above a small reserve kept for the other apps on the store; otherwise the
 * caller sleeps until the window resets (never a tight loop). The estimate comes from the headers of the latest
 * response, taken conservatively: requests still in flight are assumed not yet counted by the platform.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimitHeaders {
  left: number;
  quota: number;
  windowMs: number;
  resetMs: number;
}

/** Reads the four `X-Rate-Limit-*` headers; null when any is missing or not a number. */
export function readRateLimitHeaders(headers: { get(name: string): string | null }): RateLimitHeaders | null {
  const num = (name: string) => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === '') return null;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : null;
  };
  const left = num('x-rate-limit-requests-left');
  const quota = num('x-rate-limit-requests-quota');
  const windowMs = num('x-rate-limit-time-window-ms');
  const resetMs = num('x-rate-limit-time-reset-ms');
  if (left === null || quota === null || windowMs === null || resetMs === null || quota === 0) return null;
  return { left, quota, windowMs, resetMs };
}

export interface RateLimiterOptions {
  /** Share of the quota left for other apps on the store (default 5%, at least 1 request). */
  reserveFraction?: number;
  /** Requests one process may have in flight against one store (default 8). */
  maxInFlight?: number;
  /** Told of every 429 this limiter is blocked by (`block`, not `hold`), with the platform's reset time. */
  onBlock?: (resetMs: number) => void;
}

export interface RateLimitState {
  quota: number | null;
  windowMs: number | null;
  left: number;
  resetAt: number;
  inFlight: number;
  blockedUntil: number;
}

export class RateLimiter {
  private quota: number | null = null;
  private windowMs: number | null = null;
  /** Estimated requests left in the current window, in-flight requests already subtracted. */
  private left = 0;
  /** Clock time at which the current window ends. */
  private resetAt = 0;
  private inFlight = 0;
  /** After a 429 nobody sends before this time. */
  private blockedUntil = 0;
  private waiters: Array<() => void> = [];
  private readonly reserveFraction: number;
  private readonly onBlock: ((resetMs: number) => void) | undefined;
  readonly maxInFlight: number;

  constructor(options: RateLimiterOptions = {}) {
    this.reserveFraction = options.reserveFraction ?? 0.05;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 8);
    this.onBlock = options.onBlock;
  }

  /** Requests kept back for other apps sharing the store's quota. */
  reserve(quota: number): number {
    if (quota <= 1) return 0;
    return Math.min(quota - 1, Math.max(1, Math.floor(quota * this.reserveFraction)));
  }

  /** A few ms (2% of the window, at most 50 ms) added to reset times so the platform has surely rolled over. */
  private margin(): number {
    return Math.min(50, Math.ceil((this.windowMs ?? 30_000) * 0.02));
  }

  snapshot(): RateLimitState {
    return { quota: this.quota, windowMs: this.windowMs, left: this.left, resetAt: this.resetAt, inFlight: this.inFlight, blockedUntil: this.blockedUntil };
  }

  /** Waits until a request may be sent. Every wait is a sleep until a reset or until a request in flight ends. */
  async acquire(clock: Clock): Promise<void> {
    for (;;) {
      const now = clock.now();
      if (now < this.blockedUntil) {
        await clock.sleep(Math.max(1, Math.ceil(this.blockedUntil - now)));
        continue;
      }
      if (this.quota === null) {
        // Nothing known about this store yet: one request at a time until a response tells us the quota.
        if (this.inFlight === 0) {
          this.inFlight += 1;
          return;
        }
        await this.released();
        continue;
      }
      if (now >= this.resetAt + this.margin()) {
        // The window has reset on the platform. Requests still in flight may land in the new one.
        this.left = this.quota - this.inFlight;
        this.resetAt = now + (this.windowMs ?? 30_000);
      }
      if (this.inFlight >= this.maxInFlight) {
        await this.released();
        continue;
      }
      if (this.left > this.reserve(this.quota)) {
        this.left -= 1;
        this.inFlight += 1;
        return;
      }
      await clock.sleep(Math.max(1, Math.ceil(this.resetAt + this.margin() - now)));
    }
  }

  /** Ends a permit. `headers` are the response's rate-limit headers (null when there was no response). */
  release(clock: Clock, headers: RateLimitHeaders | null): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (headers) this.observe(clock.now(), headers);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The platform answered 429: nobody sends to this store before `resetMs` has passed. */
  block(clock: Clock, resetMs: number): void {
    this.hold(clock, resetMs);
    this.onBlock?.(resetMs);
  }

  /** As `block`, for a 429 another process was answered (lib/server/cluster.ts): nobody is told again. */
  hold(clock: Clock, resetMs: number): void {
    const now = clock.now();
    const until = now + Math.max(0, resetMs) + this.margin();
    this.blockedUntil = Math.max(this.blockedUntil, until);
    this.left = 0;
    this.resetAt = Math.max(this.resetAt, now + Math.max(0, resetMs));
  }

  private observe(now: number, h: RateLimitHeaders): void {
    const serverResetAt = now + h.resetMs;
    const estimate = h.left - this.inFlight;
    if (this.quota === null) {
      this.quota = h.quota;
      this.windowMs = h.windowMs;
      this.left = estimate;
      this.resetAt = serverResetAt;
      return;
    }
    this.quota = h.quota;
    this.windowMs = h.windowMs;
    // Windows are `windowMs` apart: a reset time within half a window of ours is the same window.
    const half = h.windowMs / 2;
    if (serverResetAt < this.resetAt - half) return; // an answer from an older window: nothing to learn
    if (serverResetAt > this.resetAt + half) {
      this.left = estimate;
    } else {
      this.left = Math.min(this.left, estimate);
    }
    this.resetAt = serverResetAt;
  }

  private released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * The process's limiters and the listeners to their 429s, on `globalThis`: the server's own modules and the copies
 * Next bundles into its route handlers must share one limiter per store.
 */
interface SharedLimiters {
  limiters: Map<string, RateLimiter>;
  blockListeners: Set<(storeHash: string, resetMs: number) => void>;
}
const SHARED = Symbol.for('ledgerbridge.bigcommerce.rate-limiters');
function sharedState(): SharedLimiters {
  const g = globalThis as { [SHARED]?: SharedLimiters };
  return (g[SHARED] ??= { limiters: new Map(), blockListeners: new Set() });
}

/** The process-wide limiter of one store: every client instance for that store hash uses the same one. */
export function sharedRateLimiter(storeHash: string, options?: RateLimiterOptions): RateLimiter {
  const state = sharedState();
  let limiter = state.limiters.get(storeHash);
  if (!limiter) {
    limiter = new RateLimiter({
      ...options,
      onBlock: (resetMs) => {
        options?.onBlock?.(resetMs);
        for (const listener of state.blockListeners) {
          try {
            listener(storeHash, resetMs);
          } catch {
            // A listener's failure (a closed channel to the other workers) must not fail the call that was answered 429.
          }
        }
      },
    });
    state.limiters.set(storeHash, limiter);
  }
  return limiter;
}

/** Hears each 429 a process-wide limiter is blocked by; returns the unsubscribe. */
export function onSharedRateLimitBlock(listener: (storeHash: string, resetMs: number) => void): () => void {
  const { blockListeners } = sharedState();
  blockListeners.add(listener);
  return () => blockListeners.delete(listener);
}
