/**
 * CLI: `npx tsx tests/sandbox/inngest/main.ts`
 * Env: INNGEST_STANDIN_PORT (default 8288, 0 = any free port), INNGEST_STANDIN_HOST (default 127.0.0.1),
 * APP_URL (the app's serve URL, e.g. http://127.0.0.1:3000/api/inngest; several separated by commas),
 * INNGEST_STANDIN_TIME_SCALE (default 1), INNGEST_STANDIN_QUIET=1 to print only the URL line,
 * INNGEST_STANDIN_SIGNING_KEY and INNGEST_STANDIN_EVENT_KEY to run as a signing server (an app in production mode, which
 * refuses INNGEST_DEV, points INNGEST_BASE_URL at it with the same keys).
 */
import { z } from 'zod';
import { startInngestStandIn } from './server';

const env = z
  .object({
    INNGEST_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).default(8288),
    INNGEST_STANDIN_HOST: z.string().min(1).default('127.0.0.1'),
    INNGEST_STANDIN_TIME_SCALE: z.coerce.number().positive().default(1),
    INNGEST_STANDIN_QUIET: z.enum(['0', '1']).default('0'),
    APP_URL: z.string().optional(),
    INNGEST_STANDIN_SIGNING_KEY: z.string().regex(/^(signkey-\w+-)?[0-9a-f]+$/, 'a hex key, optionally signkey-<env>-<hex>').optional(),
    INNGEST_STANDIN_EVENT_KEY: z.string().min(1).optional(),
  })
  .parse(process.env);

const appUrls = (env.APP_URL ?? '')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);
for (const url of appUrls) z.string().url().parse(url);

const standIn = await startInngestStandIn({
  port: env.INNGEST_STANDIN_PORT,
  host: env.INNGEST_STANDIN_HOST,
  appUrls,
  timeScale: env.INNGEST_STANDIN_TIME_SCALE,
  signing: env.INNGEST_STANDIN_SIGNING_KEY
    ? { signingKey: env.INNGEST_STANDIN_SIGNING_KEY, eventKey: env.INNGEST_STANDIN_EVENT_KEY ?? 'standin' }
    : undefined,
  log: env.INNGEST_STANDIN_QUIET === '1' ? undefined : (line) => console.log(`[inngest-standin] ${line}`),
});

console.log(
  env.INNGEST_STANDIN_SIGNING_KEY
    ? `Inngest stand-in ready at ${standIn.url} (signing; point the app at it with INNGEST_BASE_URL=${standIn.url} and the same keys)`
    : `Inngest stand-in ready at ${standIn.url} (point the app at it with INNGEST_DEV=${standIn.url})`,
);

const stop = () => void standIn.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
