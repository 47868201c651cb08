import { serve } from 'inngest/next';
import { env } from '@/lib/env';
import { inngest } from '@/lib/jobs/client';
import { functions } from '@/lib/jobs/functions';

export const dynamic = 'force-dynamic';
// Long backfill pages run inside one step.
export const maxDuration = 300;

/**
 * Inngest calls this route to run every step of every function. What protects it in production is the SDK's
 * signature check: in cloud mode (no INNGEST_DEV) serve() answers GET and POST only when `X-Inngest-Signature` is an
 * HMAC-SHA256 of the body made with INNGEST_SIGNING_KEY within the last 5 minutes, and 401 otherwise. In dev mode
 * (INNGEST_DEV set) it checks nothing, which is why lib/env.ts refuses INNGEST_DEV in production and `next dev`
 * and the demo listen on loopback only.
 *
 * The URL the app registers under is APP_URL's, never the request's Host header: a PUT (sync) is unauthenticated
 * by Inngest's default, and must not be able to point Inngest at someone else's server.
 *
 * Built on the first request, not at import, so `next build` needs no environment.
 */
let handlers: ReturnType<typeof serve> | undefined;
const served = (): ReturnType<typeof serve> =>
  (handlers ??= serve({ client: inngest, functions, serveOrigin: new URL(env().APP_URL).origin, servePath: '/api/inngest' }));

type Handler = ReturnType<typeof serve>['GET'];
export const GET: Handler = (...args) => served().GET(...args);
export const POST: Handler = (...args) => served().POST(...args);
export const PUT: Handler = (...args) => served().PUT(...args);
