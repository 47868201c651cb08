import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once, lazily, so that a module importing this file for its types
 * does not fail at import time; the first call to `env()` fails with every missing or malformed variable
 * named in one message.
 */

const REAL_LOGIN_URL = 'https://login.bigcommerce.com';
const REAL_API_URL = 'https://api.bigcommerce.com';

/**
 * Secrets published with the project (.env.example, `npm run demo`, the sandboxes' demo clients): refused in
 * production whatever variable holds them. lib/env.test.ts checks every secret of .env.example is listed here.
 */
const DEMO_SECRETS = new Set([
  'demo-session-secret-change-me-0123456789abcdef',
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
]);
/** The demo clients' secrets: the app's own and each accounting system's sandbox client ("ledgerbridge-<id>-demo-secret"). */
const DEMO_CLIENT_SECRET = /^ledgerbridge-(?:[a-z]+-)?demo-secret/;
const isDemoSecret = (value: string) => DEMO_SECRETS.has(value) || DEMO_CLIENT_SECRET.test(value);

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`');

const smtpUrl = z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587');

/** A plain address (no display name) without `+` in its local part: VERP adds `+<tag>` to it (lib/notify/verp.ts). */
const bounceAddress = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,40}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'must be a plain address like bounces@mail.example.com (at most 40 characters before the @, no +)');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  APP_URL: z.url().default('http://localhost:3000'),
  /** Port the production server (`npm start`) listens on when `--port` is not given. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * `npm start` on SIGTERM: readiness answers 503 at once, and the server keeps serving for this many seconds before it
   * stops accepting connections, so a load balancer probing readiness takes it out of rotation first (set it to the
   * probe interval times the failures it needs). 0: stop accepting at once.
   */
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().int().min(0).max(300).default(0),
  /**
   * Server processes `npm start` runs on its port (lib/server/cluster.ts): one Node process uses one core, so set it to
   * the host's cores. Needs DATABASE_URL (the embedded database belongs to one process).
   */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_URL: z.string().min(1).optional(),
  /**
   * Connections each server process keeps to Postgres (DATABASE_URL). The order runs of one process share them; a
   * run waiting for a connection holds its Inngest call open. Keep processes × this under the server's
   * max_connections (Postgres' default is 100). Default 10.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Named prepared statements (db/client.ts); `false` behind a pooler that cannot keep them. Default true. */
  DATABASE_PREPARE: z.enum(['true', 'false']).default('true'),
  /** Folder for the embedded PGlite database when DATABASE_URL is unset. */
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  BIGCOMMERCE_CLIENT_ID: z.string().min(1),
  BIGCOMMERCE_CLIENT_SECRET: z.string().min(1),
  BIGCOMMERCE_LOGIN_URL: z.url().default(REAL_LOGIN_URL),
  BIGCOMMERCE_API_URL: z.url().default(REAL_API_URL),
  /**
   * Space-separated OAuth scopes the app must be granted on install. `store_v2_transactions_read_only` reads an
   * order's refunds and transactions (to book refunds); stores installed before it was required are asked to
   * re-authorize (lib/admin/permissions.ts) and keep working meanwhile.
   */
  BIGCOMMERCE_REQUIRED_SCOPES: z
    .string()
    .default(
      'store_v2_orders store_v2_information_read_only store_v2_products store_v2_customers_read_only store_inventory store_v2_transactions_read_only',
    ),
  TOKEN_ENCRYPTION_KEY: hexKey,
  /**
   * Keys that sealed tokens before TOKEN_ENCRYPTION_KEY did (hex, separated by commas or spaces): read only, never
   * used to seal. Kept until `ledgerbridge keys rotate` has re-sealed everything under the current key (lib/crypto.ts).
   */
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .regex(/^[\s,]*[0-9a-fA-F]{64}([\s,]+[0-9a-fA-F]{64})*[\s,]*$/, 'must be 64-hex-character keys separated by commas or spaces')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /**
   * Where the embedded pages' "Get help" link goes (every page's footer, onboarding included: BigCommerce's approval
   * requirements ask for support resources throughout the app). An https page or a mailto: address.
   */
  SUPPORT_URL: z
    .string()
    .regex(/^(https:\/\/|mailto:)\S+$/, 'must be an https:// page or a mailto: address')
    .default('mailto:support@ledgerbridge.example'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The first-open setup proposes posting the orders placed since this date (YYYY-MM-DD), "Post past orders too"
   * ticked. Unset (the default): nothing ticked, the merchant chooses. `npm run demo` sets it so the seeded history is
   * posted on first open, with the backfill's progress.
   */
  ONBOARDING_BACKFILL_FROM: z.iso.date('must be a date, YYYY-MM-DD').optional(),
  /**
   * Inngest's own settings, read by the Inngest SDK itself (validated here so a bad deployment fails at start):
   * INNGEST_DEV=<url of a dev server or the local stand-in> in development only; in production the signing and
   * event keys, and INNGEST_BASE_URL for a self-hosted `inngest start` (Inngest Cloud when unset).
   */
  INNGEST_DEV: z.string().min(1).optional(),
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  INNGEST_SIGNING_KEY: z.string().min(1).optional(),
  INNGEST_BASE_URL: z.url().optional(),
  /**
   * Email (issue 17): the SMTP server alerts and the daily digest go through, as a URL
   * (`smtp://user:pass@host:587`, `smtps://…:465`). Unset: email is off, and the Notifications page says so; the
   * in-app notification centre works either way.
   */
  SMTP_URL: smtpUrl.optional(),
  /** The From of every email, e.g. `Ledgerbridge <notifications@example.com>`. */
  MAIL_FROM: z.string().min(3).default('Ledgerbridge <notifications@ledgerbridge.example>'),
  /**
   * The mailbox bounces come back to: every email's envelope sender (Return-Path, where RFC 5321 §4.5.5 and RFC 3461
   * send delivery status notifications) is this address with a per-recipient tag (VERP: `bounces+<tag>@domain`), so a
   * DSN is matched to the address we sent to. Unset: the envelope sender is MAIL_FROM and late bounces are not read.
   */
  MAIL_BOUNCE_ADDRESS: bounceAddress.optional(),
  /**
   * The secret the mail provider's inbound forwarding presents when it posts a message received at MAIL_BOUNCE_ADDRESS to
   * `POST /api/notifications/bounces` (as a bearer token or the password of basic auth). Unset: the route answers 404.
   */
  MAIL_BOUNCE_SECRET: z.string().min(24, 'must be at least 24 characters, e.g. `openssl rand -hex 24`').optional(),
  /**
   * The app's ID in the Developer Portal (the number in `devtools.bigcommerce.com/my/apps/<id>`): links in emails open the
   * app inside the store's control panel at `https://store-{hash}.mybigcommerce.com/manage/app/{id}/<page>`. Unset: they
   * open the control panel's My Apps list.
   */
  BIGCOMMERCE_APP_ID: z.string().regex(/^[0-9]{1,12}$/, 'must be the numeric app ID from the Developer Portal').optional(),
});

export type Env = z.infer<typeof schema> & {
  /**
   * Every variable as set (non-empty), for what the schema does not name: an accounting provider's own settings
   * (the registry's connector names them, e.g. its client id and secret) are read through here, so adding a
   * provider does not touch this file.
   */
  variables: Readonly<Record<string, string>>;
  /** The origin of the BigCommerce control panel when it is not the real one (the local sandbox). */
  sandboxOrigin: string | null;
  requiredScopes: string[];
};

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Parses an environment object; exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      const missing = issue.code === 'invalid_type' && cleaned[name] === undefined;
      return `  ${name}: ${missing ? 'is required but not set' : issue.message}`;
    });
    throw new EnvError(
      `Invalid environment configuration (see .env.example):\n${lines.join('\n')}`,
    );
  }
  const value = result.data;
  if (value.NODE_ENV === 'production') {
    // In dev mode the Inngest SDK verifies no signature: /api/inngest would run any step for anyone who can reach
    // it (read a store's orders, post a made-up result into its books). Production is always signed.
    const problems = [
      ...(value.INNGEST_DEV
        ? ['  INNGEST_DEV: must not be set in production (it turns off the signature check on /api/inngest); use INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY, with INNGEST_BASE_URL for a self-hosted Inngest']
        : []),
      ...(['INNGEST_SIGNING_KEY', 'INNGEST_EVENT_KEY'] as const)
        .filter((name) => !value[name])
        .map((name) => `  ${name}: is required in production (Inngest Cloud, or a self-hosted Inngest named by INNGEST_BASE_URL)`),
    ];
    // The demo's secrets are public (.env.example, the demo, the sandboxes): a production that kept one is open to anyone.
    for (const [name, v] of Object.entries(cleaned)) {
      if (v !== undefined && isDemoSecret(v)) problems.push(`  ${name}: is a published demo value; generate your own (see .env.example)`);
    }
    if (problems.length > 0) {
      throw new EnvError(`Invalid environment configuration (see .env.example):\n${problems.join('\n')}`);
    }
  }
  return {
    ...value,
    variables: cleaned as Record<string, string>,
    sandboxOrigin: sandboxOriginOf(value.BIGCOMMERCE_LOGIN_URL),
    requiredScopes: value.BIGCOMMERCE_REQUIRED_SCOPES.split(/\s+/).filter(Boolean),
  };
}

/** The control panel's origin when BIGCOMMERCE_LOGIN_URL points at a local sandbox, else null (the real one). */
export function sandboxOriginOf(loginUrl: string): string | null {
  const origin = new URL(loginUrl).origin;
  return origin === REAL_LOGIN_URL ? null : origin;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The production server (lib/server/main.ts): NODE_ENV is production unless set, as under `next start`. */
export function defaultToProduction(): void {
  // Next's types declare NODE_ENV read-only; `next start` sets it the same way.
  (process.env as Record<string, string | undefined>).NODE_ENV ||= 'production';
  cached = undefined;
}

/** Tests that change process.env call this to re-read it. */
export function resetEnvForTests(): void {
  cached = undefined;
}

/**
 * The subset the command line needs (lib/cli): the database, the token key and the BigCommerce API. The CLI does
 * not serve the embedded pages or the OAuth callbacks, so it does not ask for their secrets.
 */
const cliSchema = schema
  .pick({
    DATABASE_URL: true,
    PGLITE_DIR: true,
    TOKEN_ENCRYPTION_KEY: true,
    TOKEN_ENCRYPTION_KEYS_PREVIOUS: true,
    BIGCOMMERCE_API_URL: true,
    // `connect` and `status` check a token has every scope the app needs, the list the install callback checks.
    BIGCOMMERCE_REQUIRED_SCOPES: true,
    LOG_LEVEL: true,
    // `notify digest` sends mail: the server, the From, links into the app and the signed unsubscribe link.
    SMTP_URL: true,
    MAIL_FROM: true,
    MAIL_BOUNCE_ADDRESS: true,
    APP_URL: true,
    // Links in the mail open the app in the store's control panel (the sandbox's when the login URL points at it).
    BIGCOMMERCE_APP_ID: true,
    BIGCOMMERCE_LOGIN_URL: true,
  })
  .extend({
    /** The directory the user ran `ledgerbridge` in (set by lib/cli/bin.mjs, which runs the CLI from the checkout). */
    LEDGERBRIDGE_CWD: z.string().min(1).optional(),
    /** Signs the unsubscribe links of the mail `notify digest` sends (the web app's own secret, so its links work). */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  });

export type CliEnv = z.infer<typeof cliSchema> & { variables: Readonly<Record<string, string>> };

/** Parses the CLI's environment; the error names every bad variable on one line (a CLI prints one line). */
export function parseCliEnv(source: Record<string, string | undefined>): CliEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = cliSchema.safeParse(cleaned);
  if (result.success) return { ...result.data, variables: cleaned as Record<string, string> };
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const missing = issue.code === 'invalid_type' && cleaned[name] === undefined;
    return `${name} ${missing ? 'is required but not set' : issue.message}`;
  });
  throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
}

let cachedCli: CliEnv | undefined;

/**
 * `fallback` supplies values the environment lacks (lib/cli/demo-env.ts: a running demo's settings); a variable set
 * in the environment always wins.
 */
export function cliEnv(fallback: (source: Readonly<Record<string, string | undefined>>) => Record<string, string> = () => ({})): CliEnv {
  cachedCli ??= parseCliEnv({ ...fallback(process.env), ...Object.fromEntries(Object.entries(process.env).filter(([, v]) => v)) });
  return cachedCli;
}
