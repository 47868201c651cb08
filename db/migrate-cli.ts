// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded PGlite folder) and exits.
import { env } from '@/lib/env';
import { openDatabase } from './client';

const started = Date.now();
const { DATABASE_URL, PGLITE_DIR } = env();
const database = await openDatabase({ url: DATABASE_URL, pgliteDir: PGLITE_DIR });
await database.close();
console.log(`Migrations applied to ${database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : PGLITE_DIR} in ${Date.now() - started} ms`);
