import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgliteServer, type PgliteServer } from './pglite-server';

let db: PGlite;
let server: PgliteServer;

beforeAll(async () => {
  db = new PGlite();
  server = await startPgliteServer({ db });
  await db.exec('create table entries (id serial primary key, who text not null, n int not null)');
}, 60_000);
afterAll(async () => {
  await server.close();
  await db.close();
});

describe('the demo database server (one PGlite, many clients)', () => {
  it('two processes worth of clients read each other’s writes at once', async () => {
    const app = postgres(server.url, { max: 4, onnotice: () => {} });
    const cli = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => app`insert into entries (who, n) values ('app', ${i})`));
      const [row] = await cli<Array<{ count: string }>>`select count(*)::text as count from entries where who = 'app'`;
      expect(row!.count).toBe('20');
    } finally {
      await app.end();
      await cli.end();
    }
  });

  it('a transaction runs alone: another client’s statements wait for its commit, a rollback leaves nothing', async () => {
    const a = postgres(server.url, { max: 2, onnotice: () => {} });
    const b = postgres(server.url, { max: 2, onnotice: () => {} });
    try {
      const seen: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const tx = a.begin(async (sql) => {
        await sql`insert into entries (who, n) values ('tx', 1)`;
        seen.push('tx inserted');
        await held;
        await sql`insert into entries (who, n) values ('tx', 2)`;
        seen.push('tx done');
      });
      await new Promise((r) => setTimeout(r, 100));
      const outside = b`select count(*)::int as count from entries where who = 'tx'`.then((rows) => {
        seen.push(`outside saw ${rows[0]!.count}`);
      });
      await new Promise((r) => setTimeout(r, 200));
      release();
      await Promise.all([tx, outside]);
      expect(seen).toEqual(['tx inserted', 'tx done', 'outside saw 2']);

      await expect(
        a.begin(async (sql) => {
          await sql`insert into entries (who, n) values ('rolled back', 1)`;
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      const [row] = await b<Array<{ count: number }>>`select count(*)::int as count from entries where who = 'rolled back'`;
      expect(row!.count).toBe(0);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a client that disconnects inside a transaction leaves it rolled back and the database free', async () => {
    const a = postgres(server.url, { max: 1, onnotice: () => {} });
    const reserved = await a.reserve();
    await reserved`begin`;
    await reserved`insert into entries (who, n) values ('abandoned', 1)`;
    await a.end({ timeout: 0 });
    const b = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await b<Array<{ count: number }>>`select count(*)::int as count from entries where who = 'abandoned'`;
      expect(row!.count).toBe(0);
    } finally {
      await b.end();
    }
  });
});
