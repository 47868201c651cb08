import { sql } from 'drizzle-orm';
import { getDb } from '@/db';
import { logger } from '@/lib/logger';

export const dynamic = 'force-dynamic';

/** Liveness and database reachability, for load balancers and the demo. */
export async function GET(): Promise<Response> {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ db: 'ok' }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    logger().error({ error: String(error) }, 'health: database unreachable');
    return Response.json({ db: 'unreachable' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
}
