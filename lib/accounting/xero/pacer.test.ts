import { describe, expect, it } from 'vitest';
import { createXeroPacer } from './pacer';

function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('createXeroPacer', () => {
  it('never starts more than the limit in any window, and starts the next call as soon as the window allows', async () => {
    const clock = fakeClock();
    const pacer = createXeroPacer({ callsPerMinute: 60, concurrency: 5, windowMs: 60_000, marginMs: 10, ...clock });
    const starts: number[] = [];
    for (let i = 0; i < 150; i += 1) {
      const release = await pacer.acquire();
      starts.push(clock.now());
      release();
    }
    for (let i = 60; i < starts.length; i += 1) expect(starts[i]! - starts[i - 60]!).toBeGreaterThanOrEqual(60_000);
    expect(starts[60]).toBe(60_010);
    expect(starts[120]).toBe(120_020);
  });

  it('holds at most `concurrency` calls in flight', async () => {
    const pacer = createXeroPacer({ callsPerMinute: 1000, concurrency: 2, windowMs: 60_000 });
    let inFlight = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const release = await pacer.acquire();
        inFlight += 1;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        release();
      }),
    );
    expect(max).toBe(2);
    expect(pacer.stats.maxInFlight).toBe(2);
  });

  it('a 429 blocks every caller for Retry-After; X-MinLimit-Remaining: 0 waits out the window', async () => {
    const clock = fakeClock();
    const pacer = createXeroPacer({ callsPerMinute: 60, windowMs: 60_000, marginMs: 0, ...clock });
    (await pacer.acquire())();
    pacer.observe(429, new Headers({ 'retry-after': '30' }));
    (await pacer.acquire())();
    expect(clock.now()).toBe(30_000);
    pacer.observe(200, new Headers({ 'x-minlimit-remaining': '0' }));
    (await pacer.acquire())();
    expect(clock.now()).toBe(60_000);
    expect(pacer.stats.rateLimited).toBe(1);
  });
});
