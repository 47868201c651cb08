import { getDb } from '@/db';
import { env } from '@/lib/env';
import { latestAppliedMigration, latestShippedMigration, pingDatabase } from '@/lib/repos/migrations';
import type { ReadinessDeps } from './readiness';

/** The readiness checks against the process-wide database and environment (app/api/health/ready). */
export function readinessDeps(): ReadinessDeps {
  const e = env();
  return {
    // getDb() opens the database (and applies migrations) on first use; until it has, the ping waits on it.
    pingDatabase: async () => pingDatabase(await getDb()),
    latestAppliedMigration: async () => latestAppliedMigration(await getDb()),
    latestShippedMigration: () => latestShippedMigration(),
    inngest: {
      production: e.NODE_ENV === 'production',
      INNGEST_DEV: e.INNGEST_DEV,
      INNGEST_SIGNING_KEY: e.INNGEST_SIGNING_KEY,
      INNGEST_EVENT_KEY: e.INNGEST_EVENT_KEY,
      INNGEST_BASE_URL: e.INNGEST_BASE_URL,
    },
  };
}
