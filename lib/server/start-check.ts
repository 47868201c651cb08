/**
 * The environment check of a Next server's start (instrumentation.ts, Node.js runtime only): under `next start` in
 * production a bad configuration (INNGEST_DEV, a missing signing key, any variable lib/env.ts refuses) stops the
 * server with the variable named, as `npm start` does, instead of serving and failing on each request.
 */
import { env, EnvError } from '@/lib/env';

export function checkEnvironmentAtStart(): void {
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError) || process.env.NODE_ENV !== 'production') throw error;
    console.error(`ledgerbridge: the server could not start: ${error.message}`);
    process.exit(1);
  }
}
