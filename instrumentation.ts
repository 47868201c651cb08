/**
 * Runs once when a Next server starts (`next start`, `next dev`, and `npm start`'s custom server, which has checked the
 * environment already). Next would log a bad configuration and keep running: lib/server/start-check.ts stops it instead.
 * The check is imported only in the Node.js runtime (Next compiles this file for the Edge runtime too, where
 * process.exit does not exist).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkEnvironmentAtStart } = await import('@/lib/server/start-check');
  checkEnvironmentAtStart();
}
