export const dynamic = 'force-dynamic';

/**
 * Liveness: the process is up and answers HTTP. No dependency is consulted, so a database outage never makes an
 * orchestrator restart healthy instances (readiness, /api/health/ready, takes them out of rotation instead).
 */
export function GET(): Promise<Response> {
  return Promise.resolve(Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } }));
}
