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

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  APP_URL: z.url().default('http://localhost:3000'),
  /** Port the production server (`npm start`) listens on when `--port` is not given. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().min(1).optional(),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Inngest's own settings, read by the Inngest SDK itself (validated here so a bad deployment fails at start):
   * INNGEST_DEV=<url of a dev server or the local stand-in> in development only; in production the signing and
   * event keys, and INNGEST_BASE_URL for a self-hosted `inngest start` (Inngest Cloud when unset).
   */
  INNGEST_DEV: z.string().min(1).optional(),
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  INNGEST_SIGNING_KEY: z.string().min(1).optional(),
  INNGEST_BASE_URL: z.url().optional(),
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
  const loginOrigin = new URL(value.BIGCOMMERCE_LOGIN_URL).origin;
  return {
    ...value,
    variables: cleaned as Record<string, string>,
    sandboxOrigin: loginOrigin === REAL_LOGIN_URL ? null : loginOrigin,
    requiredScopes: value.BIGCOMMERCE_REQUIRED_SCOPES.split(/\s+/).filter(Boolean),
  };
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
  .pick({ DATABASE_URL: true, PGLITE_DIR: true, TOKEN_ENCRYPTION_KEY: true, TOKEN_ENCRYPTION_KEYS_PREVIOUS: true, BIGCOMMERCE_API_URL: true, LOG_LEVEL: true })
  .extend({
    /** The directory the user ran `ledgerbridge` in (set by lib/cli/bin.mjs, which runs the CLI from the checkout). */
    LEDGERBRIDGE_CWD: z.string().min(1).optional(),
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

export function cliEnv(): CliEnv {
  cachedCli ??= parseCliEnv(process.env);
  return cachedCli;
}
