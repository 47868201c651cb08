import { env } from '@/lib/env';
import { openDatabase, type Database, type Db } from './client';

export type { Db, Database } from './client';
export { schema } from './client';

/**
 * The process-wide database. Kept on globalThis because Next.js may load this module once per route bundle,
 * and two PGlite instances on one folder would corrupt it.
 */
const holder = globalThis as unknown as { __ledgerbridgeDb?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  holder.__ledgerbridgeDb ??= openDatabase({
    url: env().DATABASE_URL,
    pgliteDir: env().PGLITE_DIR,
    max: env().DATABASE_POOL_SIZE,
    prepare: env().DATABASE_PREPARE === 'true',
  }).catch((error: unknown) => {
    holder.__ledgerbridgeDb = undefined;
    throw error;
  });
  return holder.__ledgerbridgeDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Tests swap the database for one they opened themselves. */
export function setDatabaseForTests(database: Database | undefined): void {
  holder.__ledgerbridgeDb = database ? Promise.resolve(database) : undefined;
}
