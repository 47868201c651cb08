import { Inngest } from 'inngest';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';

/**
 * The Inngest client. Which server it talks to is Inngest's own configuration, read by the SDK: INNGEST_DEV=<url>
 * (the dev server, or the local stand-in in tests/sandbox/inngest) in development, INNGEST_SIGNING_KEY and
 * INNGEST_EVENT_KEY for Inngest Cloud or a self-hosted server. lib/env.ts validates them.
 */
export const inngest = new Inngest({
  id: 'ledgerbridge',
  logger: {
    info: (...args: unknown[]) => logger().info({ inngest: args.map(String).join(' ') }, 'inngest'),
    warn: (...args: unknown[]) => logger().warn({ inngest: args.map(String).join(' ') }, 'inngest'),
    error: (...args: unknown[]) => logger().error({ inngest: args.map(String).join(' ') }, 'inngest'),
    debug: () => {},
  },
});

/** Can events be sent? Without a dev server or an event key the SDK would try Inngest Cloud and fail. */
export function jobsConfigured(): boolean {
  const e = env();
  return Boolean(e.INNGEST_DEV || e.INNGEST_EVENT_KEY);
}
