/**
 * The CLI's composition root: its environment (a subset of the app's, see `cliEnv`), the database, and a store's
 * dependencies built the same way lib/context.ts builds them for the background jobs.
 */
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { openDatabase, type Database, type Db } from '@/db/client';
import { storeSync as storeSyncTable, stores } from '@/db/schema';
import { DEFAULT_PROVIDER } from '@/lib/accounting/registry';
import { createBigCommerceClient, type BigCommerceClient } from '@/lib/bigcommerce/client';
import type { ClientLog } from '@/lib/bigcommerce/client';
import { cliEnv, EnvError, type CliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { createAppContext, tokenKeys } from '@/lib/context';
import { UnknownKeyError } from '@/lib/crypto';
import { createStoreRepo, type InstalledStore } from '@/lib/repos/stores';
import { FROM_DEMO, runningDemoEnv } from './demo-env';
import { CliError, EXIT, UsageError } from './errors';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** The directory relative paths in arguments are resolved against. */
  cwd: string;
}

export interface CliRuntime {
  env: CliEnv;
  db: Db;
  database: Database;
  io: CliIo;
  log: ClientLog;
  fetch: typeof fetch;
}

export function loadCliEnv(): CliEnv {
  try {
    return cliEnv(runningDemoEnv);
  } catch (error) {
    if (error instanceof EnvError) throw new UsageError(error.message);
    throw error;
  }
}

export async function openRuntime(env: CliEnv, io: CliIo): Promise<CliRuntime> {
  const demo = env.variables[FROM_DEMO];
  if (demo) io.stderr.write(`Using the settings of the running demo (${path.relative(io.cwd, demo) || demo})\n`);
  let database: Database;
  try {
    database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
  } catch (error) {
    const where = env.DATABASE_URL ? 'DATABASE_URL' : `the PGlite database in ${path.resolve(env.PGLITE_DIR)}`;
    throw new CliError(`cannot open ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { env, db: database.db, database, io, log: cliLog(env, io), fetch: globalThis.fetch };
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The BigCommerce client's warnings (retries, rate-limit waits) as short lines on stderr. */
function cliLog(env: CliEnv, io: CliIo): ClientLog {
  const threshold = LEVELS.indexOf(env.LOG_LEVEL);
  const write = (level: (typeof LEVELS)[number], obj: object, msg: string) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const detail = Object.entries(obj)
      .filter(([, v]) => v !== undefined && (typeof v !== 'object' || v === null))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}${level}: ${msg}${detail ? ` (${detail})` : ''}\n`);
  };
  return { warn: (obj, msg) => write('warn', obj, msg), debug: (obj, msg) => write('debug', obj, msg) };
}

export interface KnownStore {
  storeHash: StoreHash;
  storeName: string | null;
  planLevel: string | null;
  currency: string | null;
  installed: boolean;
}

/** A store the database knows (installed or not); unknown is a usage error. */
export async function knownStore(rt: CliRuntime, storeHash: StoreHash): Promise<KnownStore> {
  const [row] = await rt.db
    .select({ storeName: stores.storeName, planLevel: stores.planLevel, currency: stores.currency, uninstalledAt: stores.uninstalledAt, token: stores.accessTokenEnc })
    .from(stores)
    .where(eq(stores.storeHash, storeHash));
  if (!row) throw new UsageError(`unknown store "${storeHash}" (connect it first: ledgerbridge connect --credentials <file>)`);
  return { storeHash, storeName: row.storeName, planLevel: row.planLevel, currency: row.currency, installed: row.uninstalledAt === null && row.token !== null };
}

/** Installed (connected) stores, by hash. */
export async function installedStores(rt: CliRuntime): Promise<StoreHash[]> {
  const rows = await rt.db.select({ storeHash: stores.storeHash }).from(stores).where(isNull(stores.uninstalledAt)).orderBy(stores.storeHash);
  return rows.map((r) => r.storeHash as StoreHash);
}

/** The store's accounting provider id without creating its sync row (status must not write). */
export async function providerOf(rt: CliRuntime, storeHash: StoreHash): Promise<string> {
  const [row] = await rt.db.select({ provider: storeSyncTable.provider }).from(storeSyncTable).where(and(eq(storeSyncTable.storeHash, storeHash)));
  return row?.provider ?? DEFAULT_PROVIDER;
}

export function bigCommerceClient(
  rt: CliRuntime,
  storeHash: StoreHash,
  accessToken: string,
  options: { apiUrl?: string; quick?: boolean } = {},
): BigCommerceClient {
  return createBigCommerceClient({
    fetch: rt.fetch,
    apiUrl: options.apiUrl ?? rt.env.BIGCOMMERCE_API_URL,
    storeHash,
    accessToken,
    log: rt.log,
    // A connection check answers within seconds: one retry, a short timeout, one wait for a rate limit.
    ...(options.quick ? { timeoutMs: 10_000, retry: { maxRetries: 1, maxRateLimitRetries: 1 } } : {}),
  });
}

/**
 * Everything a store's sync needs, as lib/context.ts builds it for the jobs (same repositories,
 * provider registry, settings and client), from the CLI's environment instead of the web app's.
 */
export async function cliStoreContext(rt: CliRuntime, storeHash: StoreHash) {
  const { db } = rt;
  const storeRepo = createStoreRepo({ db, encryptionKey: tokenKeys(rt.env) });
  const installed: InstalledStore | null = await storeRepo.findInstalled(storeHash);
  if (!installed) {
    await knownStore(rt, storeHash); // unknown → usage error
    throw new UsageError(`store "${storeHash}" is not connected (it was uninstalled); connect it again first`);
  }
  let accessToken: string | null;
  try {
    accessToken = await storeRepo.accessToken(storeHash);
  } catch (error) {
    const why = error instanceof UnknownKeyError ? error.message : 'TOKEN_ENCRYPTION_KEY is not the key the app uses';
    throw new CliError(`cannot decrypt the access token of store "${storeHash}": ${why}`, EXIT.usage);
  }
  if (!accessToken) throw new UsageError(`store "${storeHash}" has no access token; connect it again first`);
  // The same context the app's jobs build (lib/context.ts: one place decides the provider), from the CLI's
  // environment: a remote system's token refresh uses the app credentials set there (e.g. its client id and secret);
  // without them that store's orders wait with a message saying which variables to set.
  return createAppContext({ db, env: rt.env, fetch: rt.fetch, log: rt.log, client: (hash, token) => bigCommerceClient(rt, hash, token) }).storeContext(storeHash, {
    installed,
    accessToken,
  });
}

export type CliStoreContext = Awaited<ReturnType<typeof cliStoreContext>>;
