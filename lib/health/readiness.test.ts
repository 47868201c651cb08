import { describe, expect, it } from 'vitest';
import { checkReadiness, type ReadinessDeps } from './readiness';

const shipped = { tag: '0017_webhook_refusals', when: 1_796_575_592_134 };

function deps(overrides: Partial<ReadinessDeps> = {}): ReadinessDeps {
  return {
    pingDatabase: async () => {},
    latestAppliedMigration: async () => shipped.when,
    latestShippedMigration: () => shipped,
    inngest: { production: true, INNGEST_SIGNING_KEY: 'signkey-prod-ab12', INNGEST_EVENT_KEY: 'event-key' },
    ...overrides,
  } satisfies ReadinessDeps;
}

describe('readiness', () => {
  it('is ready when the database answers, this build\'s newest migration is applied and Inngest is signed', async () => {
    const { readiness } = await checkReadiness(deps());
    expect(readiness).toEqual({
      status: 'ready',
      checks: {
        database: { ok: true },
        migrations: { ok: true, latest: '0017_webhook_refusals' },
        inngest: { ok: true, mode: 'cloud', signed: true },
      },
    });
  });

  it('is not ready when the database refuses, says so without the driver\'s message, and skips the migrations', async () => {
    const { readiness, failures } = await checkReadiness(
      deps({ pingDatabase: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')) }),
    );
    expect(readiness.status).toBe('not-ready');
    expect(readiness.checks.database).toEqual({ ok: false, error: 'unreachable' });
    expect(readiness.checks.migrations.ok).toBe(false);
    expect(JSON.stringify(readiness)).not.toContain('10.0.0.5');
    expect(String(failures[0])).toContain('ECONNREFUSED');
  });

  it('answers within its deadline when the database hangs', async () => {
    const started = Date.now();
    const { readiness } = await checkReadiness(deps({ pingDatabase: () => new Promise(() => {}), timeoutMs: 50 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(readiness.checks.database).toEqual({ ok: false, error: 'no answer within 50 ms' });
  });

  it('is not ready while the newest migration of this build is missing from the database', async () => {
    const behind = await checkReadiness(deps({ latestAppliedMigration: async () => shipped.when - 1 }));
    expect(behind.readiness.status).toBe('not-ready');
    expect(behind.readiness.checks.migrations).toEqual({
      ok: false,
      error: '0017_webhook_refusals is not applied yet',
      latest: '0017_webhook_refusals',
    });
    const none = await checkReadiness(deps({ latestAppliedMigration: async () => null }));
    expect(none.readiness.checks.migrations.ok).toBe(false);
  });

  it('stays ready when the database is ahead of this build (a newer instance migrated during a rolling upgrade)', async () => {
    const { readiness } = await checkReadiness(deps({ latestAppliedMigration: async () => shipped.when + 86_400_000 }));
    expect(readiness.status).toBe('ready');
  });

  it('in production, is not ready with INNGEST_DEV set or without the signing or event key, and names each', async () => {
    const dev = await checkReadiness(
      deps({ inngest: { production: true, INNGEST_DEV: 'http://127.0.0.1:8288', INNGEST_SIGNING_KEY: 'k', INNGEST_EVENT_KEY: 'e' } }),
    );
    expect(dev.readiness.status).toBe('not-ready');
    expect(dev.readiness.checks.inngest).toMatchObject({ ok: false, mode: 'dev', signed: false });
    expect(dev.readiness.checks.inngest).toHaveProperty('error', expect.stringContaining('INNGEST_DEV'));

    const unsigned = await checkReadiness(deps({ inngest: { production: true } }));
    expect(unsigned.readiness.checks.inngest).toMatchObject({
      ok: false,
      error: 'INNGEST_SIGNING_KEY is not set; INNGEST_EVENT_KEY is not set',
    });
  });

  it('reports a self-hosted Inngest by its base URL, and accepts dev mode outside production', async () => {
    const selfHosted = await checkReadiness(
      deps({
        inngest: {
          production: true,
          INNGEST_SIGNING_KEY: 'ab12',
          INNGEST_EVENT_KEY: 'e',
          INNGEST_BASE_URL: 'https://inngest.internal.example.com',
        },
      }),
    );
    expect(selfHosted.readiness.checks.inngest).toEqual({ ok: true, mode: 'self-hosted', signed: true });
    const dev = await checkReadiness(deps({ inngest: { production: false, INNGEST_DEV: 'http://127.0.0.1:8288' } }));
    expect(dev.readiness.checks.inngest).toEqual({ ok: true, mode: 'dev', signed: false });
    expect(dev.readiness.status).toBe('ready');
  });
});
