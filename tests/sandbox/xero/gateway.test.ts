// Limits (headers, 429s, time scaling), Idempotency-Key replay, and fault injection, including the lost
// response that exactly-once posting has to survive.
import { afterEach, describe, expect, it } from 'vitest';
import type { StartedXeroSandbox } from './server';
import { APP, adminToken, apiClient, call, consent, newTenant, pkce, startTestSandbox, tokenRequest } from './test-client';

let sx: StartedXeroSandbox;
afterEach(async () => {
  await sx?.close();
});

async function setup(options: Parameters<typeof startTestSandbox>[0] = {}) {
  sx = await startTestSandbox(options);
  const tenantId = await newTenant(sx.url);
  return { tenantId, api: apiClient(sx.url, await adminToken(sx.url, tenantId), tenantId) };
}

const inv = (n: string) => ({
  Type: 'ACCREC',
  Contact: { Name: 'Jane Doe' },
  InvoiceNumber: n,
  Status: 'AUTHORISED',
  LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 10, AccountCode: '200', TaxType: 'OUTPUT2' }],
});

const admin = (path: string, method: string, body?: unknown) =>
  call(`${sx.url}/__sandbox/xero${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('rate limits', () => {
  it('counts down X-MinLimit-Remaining and answers 429 with Retry-After and X-Rate-Limit-Problem', async () => {
    const { api } = await setup();
    let last = await api('GET', '/Organisation');
    expect(last.headers.get('x-minlimit-remaining')).toBe('59');
    expect(last.headers.get('x-daylimit-remaining')).toBe('4999');
    expect(last.headers.get('x-appminlimit-remaining')).toBe('9999');
    for (let i = 0; i < 59; i++) last = await api('GET', '/Organisation');
    expect(last.status).toBe(200);
    expect(last.headers.get('x-minlimit-remaining')).toBe('0');
    const limited = await api('GET', '/Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('minute');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The window is fixed: a minute later the calls are back.
    sx.sandbox.clock.advance(60_000);
    expect((await api('GET', '/Organisation')).status).toBe(200);
  });

  it('time-scales the minute window', async () => {
    const { api } = await setup({ timeScale: 30, limits: { minute: 3 } });
    for (let i = 0; i < 3; i++) expect((await api('GET', '/Organisation')).status).toBe(200);
    const limited = await api('GET', '/Organisation');
    expect(limited.status).toBe(429);
    const waitMs = Number(limited.headers.get('x-sandbox-retry-after-ms'));
    expect(waitMs).toBeLessThanOrEqual(2000);
    await new Promise((r) => setTimeout(r, waitMs + 20));
    expect((await api('GET', '/Organisation')).status).toBe(200);
  });

  it('allows 5 calls in progress per organisation and refuses the 6th as concurrent', async () => {
    const { api } = await setup();
    await admin('/faults', 'POST', { kind: 'delay', delayMs: 500, path: '/Organisation' });
    const replies = await Promise.all(Array.from({ length: 6 }, () => api('GET', '/Organisation')));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = replies.find((r) => r.status === 429)!;
    expect(refused.headers.get('x-rate-limit-problem')).toBe('concurrent');
    expect(refused.headers.get('retry-after')).toBeNull();
  });

  it('applies a per-tenant daily limit set through the admin API', async () => {
    const { api, tenantId } = await setup();
    expect((await admin(`/tenants/${tenantId}/limits`, 'PUT', { day: 2 })).status).toBe(200);
    await api('GET', '/Organisation');
    await api('GET', '/Organisation');
    const limited = await api('GET', '/Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('day');
    const stats = await admin('/stats', 'GET');
    expect(stats.json.tenants[tenantId].rejected.day).toBe(1);
  });
});

describe('partialCommitWithoutSummarizeErrors', () => {
  it('models valid elements saved although the request failed, with no ids returned', async () => {
    const { api, tenantId } = await setup({ partialCommitWithoutSummarizeErrors: true });
    const r = await api('PUT', '/Invoices', { Invoices: [inv('P-1'), { ...inv('P-2'), Contact: undefined }] });
    expect(r.status).toBe(400);
    expect(r.json.Elements[0].InvoiceID).toBeUndefined();
    const saved = (await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json;
    expect(saved.map((i: { InvoiceNumber: string }) => i.InvoiceNumber)).toEqual(['P-1']);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response and creates nothing more', async () => {
    const { api, tenantId } = await setup();
    const first = await api('PUT', '/Invoices', inv('I-1'), { headers: { 'Idempotency-Key': 'order-1-create' } });
    const second = await api('PUT', '/Invoices', inv('I-1'), { headers: { 'idempotency-key': 'order-1-create' } });
    expect(second.status).toBe(200);
    expect(second.json.Invoices[0].InvoiceID).toBe(first.json.Invoices[0].InvoiceID);
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json).toHaveLength(1);
    // Replays still count against the limits.
    expect(second.headers.get('x-minlimit-remaining')).toBe('58');
  });

  it('answers 400 for the same key with a different request, and for keys over 128 characters', async () => {
    const { api } = await setup();
    await api('PUT', '/Invoices', inv('I-1'), { headers: { 'Idempotency-Key': 'k1' } });
    const other = await api('PUT', '/Invoices', inv('I-2'), { headers: { 'Idempotency-Key': 'k1' } });
    expect(other.status).toBe(400);
    expect(other.json.Detail).toBe('Idempotency Key: k1 is used with a different request.');
    const long = await api('PUT', '/Invoices', inv('I-3'), { headers: { 'Idempotency-Key': 'x'.repeat(129) } });
    expect(long.status).toBe(400);
  });

  it('replays errors too, and forgets keys after 6 minutes', async () => {
    const { api } = await setup();
    const bad = { ...inv('E-1'), Contact: undefined };
    expect((await api('PUT', '/Invoices', bad, { headers: { 'Idempotency-Key': 'e1' } })).status).toBe(400);
    expect((await api('PUT', '/Invoices', inv('E-1'), { headers: { 'Idempotency-Key': 'e1' } })).status).toBe(400);
    const a = await api('PUT', '/Invoices', inv('E-2'), { headers: { 'Idempotency-Key': 'e2' } });
    sx.sandbox.clock.advance(6 * 60_000 + 1);
    const b = await api('PUT', '/Invoices', inv('E-2'), { headers: { 'Idempotency-Key': 'e2' } });
    expect(a.status).toBe(200);
    // The key expired, so this is a new request: the unique number rule now refuses it.
    expect(b.status).toBe(400);
    expect(b.json.Elements[0].ValidationErrors[0].Message).toBe('Invoice # must be unique.');
  });
});

describe('faults', () => {
  it('a lost response (processed, connection dropped) is recovered by retrying with the same key', async () => {
    const { api, tenantId } = await setup();
    await admin('/faults', 'POST', { kind: 'drop-after', method: 'PUT', path: '/Invoices', times: 1 });
    await expect(api('PUT', '/Invoices', inv('L-1'), { headers: { 'Idempotency-Key': 'lost-1' } })).rejects.toThrow();
    const stored = (await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json;
    expect(stored).toHaveLength(1);
    const retry = await api('PUT', '/Invoices', inv('L-1'), { headers: { 'Idempotency-Key': 'lost-1' } });
    expect(retry.status).toBe(200);
    expect(retry.json.Invoices[0].InvoiceID).toBe(stored[0].InvoiceID);
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json).toHaveLength(1);
  });

  it('injects 500s (cached against an idempotency key) and 503s (not cached), then recovers', async () => {
    const { api, tenantId } = await setup();
    await admin('/faults', 'POST', { rules: [{ kind: 'status', status: 500, path: '/Invoices', times: 1 }] });
    const failed = await api('PUT', '/Invoices', inv('F-1'), { headers: { 'Idempotency-Key': 'f1' } });
    expect(failed.status).toBe(500);
    expect((await api('PUT', '/Invoices', inv('F-1'), { headers: { 'Idempotency-Key': 'f1' } })).status).toBe(500);
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json).toHaveLength(0);
    expect((await api('PUT', '/Invoices', inv('F-1'), { headers: { 'Idempotency-Key': 'f1-b' } })).status).toBe(200);

    await admin('/faults', 'POST', { kind: 'status', status: 503, path: '/Invoices', times: 1 });
    expect((await api('PUT', '/Invoices', inv('F-2'), { headers: { 'Idempotency-Key': 'f2' } })).status).toBe(503);
    expect((await api('PUT', '/Invoices', inv('F-2'), { headers: { 'Idempotency-Key': 'f2' } })).status).toBe(200);
  });

  it('drops connections before processing and applies seeded random failure rates', async () => {
    const { api, tenantId } = await setup({ limits: { minute: 1000 } });
    await admin('/faults', 'POST', { kind: 'drop-before', path: '/Invoices', times: 1 });
    await expect(api('PUT', '/Invoices', inv('D-1'))).rejects.toThrow();
    expect((await call(`${sx.url}/__sandbox/xero/tenants/${tenantId}/invoices`)).json).toHaveLength(0);
    await admin('/faults', 'POST', { seed: 7, rules: [{ kind: 'status', status: 500, path: '/Organisation', rate: 0.5 }] });
    const statuses = [];
    for (let i = 0; i < 40; i++) statuses.push((await api('GET', '/Organisation')).status);
    const failures = statuses.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect((await admin('/faults', 'DELETE')).status).toBe(204);
    expect((await api('GET', '/Organisation')).status).toBe(200);
  });

  it('can lose the response of a token refresh: the lost refresh token still works only within the grace period', async () => {
    sx = await startTestSandbox({ refreshGraceMs: 0 });
    await newTenant(sx.url);
    const { verifier, challenge } = pkce();
    const code = (await consent(sx.url, { challenge })).searchParams.get('code')!;
    const tokens = (await tokenRequest(sx.url, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, code_verifier: verifier })).json;
    await admin('/faults', 'POST', { kind: 'drop-after', path: '/connect/token', times: 1 });
    await expect(tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).rejects.toThrow();
    // The refresh happened (the token rotated) but the app never saw the new token: without a grace period
    // the grant is lost, which is why the app must store a new token before using it.
    const again = await tokenRequest(sx.url, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(again.json).toEqual({ error: 'invalid_grant' });
  });
});
