import { getDb } from '@/db';
import { env } from '@/lib/env';
import { unsubscribeRequest } from '@/lib/notify/unsubscribe-request';
import { createNotificationRepo } from '@/lib/repos/notifications';

export const dynamic = 'force-dynamic';

/** The signed unsubscribe link of every email (public: opened from the email; the signature is the authority). */
async function handle(request: Request): Promise<Response> {
  return unsubscribeRequest({ secret: env().SESSION_SECRET, notifications: createNotificationRepo({ db: await getDb() }) }, request);
}

export const GET = handle;
export const POST = handle;
