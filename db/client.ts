import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export { schema };
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Any constant works; it only has to be the same in every instance of the app and the CLI. */
const MIGRATION_LOCK_KEY = 7_240_113_001;
const migrationsFolder = path.join(process.cwd(), 'drizzle');

export interface OpenOptions {
  /** postgres:// URL; when absent an embedded PGlite database is opened in `pgliteDir`. */
  url?: string;
  pgliteDir?: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** postgres.js pool size (default 10). */
  max?: number;
  /** Named prepared statements for the app's queries (default true; see preparing()). */
  prepare?: boolean;
}

/** Opens a database and applies pending migrations under an advisory lock, so two instances cannot race. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.url
    ? await openPostgres(options.url, options.max ?? 10, options.prepare ?? true)
    : await openPglite(options.pgliteDir ?? '.data/pglite');
  if (options.migrate !== false) {
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return { db: database.db, kind: database.kind, close: database.close };
}

/**
 * The postgres.js client with every query of drizzle's sent as a named prepared statement. drizzle asks for an unnamed
 * one unless a query is built with its own `.prepare(name)` (drizzle-orm/postgres-js/session.js: `prepare: name !==
 * undefined`), so Postgres parsed and planned each of the app's statements every time; postgres.js prepares a query
 * once per connection and then sends only its parameters (https://github.com/porsager/postgres#prepared-statements).
 * The app's queries are a few dozen fixed texts. Transactions and savepoints get the same client. Off with
 * DATABASE_PREPARE=false, for a pooler that does not support prepared statements (PgBouncer in transaction mode before
 * 1.21).
 */
function preparing<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          (value as (...args: unknown[]) => unknown).call(target, query, params, { ...options, prepare: true });
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const work = args[last] as (inner: object) => unknown;
          args[last] = (inner: object) => work(preparing(inner));
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
}

async function openPostgres(url: string, max: number, prepare: boolean) {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(prepare ? preparing(client) : client, { schema });
  // Migrations as written (a file's chunk may hold several statements, which cannot be prepared).
  const migrationsDb = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres' as const,
    close: () => client.end({ timeout: 5 }),
    async migrate() {
      // The lock is held by one reserved connection for the whole run; other instances wait on it.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(migrationsDb, { migrationsFolder });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
        reserved.release();
      }
    },
  };
}

async function openPglite(dir: string) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let client: InstanceType<typeof PGlite>;
  if (dir === 'memory://') {
    client = new PGlite();
  } else {
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite' as const,
    close: () => client.close(),
    async migrate() {
      // PGlite is single-connection and single-process; the lock only documents intent.
      await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      try {
        await migrate(db, { migrationsFolder });
      } finally {
        await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      }
    },
  };
}
