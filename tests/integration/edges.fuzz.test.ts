import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveries } from '@/db/schema';
import { WEBHOOK_SECRET_HEADER } from '@/lib/bigcommerce/webhooks';
import type { StoreHash } from '@/lib/ids';
import { createStoreRepo } from '@/lib/repos/stores';
import { signedWebhookHeaders } from '@/tests/support/webhook-signature';
import { CLIENT_ID, CLIENT_SECRET, ENCRYPTION_KEY, startLifecycleWorld, type LifecycleWorld } from './support/lifecycle-env';
import { rawRequest } from './support/raw-http';

/**
 * Fuzzing the two edges an outsider reaches without a session (issue 15): the webhook receiver, on both of its edges,
 * and the load callback. Whatever arrives (malformed JSON, random bytes, payloads of the wrong shape, huge bodies,
 * bodies arriving in pieces, random JWTs and claims), the answer is a 4xx: never a 500, never an acceptance. Fixed
 * seeds and bounded runs: the file takes a few seconds.
 */
const SEED = 15;
let world: LifecycleWorld;
let hash: string;
let secret: string;

/** Correctly signed with the app's client secret (over the body as the receiver reads it), so the other checks are what refuse. */
const deliver = (body: Uint8Array | string, withSecret: string | null) =>
  fetch(`${world.app.url}/api/webhooks/bigcommerce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedWebhookHeaders(typeof body === 'string' ? body : new TextDecoder().decode(body), CLIENT_SECRET),
      ...(withSecret === null ? {} : { [WEBHOOK_SECRET_HEADER]: withSecret }),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });

/** Anything JSON, and near-misses of a real payload: every field present but any of them of a random value. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const payloadLike = fc.record(
  {
    scope: fc.oneof(fc.constant('store/order/created'), fc.string()),
    store_id: fc.oneof(fc.constant('1'), jsonValue),
    producer: fc.oneof(fc.constant('__store__'), fc.string(), jsonValue),
    hash: fc.oneof(fc.string({ maxLength: 300 }), jsonValue),
    created_at: fc.oneof(fc.integer(), fc.double(), jsonValue),
    data: fc.oneof(fc.record({ type: fc.constant('order'), id: fc.oneof(fc.integer(), fc.double(), jsonValue) }), jsonValue),
  },
  { requiredKeys: [] },
);

describe.each(['route', 'server'] as const)('webhook receiver fuzz (%s edge)', (edge) => {
  beforeAll(async () => {
    world = await startLifecycleWorld({ webhookEdge: edge });
    hash = (await world.installedStore()).hash;
    secret = (await createStoreRepo({ db: world.database.db, encryptionKey: ENCRYPTION_KEY }).webhookSecret(hash as StoreHash))!;
  });
  afterAll(async () => world?.stop());

  it('random bytes, malformed JSON and wrong shapes with the store’s own secret are a 400; nothing is recorded', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.string({ unit: 'binary', maxLength: 512 }),
      jsonValue.map((v) => JSON.stringify(v)),
      // Truncated or corrupted JSON of a real-looking payload.
      fc.tuple(payloadLike, fc.nat()).map(([p, cut]) => {
        const text = JSON.stringify(p).replace('__store__', `stores/${hash}`);
        return text.slice(0, cut % Math.max(1, text.length));
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1');
        // A body that happens to be a valid delivery is not a fuzz case.
        fc.pre(!/"hash"/.test(text) || !/"producer"/.test(text) || !/"data"/.test(text));
        const response = await deliver(raw, secret);
        expect([400, 401, 413]).toContain(response.status);
      }),
      { seed: SEED, numRuns: 120 },
    );
    expect(await world.database.db.select().from(webhookDeliveries)).toHaveLength(0);
  });

  it('payload-shaped bodies with a missing, random or another store’s secret are refused (401 or 400), never recorded', async () => {
    const otherSecret = fc.oneof(fc.constant(null), fc.string({ maxLength: 80 }).filter((s) => s !== secret && /^[\x21-\x7e]*$/.test(s)));
    const validish = fc.record({
      scope: fc.constantFrom('store/order/created', 'store/order/updated'),
      store_id: fc.constant('1'),
      producer: fc.constantFrom(`stores/${hash}`, 'stores/unknown1', 'stores/'),
      hash: fc.string({ minLength: 1, maxLength: 50 }),
      created_at: fc.nat(),
      data: fc.record({ type: fc.constant('order'), id: fc.integer() }),
    });
    await fc.assert(
      fc.asyncProperty(validish, otherSecret, async (payload, withSecret) => {
        const response = await deliver(JSON.stringify(payload), withSecret);
        expect([400, 401]).toContain(response.status);
      }),
      { seed: SEED, numRuns: 80 },
    );
    expect(await world.database.db.select().from(webhookDeliveries)).toHaveLength(0);
  });

  it('huge bodies (declared or chunked) are a 413 without being read; bodies arriving in pieces are answered as if whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 64 * 1024 + 1, max: 8 * 1024 * 1024 }), fc.integer({ min: 1024, max: 256 * 1024 }), fc.boolean(), async (total, chunk, declared) => {
        const outcome = await rawRequest({
          url: world.app.url,
          path: '/api/webhooks/bigcommerce',
          headers: { [WEBHOOK_SECRET_HEADER]: secret, ...(declared ? { 'transfer-encoding': '', 'content-length': String(total) } : {}) },
          flood: { total, chunk },
          timeoutMs: 5_000,
        });
        expect(outcome.status).toBe(413);
        expect(outcome.bodyBytesSent).toBeLessThan(16 * 1024 * 1024);
      }),
      { seed: SEED, numRuns: 12 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 0, max: 150 }), async (bytes, cuts, gapMs) => {
        const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i, all) => bytes.slice(from, all[i + 1] ?? bytes.length));
        const outcome = await rawRequest({ url: world.app.url, path: '/api/webhooks/bigcommerce', headers: { [WEBHOOK_SECRET_HEADER]: secret }, pieces: { data: pieces, gapMs }, timeoutMs: 5_000 });
        expect([400, 401]).toContain(outcome.status);
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT made by hand (jsonwebtoken's sign refuses some claim names fuzzing produces): HS256, or `none` unsigned. */
function signed(claims: Record<string, unknown>, secret: string | null): string {
  const head = `${b64url({ alg: secret === null ? 'none' : 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${head}.${secret === null ? '' : createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('load callback fuzz', () => {
  beforeAll(async () => {
    world = await startLifecycleWorld();
    hash = (await world.installedStore()).hash;
  });
  afterAll(async () => world?.stop());

  const load = (token: string) =>
    fetch(`${world.app.url}/api/bigcommerce/load?${new URLSearchParams({ signed_payload_jwt: token })}`, { redirect: 'manual' });

  /** Never a session: no redirect into the app, no token in any answer. */
  async function expectRefused(response: Response) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).not.toContain('session=');
  }

  it('random strings, random bytes and three random dot-separated parts are refused', async () => {
    const b64 = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64url'));
    const token = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.tuple(b64, b64, b64).map((parts) => parts.join('.')),
      fc.tuple(jsonValue, jsonValue, b64).map(([h, c, s]) => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${s}`),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => expectRefused(await load(t))),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('JWTs with random claims, signed with the app’s secret, another secret or no algorithm, are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const valid = {
      iss: 'bc',
      aud: CLIENT_ID,
      sub: `stores/${hash}`,
      user: { id: 1, email: 'owner@example.com' },
      owner: { id: 1, email: 'owner@example.com' },
      url: '/',
      jti: 'fuzz',
      iat: now,
      nbf: now - 5,
      exp: now + 900,
    };
    let issued = 0;
    // Each breaks the payload on its own; one to three are applied, over claims otherwise random.
    const breakers: Array<[string, (c: Record<string, unknown>) => void]> = [
      ['no sub', (c) => delete c.sub],
      ['unknown store', (c) => (c.sub = 'stores/zzzz-not-installed')],
      ['wrong audience', (c) => (c.aud = 'another-app')],
      ['wrong issuer', (c) => (c.iss = 'not-bc')],
      ['expired', (c) => ((c.exp = now - 3600), (c.iat = now - 7200))],
      ['not yet valid', (c) => (c.nbf = now + 3600)],
      ['no user', (c) => delete c.user],
      ['user id not a number', (c) => (c.user = { id: 'one', email: 'x' })],
      ['no jti', (c) => delete c.jti],
      ['no exp', (c) => delete c.exp],
    ];
    const claims = fc
      .tuple(
        fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 4 }),
        fc.subarray(breakers, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<'app' | 'other' | 'none'>('app', 'other', 'none'),
      )
      .map(([extra, broken, signer]) => {
        const c: Record<string, unknown> = { ...extra, ...valid, user: { ...valid.user }, owner: { ...valid.owner }, jti: `fuzz-${(issued += 1)}` };
        for (const [, breakIt] of broken) breakIt(c);
        return { c, signer, broken: broken.map(([name]) => name) };
      });
    await fc.assert(
      fc.asyncProperty(claims, async ({ c, signer }) => {
        const token = signed(c, signer === 'none' ? null : signer === 'app' ? CLIENT_SECRET : 'another-secret');
        await expectRefused(await load(token));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
