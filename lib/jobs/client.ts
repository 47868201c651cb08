import { Inngest, Middleware } from 'inngest';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { noteStoreHash, REQUEST_ID_HEADER, withinRequestId } from '@/lib/request-context';

/**
 * Each call of a function runs in a request context (the production server's, or one of its own under `next dev`),
 * and the store its event names goes on its log lines: every event of ours carries `data.storeHash`.
 */
class RequestContextMiddleware extends Middleware.BaseMiddleware {
  readonly id = 'ledgerbridge-request-context';

  override wrapRequest(args: Middleware.WrapRequestArgs): Promise<Middleware.Response> {
    return withinRequestId(args.requestInfo.headers[REQUEST_ID_HEADER], () => args.next());
  }

  override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs {
    const data: unknown = arg.ctx.event?.data;
    const storeHash = data && typeof data === 'object' ? (data as { storeHash?: unknown }).storeHash : undefined;
    if (typeof storeHash === 'string') noteStoreHash(storeHash);
    return arg;
  }
}

/**
 * The Inngest client. Which server it talks to is Inngest's own configuration, read by the SDK: INNGEST_DEV=<url>
 * (the dev server, or the local stand-in in tests/sandbox/inngest) in development, INNGEST_SIGNING_KEY and
 * INNGEST_EVENT_KEY for Inngest Cloud or a self-hosted server. lib/env.ts validates them.
 */
export const inngest = new Inngest({
  id: 'ledgerbridge',
  middleware: [RequestContextMiddleware],
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
