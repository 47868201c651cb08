import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setDatabaseForTests } from '@/db';
import { resetEnvForTests } from '@/lib/env';
import { startAppServer, type TestAppServer } from './support/app-server';
import { freshDatabase, type TestDatabase } from './support/db';

/** The three health routes over real HTTP, against a real migrated database (Postgres in CI, PGlite otherwise). */
const routes = {
  '/api/health': () => import('@/app/api/health/route'),
  '/api/health/live': () => import('@/app/api/health/live/route'),
  '/api/health/ready': () => import('@/app/api/health/ready/route'),
};

const baseEnv = {
  BIGCOMMERCE_CLIENT_ID: 'lb-health-client',
  BIGCOMMERCE_CLIENT_SECRET: 'lb-health-client-secret',
  TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
  SESSION_SECRET: 'health-test-session-secret-0123456789abcdef',
  LOG_LEVEL: 'silent',
};
const inngestNames = ['NODE_ENV', 'INNGEST_DEV', 'INNGEST_SIGNING_KEY', 'INNGEST_EVENT_KEY', 'INNGEST_BASE_URL'] as const;

let database: TestDatabase;
let app: TestAppServer;
const saved = { ...process.env };

function setEnv(values: Record<string, string | undefined>): void {
  for (const name of inngestNames) delete process.env[name];
  Object.assign(process.env, baseEnv, values);
  resetEnvForTests();
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null }> {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, cacheControl: response.headers.get('cache-control') };
}

beforeAll(async () => {
  database = await freshDatabase('health');
  setDatabaseForTests(database);
  app = await startAppServer(routes);
});

beforeEach(() => setEnv({ NODE_ENV: 'test', INNGEST_DEV: 'http://127.0.0.1:8288' }));

afterAll(async () => {
  await app.close();
  setDatabaseForTests(undefined);
  await database.dispose();
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  resetEnvForTests();
});

describe('health routes', () => {
  it('liveness answers 200 without touching anything; the original /api/health keeps its answer', async () => {
    expect(await get('/api/health/live')).toEqual({ status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });
    expect(await get('/api/health')).toMatchObject({ status: 200, body: { db: 'ok' } });
  });

  it('readiness is 200 on a migrated database, naming the newest migration', async () => {
    const { status, body, cacheControl } = await get('/api/health/ready');
    expect(status).toBe(200);
    expect(cacheControl).toBe('no-store');
    expect(body).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true, latest: expect.stringMatching(/^\d{4}_/) } },
    });
  });

  it('in production, readiness reports Inngest Cloud or a self-hosted Inngest as signed', async () => {
    setEnv({ NODE_ENV: 'production', INNGEST_SIGNING_KEY: 'signkey-prod-0123abcd', INNGEST_EVENT_KEY: 'health-event-key' });
    expect((await get('/api/health/ready')).body).toMatchObject({
      status: 'ready',
      checks: { inngest: { ok: true, mode: 'cloud', signed: true } },
    });
    setEnv({
      NODE_ENV: 'production',
      INNGEST_SIGNING_KEY: '0123abcd',
      INNGEST_EVENT_KEY: 'health-event-key',
      INNGEST_BASE_URL: 'http://127.0.0.1:8288',
    });
    expect((await get('/api/health/ready')).body).toMatchObject({ checks: { inngest: { mode: 'self-hosted', signed: true } } });
  });

  it('readiness is 503 while the newest migration is not recorded, liveness stays 200, and it recovers', async () => {
    const latest = sql`(select max(created_at) from drizzle.__drizzle_migrations)`;
    const deleted = await database.db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at = ${latest} returning hash, created_at::text as created_at`,
    );
    const removed = (Array.isArray(deleted) ? deleted : (deleted as unknown as { rows: unknown[] }).rows) as Array<{ hash: string; created_at: string }>;
    expect(removed).toHaveLength(1);
    try {
      const notReady = await get('/api/health/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.body).toMatchObject({
        status: 'not-ready',
        checks: { database: { ok: true }, migrations: { ok: false, error: expect.stringContaining('is not applied yet') } },
      });
      expect((await get('/api/health/live')).status).toBe(200);
    } finally {
      await database.db.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${removed[0]!.hash}, ${removed[0]!.created_at}::bigint)`,
      );
    }
    expect((await get('/api/health/ready')).status).toBe(200);
  });
});
