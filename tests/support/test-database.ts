/**
 * Test support (used by tests/integration/ledger*.test.ts and tests/bench/ledger-post.bench.ts). Opens a migrated database of our own: with DATABASE_URL, a fresh database created
 * on that server and dropped afterwards (so migrations and tables never collide with other suites);
 * otherwise an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '@/db/client';

export interface TestDatabase extends Database {
  /** The URL of the private database (null for PGlite). */
  url: string | null;
}

export async function openTestDatabase(options: { url?: string; max?: number; prefix?: string } = {}): Promise<TestDatabase> {
  const adminUrl = options.url ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    const db = await openDatabase({ pgliteDir: 'memory://' });
    return { ...db, url: null };
  }
  const { default: postgres } = await import('postgres');
  const name = `${options.prefix ?? 'lb_ledger'}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let url = adminUrl;
  let created = false;
  try {
    await admin.unsafe(`create database "${name}"`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    created = true;
  } catch (error) {
    // No CREATEDB privilege: fall back to the shared database; tests use unique store hashes there.
    console.warn(`could not create a private test database (${(error as Error).message}); using ${adminUrl}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const db = await openDatabase({ url, max: options.max });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      if (!created) return;
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}

export function uniqueStoreHash(prefix = 'st'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
