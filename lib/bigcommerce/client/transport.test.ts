import { describe, expect, it } from 'vitest';
import { RateLimiter, systemClock } from './rate-limiter';
import { buildUrl, createTransport, DEFAULT_RETRY, type TransportDeps } from './transport';
import { fakeFetch, hangUntilAborted, jsonResponse, VirtualClock, type RecordedRequest } from '@/tests/support/bigcommerce-client-fakes';

const rateHeaders = (left: number, resetMs = 20_000) => ({
  'x-rate-limit-requests-left': String(left),
  'x-rate-limit-requests-quota': '150',
  'x-rate-limit-time-window-ms': '30000',
  'x-rate-limit-time-reset-ms': String(resetMs),
});

function setup(handler: (req: RecordedRequest, signal: AbortSignal | undefined) => Response | Promise<Response>, overrides: Partial<TransportDeps> = {}) {
  const clock = new VirtualClock();
  const fake = fakeFetch(handler);
  const warnings: string[] = [];
  const transport = createTransport({
    fetch: fake.fetch,
    apiUrl: 'https://api.example.test/',
    storeHash: 'abc123',
    accessToken: 'tok',
    clock,
    rateLimiter: new RateLimiter(),
    timeoutMs: 1_000,
    retry: DEFAULT_RETRY,
    random: () => 1,
    log: { warn: (_o, msg) => warnings.push(msg) },
    ...overrides,
  });
  return { clock, transport, requests: fake.requests, warnings };
}

describe('transport', () => {
  it('sends X-Auth-Token and JSON, to /stores/{hash}/..., with literal `:in` filters', async () => {
    const { clock, transport, requests } = setup(() => jsonResponse(200, { ok: true }, rateHeaders(100)));
    const r = await clock.run(transport.request({ method: 'PUT', path: '/v2/orders/7', query: { 'sku:in': 'A-1,B+2', x: undefined }, body: { status_id: 2 }, operation: 'op' }));
    expect(r).toMatchObject({ ok: true, value: { status: 200, body: { ok: true } } });
    const req = requests[0]!;
    expect(req.url.href).toBe('https://api.example.test/stores/abc123/v2/orders/7?sku:in=A-1,B%2B2');
    expect(req.headers.get('x-auth-token')).toBe('tok');
    expect(req.headers.get('content-type')).toBe('application/json');
    expect(req.body).toEqual({ status_id: 2 });
  });

  it('builds URLs without doubling slashes', () => {
    expect(buildUrl('http://127.0.0.1:4100', 's1', '/v3/hooks')).toBe('http://127.0.0.1:4100/stores/s1/v3/hooks');
  });

  it('on 429 waits X-Rate-Limit-Time-Reset-Ms and retries (POST included)', async () => {
    let calls = 0;
    const { clock, transport } = setup(() => {
      calls += 1;
      return calls === 1 ? jsonResponse(429, { status: 429, title: 'Too many requests' }, { ...rateHeaders(0, 4_321), 'x-retry-after': '5' }) : jsonResponse(200, { data: 1 }, rateHeaders(149));
    });
    const r = await clock.run(transport.request({ method: 'POST', path: '/v3/hooks', body: {}, operation: 'POST /v3/hooks' }));
    expect(r.ok).toBe(true);
    expect(calls).toBe(2);
    expect(clock.now()).toBeGreaterThanOrEqual(4_321);
    expect(clock.now()).toBeLessThan(5_000);
  });

  it('falls back to X-Retry-After seconds when the reset header is missing', async () => {
    let calls = 0;
    const { clock, transport } = setup(() => {
      calls += 1;
      return calls === 1 ? jsonResponse(429, {}, { 'x-retry-after': '3' }) : jsonResponse(200, {});
    });
    await clock.run(transport.request({ method: 'GET', path: '/v2/store', operation: 'GET /v2/store' }));
    expect(clock.now()).toBeGreaterThanOrEqual(3_000);
  });

  it('gives up with RateLimited{resetMs} after the allowed number of 429s', async () => {
    const { clock, transport, requests } = setup(() => jsonResponse(429, {}, rateHeaders(0, 2_500)));
    const r = await clock.run(transport.request({ method: 'GET', path: '/v2/orders', operation: 'GET /v2/orders' }));
    expect(r).toEqual({ ok: false, error: { kind: 'RateLimited', message: expect.any(String), resetMs: 2_500 } });
    expect(requests).toHaveLength(DEFAULT_RETRY.maxRateLimitRetries + 1);
  });

  it('with maxRateLimitWaitMs, waits out a short 429 but returns a longer one at once, with its reset, for a job to retry later', async () => {
    let calls = 0;
    const resets = [1_500, 12_000];
    const { clock, transport } = setup(
      () => {
        calls += 1;
        const reset = resets[calls - 1];
        return reset === undefined ? jsonResponse(200, { data: 1 }, rateHeaders(149)) : jsonResponse(429, {}, rateHeaders(0, reset));
      },
      { retry: { ...DEFAULT_RETRY, maxRateLimitWaitMs: 2_000 } },
    );
    const r = await clock.run(transport.request({ method: 'GET', path: '/v2/orders/1', operation: 'GET /v2/orders/{id}' }));
    expect(r).toEqual({ ok: false, error: { kind: 'RateLimited', message: 'GET /v2/orders/{id}: rate limited for 12 s', resetMs: 12_000 } });
    expect(calls).toBe(2); // the 1.5 s reset waited out, the 12 s one handed back
    expect(clock.now()).toBeGreaterThanOrEqual(1_500);
    expect(clock.now()).toBeLessThan(12_000);
  });

  it('retries a GET after 500s with growing delays, then succeeds', async () => {
    let calls = 0;
    const { clock, transport } = setup(() => (++calls <= 3 ? jsonResponse(500, { title: 'boom' }) : jsonResponse(200, [1])));
    const r = await clock.run(transport.request({ method: 'GET', path: '/v2/orders', operation: 'GET /v2/orders' }));
    expect(r.ok).toBe(true);
    expect(calls).toBe(4);
    // random() = 1 → the full ceiling: 250, 500, 1000 ms
    expect(clock.sleeps.filter((ms) => ms >= 250)).toEqual([250, 500, 1_000]);
  });

  it('stops retrying after maxRetries and reports Unavailable with the status', async () => {
    const { clock, transport, requests } = setup(() => jsonResponse(503, { title: 'down' }));
    const r = await clock.run(transport.request({ method: 'DELETE', path: '/v3/hooks/1', operation: 'DELETE /v3/hooks/{id}' }));
    expect(r).toEqual({ ok: false, error: { kind: 'Unavailable', status: 503, message: expect.stringContaining('503') } });
    expect(requests).toHaveLength(DEFAULT_RETRY.maxRetries + 1);
  });

  it('never repeats a POST after a 500 or a dropped connection', async () => {
    const five = setup(() => jsonResponse(500, {}));
    const r1 = await five.clock.run(five.transport.request({ method: 'POST', path: '/v3/hooks', body: {}, operation: 'POST /v3/hooks' }));
    expect(r1).toMatchObject({ ok: false, error: { kind: 'Unavailable', status: 500 } });
    expect(five.requests).toHaveLength(1);
    const dropped = setup(() => {
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    });
    const r2 = await dropped.clock.run(dropped.transport.request({ method: 'POST', path: '/v3/hooks', body: {}, operation: 'POST /v3/hooks' }));
    expect(r2).toMatchObject({ ok: false, error: { kind: 'Unavailable', message: expect.stringContaining('socket hang up') } });
    expect(dropped.requests).toHaveLength(1);
  });

  it('retries a PUT after a dropped connection', async () => {
    let calls = 0;
    const { clock, transport } = setup(() => {
      if (++calls === 1) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
      return jsonResponse(200, { transaction_id: 'x' });
    });
    const r = await clock.run(transport.request({ method: 'PUT', path: '/v3/inventory/adjustments/absolute', body: { items: [] }, operation: 'PUT' }));
    expect(r.ok).toBe(true);
    expect(calls).toBe(2);
  });

  it('times out a request that never answers, and retries a GET', async () => {
    let calls = 0;
    const fake = fakeFetch((_req, signal) => (++calls === 1 ? hangUntilAborted(signal) : jsonResponse(200, { id: 'abc123' })));
    const transport = createTransport({
      fetch: fake.fetch,
      apiUrl: 'http://x.test',
      storeHash: 'abc123',
      accessToken: 't',
      clock: systemClock,
      rateLimiter: new RateLimiter(),
      timeoutMs: 30,
      retry: { ...DEFAULT_RETRY, baseDelayMs: 1 },
    });
    const started = Date.now();
    const r = await transport.request({ method: 'GET', path: '/v2/store', operation: 'GET /v2/store' });
    expect(r.ok).toBe(true);
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const never = fakeFetch((_req, signal) => hangUntilAborted(signal));
    const t2 = createTransport({ fetch: never.fetch, apiUrl: 'http://x.test', storeHash: 'abc123', accessToken: 't', clock: systemClock, rateLimiter: new RateLimiter(), timeoutMs: 20, retry: { ...DEFAULT_RETRY, maxRetries: 1, baseDelayMs: 1 } });
    const r2 = await t2.request({ method: 'GET', path: '/v2/store', operation: 'GET /v2/store' });
    expect(r2).toEqual({ ok: false, error: { kind: 'Unavailable', message: 'GET /v2/store: no answer within 20 ms' } });
  });

  it('maps 401/403/404/422 to typed failures with V2 and V3 error bodies', async () => {
    const answers: Record<string, Response> = {
      '/v2/store': jsonResponse(401, { status: 401, title: 'No valid credential was found.', errors: {} }),
      '/v3/customers': jsonResponse(403, { status: 403, title: "You don't have a required scope to access the endpoint", errors: {} }),
      '/v2/orders/9': jsonResponse(404, [{ status: 404, message: 'The requested resource was not found.' }]),
      '/v3/inventory/adjustments/absolute': jsonResponse(422, { status: 422, title: 'Inventory tracking mismatch', errors: { 'items.0': 'tracked by product' } }),
      '/v2/orders/10': jsonResponse(400, [{ status: 400, message: "The field 'status_id' is invalid." }]),
    };
    const { clock, transport } = setup((req) => answers[req.url.pathname.replace('/stores/abc123', '')]!);
    const go = (path: string, scope?: string) => clock.run(transport.request({ method: 'GET', path, operation: `GET ${path}`, scope }));
    expect(await go('/v2/store')).toEqual({ ok: false, error: { kind: 'Unauthorized', message: 'No valid credential was found.' } });
    expect(await go('/v3/customers', 'store_v2_customers_read_only')).toEqual({
      ok: false,
      error: { kind: 'Forbidden', message: "You don't have a required scope to access the endpoint", missingScope: 'store_v2_customers_read_only' },
    });
    expect(await go('/v2/orders/9')).toEqual({ ok: false, error: { kind: 'NotFound', message: 'The requested resource was not found.' } });
    expect(await go('/v3/inventory/adjustments/absolute')).toEqual({
      ok: false,
      error: { kind: 'Validation', status: 422, message: 'Inventory tracking mismatch', fields: { 'items.0': 'tracked by product' } },
    });
    expect(await go('/v2/orders/10')).toEqual({
      ok: false,
      error: { kind: 'Validation', status: 400, message: "The field 'status_id' is invalid.", fields: { status_id: "The field 'status_id' is invalid." } },
    });
  });

  it('treats a 204 as an empty body', async () => {
    const { clock, transport } = setup(() => new Response(null, { status: 204 }));
    const r = await clock.run(transport.request({ method: 'GET', path: '/v2/orders', operation: 'GET /v2/orders' }));
    expect(r).toMatchObject({ ok: true, value: { status: 204, body: undefined } });
  });
});
