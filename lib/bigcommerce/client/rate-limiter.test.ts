import { describe, expect, it } from 'vitest';
import { RateLimiter, readRateLimitHeaders, sharedRateLimiter } from './rate-limiter';
import { VirtualClock } from '@/tests/support/bigcommerce-client-fakes';

/** A store's quota as BigCommerce keeps it: fixed windows that start with the first request after the last one ended. */
class FakeQuota {
  private start = -Infinity;
  private used = 0;
  served = 0;
  rejected = 0;
  constructor(
    readonly quota: number,
    readonly windowMs: number,
  ) {}
  hit(now: number) {
    if (now - this.start >= this.windowMs) {
      this.start = now;
      this.used = 0;
    }
    const ok = this.used < this.quota;
    if (ok) {
      this.used += 1;
      this.served += 1;
    } else {
      this.rejected += 1;
    }
    return { ok, headers: { left: Math.max(0, this.quota - this.used), quota: this.quota, windowMs: this.windowMs, resetMs: this.start + this.windowMs - now } };
  }
}

/** N requests through the limiter against the fake quota, `concurrency` at a time, each taking `latencyMs`. */
async function drive(opts: { limiter: RateLimiter; clock: VirtualClock; quota: FakeQuota; requests: number; concurrency: number; latencyMs: number; otherApp?: number }) {
  const { limiter, clock, quota } = opts;
  let next = 0;
  const worker = async () => {
    while (next < opts.requests) {
      next += 1;
      await limiter.acquire(clock);
      // The request reaches the platform half-way through its latency; the answer comes back at the end.
      await clock.sleep(opts.latencyMs / 2);
      const answer = quota.hit(clock.now());
      await clock.sleep(opts.latencyMs / 2);
      if (!answer.ok) limiter.block(clock, answer.headers.resetMs);
      limiter.release(clock, answer.headers);
    }
  };
  const other = async () => {
    // Another app on the same store spending `otherApp` requests at the start of every window.
    while (next < opts.requests) {
      for (let i = 0; i < (opts.otherApp ?? 0); i++) quota.hit(clock.now());
      await clock.sleep(quota.windowMs);
    }
  };
  await clock.run(Promise.all([...Array.from({ length: opts.concurrency }, worker), ...(opts.otherApp ? [other()] : [])]));
}

describe('RateLimiter', () => {
  it('keeps 2,000 requests within a standard-plan quota (150 per 30 s) without a single 429', async () => {
    const clock = new VirtualClock();
    const quota = new FakeQuota(150, 30_000);
    const limiter = new RateLimiter({ maxInFlight: 8 });
    await drive({ limiter, clock, quota, requests: 2_000, concurrency: 8, latencyMs: 120 });
    expect(quota.rejected).toBe(0);
    expect(quota.served).toBe(2_000);
    // 150 - 7 reserved = 143 per window: 2,000 requests need 14 windows.
    const windows = Math.ceil(2_000 / (150 - limiter.reserve(150)));
    expect(clock.now()).toBeGreaterThanOrEqual((windows - 1) * 30_000);
    expect(clock.now()).toBeLessThan((windows + 1) * 30_000);
  });

  it('leaves the reserve for other apps, and still sees no 429 when another app spends part of the quota', async () => {
    const clock = new VirtualClock();
    const quota = new FakeQuota(150, 30_000);
    const limiter = new RateLimiter({ maxInFlight: 4 });
    await drive({ limiter, clock, quota, requests: 600, concurrency: 4, latencyMs: 50, otherApp: 5 });
    expect(quota.rejected).toBe(0);
    expect(quota.served).toBeGreaterThanOrEqual(600);
  });

  it('never has more than maxInFlight requests out, and only one before the quota is known', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxInFlight: 3 });
    let inFlight = 0;
    let peak = 0;
    let peakBeforeHeaders = 0;
    let headersSeen = false;
    const one = async () => {
      await limiter.acquire(clock);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      if (!headersSeen) peakBeforeHeaders = Math.max(peakBeforeHeaders, inFlight);
      await clock.sleep(10);
      inFlight -= 1;
      headersSeen = true;
      limiter.release(clock, { left: 400, quota: 450, windowMs: 30_000, resetMs: 20_000 });
    };
    await clock.run(Promise.all(Array.from({ length: 20 }, one)));
    expect(peakBeforeHeaders).toBe(1);
    expect(peak).toBe(3);
  });

  it('after a 429 every caller waits for the reset instead of retrying at once', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter();
    await clock.run(limiter.acquire(clock));
    limiter.release(clock, { left: 100, quota: 150, windowMs: 30_000, resetMs: 10_000 });
    limiter.block(clock, 7_000);
    const started = clock.now();
    const times: number[] = [];
    await clock.run(
      Promise.all(
        [1, 2, 3].map(async () => {
          await limiter.acquire(clock);
          times.push(clock.now());
          limiter.release(clock, null);
        }),
      ),
    );
    for (const t of times) expect(t - started).toBeGreaterThanOrEqual(7_000);
    // No busy waiting: a handful of sleeps, not thousands.
    expect(clock.sleeps.length).toBeLessThan(10);
  });

  it('reads the X-Rate-Limit-* headers, and ignores incomplete ones', () => {
    const h = new Headers({
      'x-rate-limit-requests-left': '12',
      'x-rate-limit-requests-quota': '150',
      'x-rate-limit-time-window-ms': '30000',
      'x-rate-limit-time-reset-ms': '4200',
    });
    expect(readRateLimitHeaders(h)).toEqual({ left: 12, quota: 150, windowMs: 30_000, resetMs: 4_200 });
    h.delete('x-rate-limit-time-reset-ms');
    expect(readRateLimitHeaders(h)).toBeNull();
  });

  it('is shared per store hash across the process', () => {
    expect(sharedRateLimiter('storea')).toBe(sharedRateLimiter('storea'));
    expect(sharedRateLimiter('storea')).not.toBe(sharedRateLimiter('storeb'));
  });
});
