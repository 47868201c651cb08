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
}

/** Opens a database and applies pending migrations under an advisory lock, so two instances cannot race. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.url
    ? await openPostgres(options.url, options.max ?? 10)
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

async function openPostgres(url: string, max: number) {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres' as const,
    close: () => client.end({ timeout: 5 }),
    async migrate() {
      // The lock is held by one reserved connection for the whole run; other instances wait on it.
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(db, { migrationsFolder });
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
