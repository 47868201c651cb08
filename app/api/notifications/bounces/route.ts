import { getDb } from '@/db';
import { env } from '@/lib/env';
import { bounceRequest } from '@/lib/notify/bounce-request';
import { createNotificationRepo } from '@/lib/repos/notifications';

export const dynamic = 'force-dynamic';

/** Bounces reported later (delivery status notifications, or free-text notices), posted by the mail provider's inbound forwarding. */
export async function POST(request: Request): Promise<Response> {
  const e = env();
  if (!e.MAIL_BOUNCE_ADDRESS || !e.MAIL_BOUNCE_SECRET) return bounceRequest(null, request);
  const notifications = createNotificationRepo({ db: await getDb() });
  return bounceRequest(
    {
      suppress: (email, reason) => notifications.suppress(email, reason),
      undeterminedBounce: (email, reason) => notifications.undeterminedBounce(email, reason),
      knownAddresses: () => notifications.knownAddresses(),
      secret: e.SESSION_SECRET, bounceAddress: e.MAIL_BOUNCE_ADDRESS, inboundSecret: e.MAIL_BOUNCE_SECRET,
    },
    request,
  );
}
