// Pacing against the sandbox's real rate limiter: 10,000 requests on a standard-plan store (150 per window) from
// four client instances sharing the store's limiter, without a single 429. The window is shortened to 200 ms
// (the sandbox's settable time window) so the test takes seconds instead of 33 minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigCommerceClient, sharedRateLimiter } from '@/lib/bigcommerce/client';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';

const REQUESTS = 10_000;
const WINDOW_MS = 200;
const QUOTA = 150;

let sandbox: BigCommerceSandbox;
beforeAll(async () => {
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'pacing', clientSecret: 'secret', appUrl: 'http://127.0.0.1:1' }] });
});
afterAll(async () => {
  await sandbox?.close();
});

async function admin<T = unknown>(path: string, body: unknown): Promise<T> {
  const r = await fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${path}: ${r.status}`);
  return (await r.json()) as T;
}

describe('rate-limit pacing', () => {
  it(`keeps ${REQUESTS.toLocaleString('en')} requests within a standard plan's quota without a single 429`, { timeout: 180_000 }, async () => {
    const { hash } = await admin<{ hash: string }>('/stores', { plan: 'standard' });
    const settings = await admin<{ quota: number; windowMs: number }>(`/stores/${hash}/rate-limit`, { window_ms: WINDOW_MS });
    expect(settings).toEqual({ quota: QUOTA, windowMs: WINDOW_MS });
    const { access_token } = await admin<{ access_token: string }>(`/stores/${hash}/api-accounts`, { scopes: ['store_v2_information_read_only'] });

    // Count what the platform answered, from the client's side of the wire.
    const statuses = new Map<number, number>();
    let minLeft = Infinity;
    const countingFetch = (async (input, init) => {
      const response = await fetch(input, init);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      minLeft = Math.min(minLeft, Number(response.headers.get('x-rate-limit-requests-left')));
      return response;
    }) satisfies typeof fetch;

    // Four instances (as four concurrent jobs would make) share the process-wide limiter of this store.
    const clients = Array.from({ length: 4 }, () => createBigCommerceClient({ fetch: countingFetch, apiUrl: sandbox.url, storeHash: hash, accessToken: access_token }));
    expect(new Set(clients.map(() => sharedRateLimiter(hash))).size).toBe(1);

    let issued = 0;
    let failures = 0;
    const started = Date.now();
    await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 3 }, async () => {
          while (issued < REQUESTS) {
            issued += 1;
            const r = await client.storeInfo();
            if (!r.ok) failures += 1;
          }
        }),
      ),
    );
    const elapsed = Date.now() - started;
    const served = statuses.get(200) ?? 0;
    const windows = elapsed / WINDOW_MS;
    console.log(
      `pacing: ${served} requests in ${elapsed} ms (${windows.toFixed(1)} windows of ${WINDOW_MS} ms, ${(served / windows).toFixed(1)} per window of ${QUOTA}), 429s: ${statuses.get(429) ?? 0}, lowest requests-left seen: ${minLeft}`,
    );
    expect(failures).toBe(0);
    expect(statuses.get(429) ?? 0).toBe(0);
    expect(served).toBe(REQUESTS);
    // Paced, not merely lucky: the run needed at least as many windows as the quota allows, and the reserve for
    // other apps was never spent.
    expect(elapsed).toBeGreaterThanOrEqual(Math.floor(REQUESTS / QUOTA) * WINDOW_MS);
    expect(minLeft).toBeGreaterThanOrEqual(sharedRateLimiter(hash).reserve(QUOTA) - 1);
  });
});
