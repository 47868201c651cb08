/**
 * Runs once when a Next server starts (`next start`, `next dev`, and `npm start`'s custom server, which has checked the
 * environment already). Under `next start` in production a bad configuration (INNGEST_DEV, a missing signing key, any
 * variable lib/env.ts refuses) stops the server with the variable named, as `npm start` does, instead of serving and
 * failing on each request; Next alone would log the error and keep running.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env, EnvError } = await import('@/lib/env');
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError) || process.env.NODE_ENV !== 'production') throw error;
    console.error(`ledgerbridge: the server could not start: ${error.message}`);
    process.exit(1);
  }
}
