import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import { BODY_TIMEOUT_MS } from '@/lib/http/read-body';
import { rawRequest, type RawOutcome } from './support/raw-http';
import { startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';

/**
 * Every edge that takes a body stops reading at its limit and cuts a slow body after a few seconds (issue 15, finding
 * 4): over real HTTP, on both edges that answer webhook deliveries (the Next route as the route table serves it, with
 * the body as a stream the way Next hands it over, and the production server's direct path), the admin API and the
 * OAuth callback's form, and the BigCommerce callbacks, which take no body at all.
 */
const FLOOD = { total: 256 * 1024 * 1024, chunk: 64 * 1024 };
/** What may reach the server's socket buffers before it stops reading: far below the 256 MB the client offers. */
const MOST_BYTES_SENT = 16 * 1024 * 1024;

let world: LifecycleWorld;
let session: string;

function expectRefusedUnread(outcome: RawOutcome, status: number) {
  expect(outcome.status, outcome.response.slice(0, 300)).toBe(status);
  expect(outcome.bodyBytesSent).toBeLessThan(MOST_BYTES_SENT);
  // The connection was closed by the server, soon after its answer.
  expect(outcome.closedAfterMs).toBeLessThan(5_000);
}

function expectCutInTime(outcome: RawOutcome, status: number | null) {
  expect(outcome.status, outcome.response.slice(0, 300)).toBe(status);
  expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 1_000);
  expect(outcome.closedAfterMs).toBeLessThan(BODY_TIMEOUT_MS + 4_000);
  expect(outcome.bodyBytesSent).toBeLessThanOrEqual(Math.ceil(BODY_TIMEOUT_MS / 1_000) + 2);
}

describe.each(['route', 'server'] as const)('request bodies (%s edge for webhooks)', (edge) => {
  beforeAll(async () => {
    world = await startLifecycleWorld({ webhookEdge: edge, xero: true });
    const { hash } = await world.installedStore();
    const load = await world.admin<{ url: string }>(`/__sandbox/stores/${hash}/load`, {});
    const location = (await fetch(load.body.url, { redirect: 'manual' })).headers.get('location') ?? '';
    session = decodeURIComponent(/#session=([^&]+)/.exec(location)?.[1] ?? '');
    expect(session).not.toBe('');
  });
  afterAll(async () => world?.stop());

  it('a chunked 256 MB webhook delivery is refused with 413 without being read, and the receiver still works', async () => {
    const outcome = await rawRequest({ url: world.app.url, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: 'x' }, flood: FLOOD });
    expectRefusedUnread(outcome, 413);
    expect(outcome.response).toContain('"kind":"TooLarge"');
    const after = await fetch(`${world.app.url}/api/webhooks/bigcommerce`, { method: 'POST', body: '{bad' });
    expect(after.status).toBe(400);
  });

  it('a declared 256 MB webhook delivery is refused before a byte of it is read', async () => {
    const outcome = await rawRequest({
      url: world.app.url,
      path: '/api/webhooks/bigcommerce',
      headers: { 'transfer-encoding': '', 'content-length': String(FLOOD.total) },
      flood: FLOOD,
    });
    expectRefusedUnread(outcome, 413);
  });

  it('an admin body over 1 MiB is a 413 and is not read further; unauthenticated, it is not read at all', async () => {
    const authorized = await rawRequest({
      url: world.app.url,
      path: '/api/admin/backfill',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      flood: FLOOD,
    });
    expectRefusedUnread(authorized, 413);
    const anonymous = await rawRequest({ url: world.app.url, path: '/api/admin/backfill', headers: { 'content-type': 'application/json' }, flood: FLOOD });
    expectRefusedUnread(anonymous, 401);
  });

  it('the OAuth callback form over 16 KiB is a 413; a BigCommerce callback does not read a body sent to it', async () => {
    const form = await rawRequest({
      url: world.app.url,
      path: '/api/connections/xero/callback',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      flood: FLOOD,
    });
    expectRefusedUnread(form, 413);
    const load = await rawRequest({ url: world.app.url, method: 'GET', path: '/api/bigcommerce/load?signed_payload_jwt=x', flood: FLOOD });
    expectRefusedUnread(load, 400);
  });

  it('bodies trickling one byte a second are cut at the deadline, on every edge at once', { timeout: 30_000 }, async () => {
    const trickle = { everyMs: 1_000, forMs: 25_000 };
    const [webhook, admin, form] = await Promise.all([
      rawRequest({ url: world.app.url, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: 'x' }, trickle }),
      rawRequest({ url: world.app.url, path: '/api/admin/backfill', headers: { authorization: `Bearer ${session}` }, trickle }),
      rawRequest({ url: world.app.url, path: '/api/connections/xero/callback', trickle }),
    ]);
    expectCutInTime(webhook, 408);
    expectCutInTime(admin, 408);
    expectCutInTime(form, 408);
  });
});
