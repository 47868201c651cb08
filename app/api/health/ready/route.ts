import { readinessDeps } from '@/lib/health/deps';
import { checkReadiness } from '@/lib/health/readiness';
import { stoppingSince } from '@/lib/health/stopping';
import { logger } from '@/lib/logger';

export const dynamic = 'force-dynamic';

/**
 * Readiness: the database answers, this build's migrations are applied, Inngest is signed in production. 200 or 503.
 * Once the instance is shutting down it is 503 `stopping`, whatever the checks say (lib/health/stopping.ts).
 */
export async function GET(): Promise<Response> {
  const since = stoppingSince();
  if (since) return Response.json({ status: 'stopping', since }, { status: 503, headers: { 'cache-control': 'no-store' } });
  const { readiness, failures } = await checkReadiness(readinessDeps());
  if (readiness.status !== 'ready') {
    logger().warn({ checks: readiness.checks, errors: failures.map(String) }, 'health: not ready');
  }
  return Response.json(readiness, {
    status: readiness.status === 'ready' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
