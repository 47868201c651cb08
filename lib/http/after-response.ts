import { after } from 'next/server';
import { logger } from '@/lib/logger';

/**
 * Runs work after the response has been sent (Next's `after`), so a webhook is answered in milliseconds. Outside
 * a Next request (tests serving the handlers directly) it runs in the background instead. Errors are logged.
 */
export function afterResponse(work: () => Promise<unknown>): void {
  const run = () => work().catch((error: unknown) => logger().error({ error: String(error) }, 'after-response work failed'));
  try {
    after(run);
  } catch {
    void run();
  }
}
