import { after } from 'next/server';
import { logger } from '@/lib/logger';

/** Work started outside a Next request, still running (on globalThis: Next may load this module once per bundle). */
const pending = ((globalThis as unknown as { __lbAfterResponse?: Set<Promise<unknown>> }).__lbAfterResponse ??= new Set());

/**
 * Runs work after the response has been sent (Next's `after`), so a webhook is answered in milliseconds. Outside
 * a Next request (the production server's direct webhook path, tests serving the handlers directly) it runs in the
 * background instead, tracked so a stopping server can wait for it (`settleAfterResponseWork`). Errors are logged.
 */
export function afterResponse(work: () => Promise<unknown>): void {
  const run = () => work().catch((error: unknown) => logger().error({ error: String(error) }, 'after-response work failed'));
  try {
    after(run);
  } catch {
    const running = run();
    pending.add(running);
    void running.finally(() => pending.delete(running));
  }
}

/** Waits (at most `timeoutMs`) for background work started by `afterResponse` outside a Next request. */
export async function settleAfterResponseWork(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const settled = (async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
    return true as const;
  })();
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
