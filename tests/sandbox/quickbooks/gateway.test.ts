// Throttles (per company, counted for the admin), fault injection and requestid replay.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StartedQuickBooksSandbox } from './server';
import { admin, call, companyApi, startTestSandbox } from './test-client';

describe('QuickBooks gateway', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startTestSandbox();
  });
  afterEach(async () => {
    await admin(qb.url, 'DELETE', '/faults');
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('answers 429 ThrottleExceeded past 500 calls a minute per company and counts it; a new minute lets calls through', async () => {
    const { api, realmId } = await companyApi(qb.url);
    const other = await companyApi(qb.url);
    const results = [];
    for (let i = 0; i < 501; i += 1) results.push((await api('GET', '/preferences')).status);
    expect(results.filter((s) => s === 200)).toHaveLength(500);
    const refused = await api('GET', '/preferences');
    expect(refused.status).toBe(429);
    expect(refused.json.fault.error[0]).toMatchObject({ code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429' });
    expect((await other.api('GET', '/preferences')).status).toBe(200);
    const stats = (await admin(qb.url, 'GET', '/stats')).json;
    expect(stats.companies[realmId].throttled.minute).toBe(2);
    qb.sandbox.clock.advance(61_000);
    expect((await api('GET', '/preferences')).status).toBe(200);
  });

  it('answers 429 past 10 requests at once and past 40 batches a minute', async () => {
    const { api, realmId } = await companyApi(qb.url);
    await admin(qb.url, 'POST', '/faults', { kind: 'delay', delayMs: 500, realmId });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => api('GET', '/preferences').then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    await admin(qb.url, 'DELETE', '/faults');
    const batch = { BatchItemRequest: [{ bId: '1', Query: 'select count(*) from Customer' }] };
    const batches = [];
    for (let i = 0; i < 41; i += 1) batches.push((await api('POST', '/batch', batch)).status);
    expect(batches.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(batches[40]).toBe(429);
    const stats = (await admin(qb.url, 'GET', '/stats')).json.companies[realmId];
    expect(stats.throttled).toMatchObject({ concurrent: 2, batch: 1 });
  });

  it('replays the first answer for a repeated requestid on the same company and refuses one over 50 characters', async () => {
    const { api } = await companyApi(qb.url);
    const first = await api('POST', '/customer', { DisplayName: 'Once Only' }, 'minorversion=75&requestid=req-1');
    const again = await api('POST', '/customer', { DisplayName: 'Once Only' }, 'minorversion=75&requestid=req-1');
    expect(again.status).toBe(200);
    expect(again.json.Customer.Id).toBe(first.json.Customer.Id);
    const count = await api('GET', `/query?query=${encodeURIComponent("select count(*) from Customer where DisplayName = 'Once Only'")}`);
    expect(count.json.QueryResponse.totalCount).toBe(1);
    const tooLong = await api('POST', '/customer', { DisplayName: 'Long id' }, `requestid=${'x'.repeat(51)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.Fault.Error[0]).toMatchObject({ code: '2050', element: 'requestid' });
    const otherCompany = await companyApi(qb.url);
    expect((await otherCompany.api('POST', '/customer', { DisplayName: 'Once Only' }, 'requestid=req-1')).json.Customer.DisplayName).toBe('Once Only');
  });

  it('injects 500, 503 and 429 for the next N calls to a path, then lets calls through', async () => {
    const { api, realmId } = await companyApi(qb.url);
    await admin(qb.url, 'POST', '/faults', { rules: [{ kind: 'status', status: 500, path: '/customer', times: 1 }, { kind: 'status', status: 503, path: '/item', times: 1 }, { kind: 'status', status: 429, path: '/preferences', times: 1, realmId }] });
    const s500 = await api('POST', '/customer', { DisplayName: 'After fault' });
    expect(s500.status).toBe(500);
    expect(s500.json.Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] });
    expect((await api('POST', '/customer', { DisplayName: 'After fault' })).status).toBe(200);
    const s503 = await api('POST', '/item', { Name: 'x', IncomeAccountRef: { value: '1' } });
    expect(s503.status).toBe(503);
    expect(s503.text).toContain('503 Service Temporarily Unavailable');
    expect((await api('GET', '/preferences')).status).toBe(429);
    expect((await api('GET', '/preferences')).status).toBe(200);
  });

  it('times out: the request is held without an answer until the client gives up', async () => {
    const { realmId } = await companyApi(qb.url);
    await admin(qb.url, 'POST', '/faults', { kind: 'timeout', path: '/oauth2/v1/tokens/bearer', times: 1, delayMs: 5_000 });
    const started = Date.now();
    const outcome = await call(`${qb.url}/quickbooks/oauth2/v1/tokens/bearer`, { method: 'POST', body: 'grant_type=refresh_token', signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(realmId).toBeTruthy();
  });
});
