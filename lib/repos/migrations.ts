import path from 'node:path';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db';

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
}

/** One round trip. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/**
 * The folder timestamp (`when` in drizzle/meta/_journal.json) of the newest migration drizzle has recorded, or null
 * when none has run. drizzle's migrator writes it as `created_at` and applies only what is newer.
 */
export async function latestAppliedMigration(db: Db): Promise<number | null> {
  const rows = rowsOf(
    await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`),
  );
  if (rows[0]?.present !== true) return null;
  const latest = rowsOf(await db.execute(sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`));
  const value = latest[0]?.latest;
  return typeof value === 'string' ? Number(value) : null;
}

const journalSchema = z.object({
  entries: z.array(z.object({ tag: z.string(), when: z.number() })).min(1),
});

let shipped: { tag: string; when: number } | undefined;

/** The newest migration in drizzle/ (the folder db/client.ts migrates from), read once. */
export function latestShippedMigration(folder = path.join(process.cwd(), 'drizzle')): { tag: string; when: number } {
  if (shipped) return shipped;
  const journal = journalSchema.parse(JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')));
  const newest = journal.entries.reduce((a, b) => (b.when > a.when ? b : a));
  shipped = { tag: newest.tag, when: newest.when };
  return shipped;
}
