/**
 * `ledgerbridge customers import` (issue 16) in-process, against the BigCommerce sandbox's GET /v3/customers (paged as
 * customers.v3.yml says: `page`, `limit`, `meta.pagination`; tests/sandbox/bigcommerce/resources/v3.ts) and a fresh
 * database with the built-in ledger: the dry run lists what would be created, updated (a customer the books know by
 * email gets linked) and left, and changes nothing; the run creates and links them with progress on stderr; a second
 * run leaves every one; --json says the same as one object (a changed email: lib/sync/customers-import.test.ts).
 */
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import { registerConnectedStore } from '@/lib/cli/commands/connect';
import { runInRuntime } from '@/lib/cli/run';
import type { CliRuntime } from '@/lib/cli/runtime';
import { tokenKeys } from '@/lib/context';
import { parseCliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { freshDatabase, type TestDatabase } from './support/db';

let testDb: TestDatabase;
let sandbox: BigCommerceSandbox;
let env: CliRuntime['env'];
let store: StoreHash;
let token: string;

async function admin<T>(pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function storeCustomers(): Promise<Array<{ id: number; email: string; first_name: string; last_name: string }>> {
  const all = [];
  for (let page = 1; ; page += 1) {
    const res = await fetch(`${sandbox.url}/stores/${store}/v3/customers?page=${page}&limit=250`, { headers: { 'x-auth-token': token, accept: 'application/json' } });
    const body = (await res.json()) as { data: Array<{ id: number; email: string; first_name: string; last_name: string }>; meta: { pagination: { total_pages: number } } };
    all.push(...body.data);
    if (page >= body.meta.pagination.total_pages) return all;
  }
}

beforeAll(async () => {
  testDb = await freshDatabase('cli_customers');
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'unused-app', clientSecret: 'unused-secret', appUrl: 'http://127.0.0.1:9' }] });
  const created = await admin<{ hash: string }>('/__sandbox/stores', { name: 'Customers store', currency: 'USD' });
  store = created.hash as StoreHash;
  const account = await admin<{ access_token: string }>(`/__sandbox/stores/${store}/api-accounts`, { scopes: 'store_v2_information_read_only store_v2_customers_read_only store_v2_orders' });
  token = account.access_token;
  await admin(`/__sandbox/stores/${store}/seed`, { products: 0, customers: 260, orders: 0, seed: 5 });
  env = parseCliEnv({ TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32), BIGCOMMERCE_API_URL: sandbox.url, LOG_LEVEL: 'warn' });
  await registerConnectedStore(
    { db: testDb.db, encryptionKey: tokenKeys(env) },
    {
      storeHash: store,
      accessToken: token,
      info: { hash: store, name: 'Customers store', currency: 'USD', decimalPlaces: 2, planLevel: 'Standard', timezone: null, pricesIncludeTax: false, adminEmail: null, secureUrl: null },
      clientId: null,
      clientName: null,
    },
  );
});

afterAll(async () => {
  await testDb?.dispose();
  await sandbox?.close();
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const rt: CliRuntime = { env, db: testDb.db, database: testDb, io: { stdout, stderr, cwd: process.cwd() }, log: { warn: () => {}, debug: () => {} }, fetch: (input, init) => fetch(input, init) };
  const code = await runInRuntime(rt, argv);
  return { code, stdout: out, stderr: err };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}
const ledgerCustomers = async () => rowsOf(await testDb.db.execute(sql`select id, bc_customer_id, email, display_name from ledger_customers where store_hash = ${store} order by id`));

describe('ledgerbridge customers import', () => {
  it('previews, creates and links the store\'s customers (every page), then leaves them', async () => {
    const customers = await storeCustomers();
    expect(customers.length).toBe(260); // more than one page of 250
    // One shopper the books already know by email, unlinked (an accountant's own entry).
    const known = customers[3]!;
    const ledger = createLedgerProvider({ db: testDb.db, storeHash: store });
    await ledger.ensureChart();
    const own = await ledger.upsertCustomer({
      match: 'new', remoteId: null, bcCustomerId: null, displayName: 'Accountant’s entry', email: known.email, company: '', phone: '',
      billingAddress: { firstName: '', lastName: '', company: '', street1: '', street2: '', city: '', state: '', zip: '', country: '', countryIso2: '', phone: '', email: known.email },
    });
    expect(own.ok).toBe(true);

    const dry = await cli('customers', 'import', '--store', store, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').filter((l) => l.startsWith('would create ')).length).toBe(259);
    expect(dry.stdout).toContain(`would update ${known.id}: Accountant’s entry <${known.email}>: linked to customer ${known.id}`);
    expect(dry.stdout).toContain('dry run: 260 customer(s) read: 259 to create, 1 to update, 0 left as they are');
    expect(await ledgerCustomers()).toHaveLength(1);

    const run = await cli('customers', 'import', '--store', store);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/customers import: written 260 of 260/);
    expect(run.stdout).toContain('the built-in ledger: 259 created, 1 updated, 0 refused');
    const rows = await ledgerCustomers();
    expect(rows).toHaveLength(260);
    expect(new Set(rows.map((r) => Number(r.bc_customer_id)))).toEqual(new Set(customers.map((c) => c.id)));
    expect(rows.find((r) => Number(r.bc_customer_id) === known.id)).toMatchObject({ display_name: 'Accountant’s entry' });

    const again = await cli('customers', 'import', '--store', store, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ dryRun: false, read: 260, create: [], update: [], unchanged: 260, created: 0, updated: 0 });
  });

  it('refuses an unknown store and a missing --store with a usage error', async () => {
    expect((await cli('customers', 'import')).code).toBe(2);
    expect((await cli('customers', 'import', '--store', 'nosuchstore')).code).toBe(2);
  });
});
