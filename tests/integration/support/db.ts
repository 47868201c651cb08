import postgres from 'postgres';
import { openDatabase, type Database } from '@/db/client';

/**
 * A fresh, empty, migrated database for one test file: a new database on the server named by DATABASE_URL
 * (real Postgres, as CI runs it), or an in-memory PGlite when DATABASE_URL is unset.
 */
export interface TestDatabase extends Database {
  /** Closes the connection and drops the database (Postgres). */
  dispose(): Promise<void>;
  url: string | null;
}

export const usingRealPostgres = Boolean(process.env.DATABASE_URL);

export async function freshDatabase(label = 'lb'): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ pgliteDir: 'memory://' });
    return { ...database, url: null, dispose: () => database.close() };
  }
  const name = `${label}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), max: 5 });
  return {
    ...database,
    url: url.toString(),
    async dispose() {
      await database.close();
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}
