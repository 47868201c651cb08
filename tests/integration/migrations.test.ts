import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { freshDatabase, usingRealPostgres } from './support/db';

const expectedTables = ['audit_log', 'store_users', 'stores', 'users'];

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
}

async function tableNames(db: Awaited<ReturnType<typeof openDatabase>>['db']): Promise<string[]> {
  const result = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rowsOf(result).map((r) => String(r.table_name));
}

describe('migrations', () => {
  it('apply on an empty embedded PGlite database, and a second run is a no-op', async () => {
    const database = await openDatabase({ pgliteDir: 'memory://' });
    try {
      expect(await tableNames(database.db)).toEqual(expect.arrayContaining(expectedTables));
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(database.db as never, { migrationsFolder: 'drizzle' });
    } finally {
      await database.close();
    }
  });

  if (!usingRealPostgres) console.info('migrations on real Postgres: not run, DATABASE_URL is unset (CI sets it)');

  it.runIf(usingRealPostgres)('apply on an empty real Postgres database', async () => {
    const database = await freshDatabase('migrate');
    try {
      expect(await tableNames(database.db)).toEqual(expect.arrayContaining(expectedTables));
    } finally {
      await database.dispose();
    }
  });

  it.runIf(usingRealPostgres)('two instances starting at once do not race (advisory lock)', async () => {
    const database = await freshDatabase('migrate_race');
    try {
      // freshDatabase already migrated once; drop the bookkeeping so both instances see pending work again.
      await database.db.execute(sql`drop schema drizzle cascade`);
      await database.db.execute(sql`drop schema public cascade`);
      await database.db.execute(sql`create schema public`);
      const [a, b] = await Promise.all([
        openDatabase({ url: database.url!, max: 2 }),
        openDatabase({ url: database.url!, max: 2 }),
      ]);
      expect(await tableNames(a.db)).toEqual(expect.arrayContaining(expectedTables));
      const applied = rowsOf(await a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      const { readdirSync } = await import('node:fs');
      expect(applied[0]?.n).toBe(readdirSync('drizzle').filter((f) => f.endsWith('.sql')).length);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await database.dispose();
    }
  });
});
