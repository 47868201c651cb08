/**
 * `ledgerbridge` as a user runs it: the real CLI in a child process (`node --import tsx lib/cli/main.ts`) against the
 * BigCommerce sandbox and a fresh database (real Postgres when DATABASE_URL is set, else a PGlite folder the child
 * opens; this file then opens it only between child runs, never at the same time).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Db } from '@/db/client';
import { auditLog, backfills, ledgerEntries, storeUsers, stores, syncRecords } from '@/db/schema';
import type { StoreHash } from '@/lib/ids';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import { createSettingsRepo } from '@/lib/repos/settings';
import { registerConnectedStore } from '@/lib/cli/commands/connect';
import { tokenKeys } from '@/lib/context';
import { parseCliEnv } from '@/lib/env';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '@/tests/sandbox/bigcommerce/server';
import { freshDatabase, type TestDatabase } from './support/db';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const ENCRYPTION_KEY = 'cd'.repeat(32);
// Every scope the app needs (BIGCOMMERCE_REQUIRED_SCOPES): `connect` refuses an account without one.
const SCOPES = 'store_v2_orders store_v2_information_read_only store_v2_products store_v2_customers_read_only store_inventory store_v2_transactions_read_only';
const IMPORT_STATUS = 11; // the default settings post Awaiting Fulfillment orders
const REFUNDED = [4, 14];

let sandbox: BigCommerceSandbox;
let testDb: TestDatabase;
let pgliteDir: string | null = null;
let work: string;

beforeAll(async () => {
  // No marketplace app takes part: the CLI connects with a store-level API account.
  sandbox = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'unused-app', clientSecret: 'unused-secret', appUrl: 'http://127.0.0.1:9' }] });
  testDb = await freshDatabase('cli');
  work = mkdtempSync(path.join(tmpdir(), 'lb-cli-'));
  if (!testDb.url) {
    // The in-memory database is of no use to a child process: the child gets a folder of its own.
    await testDb.dispose();
    pgliteDir = path.join(work, 'pglite');
  }
});

afterAll(async () => {
  await sandbox?.close();
  if (testDb?.url) await testDb.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs `fn` with the database the children use (PGlite: opened only for `fn`, while no child runs). */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (testDb.url) return fn(testDb.db);
  const database: Database = await openDatabase({ pgliteDir: pgliteDir! });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // Only what the CLI needs: no BIGCOMMERCE_CLIENT_ID, SESSION_SECRET or APP_URL (the web app's settings).
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    BIGCOMMERCE_API_URL: sandbox.url,
    LOG_LEVEL: 'warn',
    ...(testDb.url ? { DATABASE_URL: testDb.url } : { PGLITE_DIR: pgliteDir! }),
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env as NodeJS.ProcessEnv;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = childEnv()): { child: ChildProcess; done: Promise<Run>; stderrSoFar: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderrSoFar: () => stderr };
}

const cli = (args: string[], env?: NodeJS.ProcessEnv) => start(args, env).done;

async function admin<T>(pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

interface SandboxStore {
  hash: StoreHash;
  token: string;
  credentialsFile: string;
}

async function storeWithOrders(orders: number, seed: number): Promise<SandboxStore> {
  const { hash } = await admin<{ hash: string }>('/__sandbox/stores', { name: `CLI store ${seed}`, currency: 'USD' });
  const account = await admin<{ access_token: string; credentials_text: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: SCOPES });
  if (orders > 0) await admin(`/__sandbox/stores/${hash}/seed`, { products: 20, customers: 30, orders, seed });
  const credentialsFile = path.join(work, `${hash}.txt`);
  // As downloaded from the control panel: CRLF line ends.
  writeFileSync(credentialsFile, account.credentials_text.replace(/\n/g, '\r\n'));
  return { hash: hash as StoreHash, token: account.access_token, credentialsFile };
}

async function storeApi<T>(store: SandboxStore, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}/stores/${store.hash}${pathname}`, {
    method,
    headers: { 'x-auth-token': store.token, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Every order of the store (id and status), straight from the sandbox. */
async function allOrders(store: SandboxStore): Promise<Array<{ id: number; status_id: number }>> {
  const all: Array<{ id: number; status_id: number }> = [];
  for (let page = 1; ; page += 1) {
    const { body } = await storeApi<Array<{ id: number; status_id: number }> | null>(store, 'GET', `/v2/orders?limit=250&page=${page}`);
    if (!body || body.length === 0) break;
    all.push(...body);
    if (body.length < 250) break;
  }
  return all;
}

/** Sales documents (payments, credits and refunds aside) per order id. */
async function entriesPerOrder(db: Db, hash: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ orderId: ledgerEntries.orderId, n: count() })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.storeHash, hash), inArray(ledgerEntries.kind, ['invoice', 'sales_receipt', 'sales_order'])))
    .groupBy(ledgerEntries.orderId);
  return new Map(rows.map((r) => [Number(r.orderId), Number(r.n)]));
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

function expectOneLineError(run: Run, pattern: RegExp) {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ledgerbridge: /);
  expect(lines[0]).toMatch(pattern);
}

describe('ledgerbridge CLI', () => {
  let store: SandboxStore;
  let eligible: number[];
  let posted: number[] = [];
  let held: number[] = [];

  it('connects a store from its API credentials file, without users, token encrypted', async () => {
    store = await storeWithOrders(300, 7);
    const run = await cli(['connect', '--credentials', store.credentialsFile]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(store.hash);
    expect(lines[0]).toContain('CLI store 7');
    expect(lines[0]).toMatch(/plan \S+/);
    expect(lines[0]).toContain('USD');

    await withDb(async (db) => {
      const [row] = await db.select().from(stores).where(eq(stores.storeHash, store.hash));
      expect(row?.accessTokenEnc).toBeTruthy();
      expect(row?.accessTokenEnc).not.toContain(store.token);
      expect(row?.currency).toBe('USD');
      expect(row?.uninstalledAt).toBeNull();
      const audit = await db.select().from(auditLog).where(eq(auditLog.storeHash, store.hash));
      expect(audit.map((a) => a.action)).toEqual(['store.connected']);
      expect(JSON.stringify(audit)).not.toContain(store.token);
      expect(await db.select().from(storeUsers).where(eq(storeUsers.storeHash, store.hash))).toHaveLength(0);
    });
  });

  it('syncs 300 orders: each eligible order posted once (or held with its reason), the rest skipped, progress on stderr', async () => {
    const orders = await allOrders(store);
    expect(orders).toHaveLength(300);
    // Orders in the import status, and those refunded (the seed refunds every order it leaves Refunded or Partially
    // Refunded): their money came in and went out, so they are posted with their refunds.
    eligible = orders.filter((o) => o.status_id === IMPORT_STATUS || REFUNDED.includes(o.status_id)).map((o) => o.id);
    expect(eligible.length).toBeGreaterThan(20);
    expect(orders.some((o) => REFUNDED.includes(o.status_id))).toBe(true);

    const run = await cli(['sync', '--store', store.hash, '--since', daysAgo(90)]);
    expect(run.code, run.stderr).toBe(0);
    // Not a terminal: one plain progress line per page, with the total from /v2/orders/count.
    expect(run.stderr).toMatch(/^page 1: seen 250\/300, posted \d+, skipped \d+, failed \d+/m);
    expect(run.stderr).toMatch(/^page 2: seen 300\/300, /m);

    await withDb(async (db) => {
      const records = await db.select().from(syncRecords).where(eq(syncRecords.storeHash, store.hash));
      expect(records).toHaveLength(300);
      const stateOf = new Map(records.map((r) => [r.orderId, r]));
      posted = eligible.filter((id) => stateOf.get(id)?.state === 'posted');
      held = eligible.filter((id) => stateOf.get(id)?.state === 'held');
      // Every eligible order is in the books or held with a reason the merchant can act on; nothing else.
      expect(posted.length + held.length).toBe(eligible.length);
      expect(posted.length).toBeGreaterThan(0);
      for (const id of held) expect(stateOf.get(id)?.message, `order ${id}`).toBeTruthy();
      expect(records.filter((r) => !eligible.includes(r.orderId)).every((r) => r.state === 'skipped')).toBe(true);

      const perOrder = await entriesPerOrder(db, store.hash);
      for (const id of posted) expect(perOrder.get(id), `order ${id}`).toBe(1);
      expect([...perOrder.keys()].sort()).toEqual([...posted].sort());
      const [backfill] = await db.select().from(backfills).where(eq(backfills.storeHash, store.hash));
      expect(backfill).toMatchObject({ status: 'completed', seen: 300, total: 300, nextPage: 3, posted: posted.length, failed: held.length });
    });
    expect(run.stdout).toBe(
      `Backfill #1 of store ${store.hash} completed: seen 300, posted ${posted.length}, skipped ${300 - eligible.length}, failed ${held.length}\n`,
    );
  });

  it('a second sync posts nothing more', async () => {
    const before = await withDb(async (db) => db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.storeHash, store.hash)));
    const run = await cli(['sync', '--store', store.hash, '--since', daysAgo(90)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`completed: seen 300, posted 0, skipped ${300 - held.length}, failed ${held.length}`));
    await withDb(async (db) => {
      const after = await db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.storeHash, store.hash));
      expect(after.length).toBe(before.length);
      const perOrder = await entriesPerOrder(db, store.hash);
      expect([...perOrder.keys()].sort()).toEqual([...posted].sort());
      expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    });
  });

  it('status --json has exactly the contract shape and the counts', async () => {
    const run = await cli(['status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const parsed = JSON.parse(run.stdout) as { stores: Array<Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['stores']);
    const mine = parsed.stores.find((s) => s.hash === store.hash);
    expect(mine).toEqual({
      hash: store.hash,
      provider: 'ledger',
      orders: { posted: posted.length, pending: 0, failed: held.length, skipped: 300 - eligible.length },
    });
    expect(Object.keys(mine!)).toEqual(['hash', 'provider', 'orders']);
    expect(Object.keys(mine!.orders as object)).toEqual(['posted', 'pending', 'failed', 'skipped']);

    const one = await cli(['status', '--store', store.hash, '--json']);
    expect(JSON.parse(one.stdout)).toEqual({ stores: [mine] });

    const human = await cli(['status', '--store', store.hash]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(store.hash);
    expect(human.stdout).toMatch(/connection: ok/);
    expect(human.stdout).toMatch(new RegExp(`posted ${posted.length}, pending 0, failed 0, held ${held.length}, skipped ${300 - eligible.length}`));
    expect(human.stdout).toMatch(/backfill: +#\d+ completed/);
    if (held.length > 0) expect(human.stdout).toMatch(new RegExp(`last errors:\\n    order \\d+ held `));
  });

  it('settings set changes keys together and settings get reads them back; a bad value is one line on stderr, exit 2, nothing saved', async () => {
    const set = await cli(['settings', 'set', '--store', store.hash, 'document.dueDays=30', 'orders.voidStatusIds=5,6', 'stock.locations=[{"from":1,"to":1}]']);
    expect(set.code, set.stderr).toBe(0);
    const json = await cli(['settings', 'get', '--store', store.hash, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const settings = JSON.parse(json.stdout) as { document: { dueDays: number }; orders: { voidStatusIds: number[] } };
    expect(settings.document.dueDays).toBe(30);
    expect(settings.orders.voidStatusIds).toEqual([5, 6]);
    const text = await cli(['settings', 'get', '--store', store.hash]);
    expect(text.stdout).toMatch(/^document\.dueDays = 30$/m);
    expect(text.stdout).toMatch(/^orders\.voidStatusIds = 5,6$/m);

    const versions = async () => withDb(async (db) => (await createSettingsRepo({ db }).current(store.hash)).version);
    const before = await versions();
    expectOneLineError(await cli(['settings', 'set', '--store', store.hash, 'stock.enabled=true', 'document.dueDays=400']), /^ledgerbridge: settings: document\.dueDays: /);
    expectOneLineError(await cli(['settings', 'set', '--store', store.hash, 'document.nope=1']), /^ledgerbridge: settings: document\.nope: no such setting/);
    expect(await versions()).toBe(before);
    // Back to what the rest of this file expects.
    expect((await cli(['settings', 'set', '--store', store.hash, 'document.dueDays=0', 'orders.voidStatusIds=5'])).code).toBe(0);
  });

  it('retry posts one order now, holds one with a problem, and skips what is already done', async () => {
    const billing = { first_name: 'Ada', last_name: 'Lovelace', street_1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US', email: 'ada@example.com' };
    const created = await storeApi<{ id: number }>(store, 'POST', '/v2/orders', {
      customer_id: 0,
      status_id: IMPORT_STATUS,
      billing_address: billing,
      products: [{ name: 'Unmapped thing', sku: 'NO-SUCH-SKU', quantity: 1, price_ex_tax: '10.00', price_inc_tax: '10.00' }],
    });
    expect(created.status).toBeLessThan(300);
    const orderId = created.body.id;

    // A missing SKU must hold the order: the CLI prints why and exits 1; nothing is posted.
    await withDb(async (db) => {
      const repo = createSettingsRepo({ db });
      const current = await repo.current(store.hash);
      const saved = await repo.save(store.hash, { ...current.settings, items: { missingSku: 'fail' } }, { expectedVersion: current.version });
      expect(saved.ok).toBe(true);
    });
    const held = await cli(['retry', '--store', store.hash, '--order', String(orderId)]);
    expect(held.code, held.stderr).toBe(1);
    expect(held.stdout).toMatch(new RegExp(`^order ${orderId}: held: .*NO-SUCH-SKU`));

    // Fixed (post lines without an item): a retry posts it, once.
    await withDb(async (db) => {
      const repo = createSettingsRepo({ db });
      const current = await repo.current(store.hash);
      const saved = await repo.save(store.hash, { ...current.settings, items: { missingSku: 'post_without_item' } }, { expectedVersion: current.version });
      expect(saved.ok).toBe(true);
    });
    const posted = await cli(['retry', '--store', store.hash, '--order', String(orderId)]);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).toBe(`order ${orderId}: posted as BC-${orderId}\n`);

    const again = await cli(['retry', '--store', store.hash, '--order', String(orderId)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^order ${orderId}: skipped: `));
    await withDb(async (db) => expect((await entriesPerOrder(db, store.hash)).get(orderId)).toBe(1));

    const missing = await cli(['retry', '--store', store.hash, '--order', '99999999']);
    expectOneLineError(missing, /order 99999999 does not exist/);
  });

  it('exports the books to a file that hledger accepts, to stdout as CSV, and filters by date', async () => {
    const out = path.join(work, 'exports', 'books.journal');
    mkdirSync(path.dirname(out), { recursive: true });
    const run = await cli(['export', '--store', store.hash, '--format', 'hledger', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const journal = readFileSync(out, 'utf8');
    expect(journal.length).toBeGreaterThan(0);
    // No temporary file left behind.
    expect(readdirSync(path.dirname(out))).toEqual(['books.journal']);
    const hledger = spawnSync('hledger', ['--version']);
    if (hledger.error) {
      console.log('hledger is not installed: skipping `hledger check` of the export (apt-get install hledger)');
    } else {
      const check = spawnSync('hledger', ['-f', out, 'check'], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    }

    const csv = await cli(['export', '--store', store.hash, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(posted.length);

    const future = await cli(['export', '--store', store.hash, '--format', 'csv', '--from', daysAgo(-10)]);
    expect(future.code).toBe(0);
    expect(future.stdout.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1); // the header at most

    const beancount = await cli(['export', '--store', store.hash, '--format', 'beancount']);
    expect(beancount.code, beancount.stderr).toBe(0);
    expect(beancount.stdout).toMatch(/open /);
  });

  it('Ctrl-C stops after the current page and says how to resume; the next sync continues from its page', async () => {
    const big = await storeWithOrders(600, 11);
    expect((await cli(['connect', '--credentials', big.credentialsFile])).code).toBe(0);
    // Slow listing pages down so the interrupt lands mid-backfill.
    await admin(`/__sandbox/stores/${big.hash}/faults`, { rules: [{ route: 'GET /v2/orders', delayMs: 1500 }] });

    const first = start(['sync', '--store', big.hash, '--since', daysAgo(90)]);
    const deadline = Date.now() + 60_000;
    while (!/^page 1: /m.test(first.stderrSoFar()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(new RegExp(`Stopped after page 2\\. Resume with: ledgerbridge sync --store ${big.hash}`));
    await withDb(async (db) => {
      const [row] = await db.select().from(backfills).where(eq(backfills.storeHash, big.hash));
      expect(row).toMatchObject({ status: 'running', nextPage: 3, seen: 500 });
    });

    await admin(`/__sandbox/stores/${big.hash}/faults`, {});
    const resumed = await cli(['sync', '--store', big.hash]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming backfill #\d+ .* at page 3/);
    expect(resumed.stdout).toMatch(/completed: seen 600, /);
    expect(resumed.stderr).not.toMatch(/^page [12]: /m);

    const orders = await allOrders(big);
    const wanted = orders.filter((o) => o.status_id === IMPORT_STATUS || REFUNDED.includes(o.status_id)).map((o) => o.id);
    await withDb(async (db) => {
      const records = await db.select().from(syncRecords).where(eq(syncRecords.storeHash, big.hash));
      expect(records).toHaveLength(600);
      const bigPosted = records.filter((r) => r.state === 'posted').map((r) => r.orderId);
      const bigHeld = records.filter((r) => r.state === 'held').map((r) => r.orderId);
      expect([...bigPosted, ...bigHeld].sort()).toEqual([...wanted].sort());
      const perOrder = await entriesPerOrder(db, big.hash);
      expect([...perOrder.keys()].sort()).toEqual(bigPosted.sort());
      expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    });
  });

  describe('every error path: one line on stderr, exit code 2, nothing written', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no command', [], /missing command/],
      ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
      ['an unknown option', ['status', '--verbose'], /Unknown option '--verbose'/],
      ['a stray argument', ['sync', 'abc'], /Unexpected argument 'abc'/],
      ['a missing --store', ['sync'], /--store <hash> is required/],
      ['a malformed store hash', ['sync', '--store', 'Not/A/Hash'], /not a store hash/],
      ['an impossible date', ['sync', '--store', 'abc', '--since', '2024-02-30'], /not a date/],
      ['a date in the future', ['sync', '--store', 'abc', '--since', '2999-01-01'], /in the future/],
      ['a bad order id', ['retry', '--store', 'abc', '--order', '12x'], /not an order id/],
      ['a bad format', ['export', '--store', 'abc', '--format', 'xlsx'], /--format must be one of/],
      ['--from after --to', ['export', '--store', 'abc', '--format', 'csv', '--from', '2024-05-01', '--to', '2024-04-01'], /is after --to/],
      ['a missing --credentials', ['connect'], /--credentials <file> is required/],
    ];
    it('bad arguments: ' + cases.map(([what]) => what).join(', '), async () => {
      // Independent runs that touch nothing: in parallel, to keep the file fast.
      const runs = await Promise.all(cases.map(([, args]) => cli(args)));
      runs.forEach((run, i) => {
        const [what, , pattern] = cases[i]!;
        try {
          expectOneLineError(run, pattern);
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message}`);
        }
      });
    });

    it('unknown stores, for every command that takes one', async () => {
      for (const args of [
        ['sync', '--store', 'nosuchstore'],
        ['status', '--store', 'nosuchstore'],
        ['retry', '--store', 'nosuchstore', '--order', '1'],
        ['export', '--store', 'nosuchstore', '--format', 'csv'],
      ]) {
        expectOneLineError(await cli(args), /unknown store "nosuchstore"/);
      }
    });

    it('unreadable, malformed and refused credentials files register nothing', async () => {
      const before = await withDb(async (db) => (await db.select({ n: count() }).from(stores))[0]!.n);
      const other = await storeWithOrders(0, 3);
      const garbage = path.join(work, 'garbage.txt');
      writeFileSync(garbage, 'hello\nthis is not it\n');
      const badPath = path.join(work, 'bad-path.txt');
      writeFileSync(badPath, readFileSync(other.credentialsFile, 'utf8').replace(/API PATH: .*/, 'API PATH: https://example.com/nothing/'));
      const wrongToken = path.join(work, 'wrong-token.txt');
      writeFileSync(wrongToken, readFileSync(other.credentialsFile, 'utf8').replace(/ACCESS TOKEN: .*/, 'ACCESS TOKEN: abcdefghijklmnopqrstuvwxyz01234'));
      const elsewhere = path.join(work, 'elsewhere.txt');
      writeFileSync(elsewhere, readFileSync(other.credentialsFile, 'utf8').replace(sandbox.url, 'https://api.example.net'));

      expectOneLineError(await cli(['connect', '--credentials', path.join(work, 'absent.txt')]), /cannot read .*absent\.txt: no such file/);
      expectOneLineError(await cli(['connect', '--credentials', work]), /is not a file/);
      expectOneLineError(await cli(['connect', '--credentials', garbage]), /not a BigCommerce API credentials file: no ACCESS TOKEN and no API PATH line/);
      expectOneLineError(await cli(['connect', '--credentials', badPath]), /API PATH .* does not look like/);
      expectOneLineError(await cli(['connect', '--credentials', wrongToken]), /refused the access token/);
      expectOneLineError(await cli(['connect', '--credentials', elsewhere]), /BIGCOMMERCE_API_URL/);

      await withDb(async (db) => {
        expect((await db.select({ n: count() }).from(stores))[0]!.n).toBe(before);
        expect(await db.select().from(auditLog).where(eq(auditLog.storeHash, other.hash))).toHaveLength(0);
      });
    });

    it('an API account without every scope the app needs replaces nothing and names what is missing; status calls such a token refused', async () => {
      const tokenOf = () => withDb(async (db) => (await db.select().from(stores).where(eq(stores.storeHash, store.hash)))[0]!.accessTokenEnc);
      const auditOf = () => withDb(async (db) => db.select().from(auditLog).where(eq(auditLog.storeHash, store.hash)));
      const [tokenBefore, auditBefore] = [await tokenOf(), (await auditOf()).length];
      // Information only: GET /v2/store answers, the next sync would not.
      const infoOnly = await admin<{ access_token: string; credentials_text: string }>(`/__sandbox/stores/${store.hash}/api-accounts`, {
        scopes: 'store_v2_information_read_only',
      });
      const file = path.join(work, `${store.hash}-info-only.txt`);
      writeFileSync(file, infoOnly.credentials_text);
      expectOneLineError(
        await cli(['connect', '--credentials', file]),
        /lacks scopes the app needs: Orders: modify \(store_v2_orders\), Products: modify \(store_v2_products\), Customers: read-only \(store_v2_customers_read_only\), Inventory: modify \(store_inventory\), Order Transactions: read-only \(store_v2_transactions_read_only\); nothing was changed/,
      );
      // Read-only orders: status write-back would be refused.
      const readOnly = await admin<{ credentials_text: string }>(`/__sandbox/stores/${store.hash}/api-accounts`, {
        scopes: SCOPES.replace('store_v2_orders ', 'store_v2_orders_read_only '),
      });
      writeFileSync(file, readOnly.credentials_text);
      expectOneLineError(await cli(['connect', '--credentials', file]), /lacks a scope the app needs: Orders: modify \(store_v2_orders\); nothing was changed/);
      expect(await tokenOf()).toBe(tokenBefore);
      expect(await auditOf()).toHaveLength(auditBefore);
      expect((await cli(['status', '--store', store.hash])).stdout).toMatch(/connection: ok/);

      // Stores whose stored token BigCommerce refuses: one lacking scopes (connected before connect checked them), one unknown.
      const limited = await storeWithOrders(0, 21);
      const unknown = await storeWithOrders(0, 22);
      const limitedToken = (await admin<{ access_token: string }>(`/__sandbox/stores/${limited.hash}/api-accounts`, { scopes: 'store_v2_information_read_only' })).access_token;
      await withDb(async (db) => {
        const info = { name: 'Limited', currency: 'USD', decimalPlaces: 2, planLevel: 'Standard', timezone: null, pricesIncludeTax: null, adminEmail: null, secureUrl: null };
        const deps = { db, encryptionKey: tokenKeys(parseCliEnv({ TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY })) };
        await registerConnectedStore(deps, { storeHash: limited.hash, accessToken: limitedToken, info: { ...info, hash: limited.hash }, clientId: null, clientName: null });
        await registerConnectedStore(deps, { storeHash: unknown.hash, accessToken: 'abcdefghijklmnopqrstuvwxyz01234', info: { ...info, hash: unknown.hash }, clientId: null, clientName: null });
      });
      const refused = await cli(['status', '--store', limited.hash]);
      expect(refused.code, refused.stderr).toBe(0);
      expect(refused.stdout).toMatch(/connection: refused: the token lacks Orders: modify \(store_v2_orders\), .*Order Transactions: read-only \(store_v2_transactions_read_only\)\n/);
      const revoked = await cli(['status', '--store', unknown.hash]);
      expect(revoked.stdout).toMatch(/connection: refused: BigCommerce refused the access token/);
    });

    it('an export to a missing directory writes nothing', async () => {
      const out = path.join(work, 'no-such-dir', 'books.csv');
      expectOneLineError(await cli(['export', '--store', store.hash, '--format', 'csv', '--out', out]), /directory .* does not exist/);
      expect(existsSync(path.dirname(out))).toBe(false);
    });

    it('a missing encryption key', async () => {
      expectOneLineError(await cli(['status'], childEnv({ TOKEN_ENCRYPTION_KEY: undefined })), /TOKEN_ENCRYPTION_KEY is required/);
    });
  });

  it('--help for each command, on stdout, exit 0', async () => {
    for (const command of ['connect', 'status', 'sync', 'retry', 'export']) {
      const run = await cli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: ledgerbridge ${command}`));
    }
    const general = await cli(['--help']);
    expect(general.stdout).toMatch(/^Usage: ledgerbridge <command>/);
  });

  it('lib/cli/bin.mjs runs the CLI from another directory, resolving paths where it was run', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'lb-cli-cwd-'));
    try {
      const run = spawnSync(process.execPath, [path.join(repoRoot, 'lib/cli/bin.mjs'), 'export', '--store', store.hash, '--format', 'csv', '--out', 'books.csv'], {
        cwd: elsewhere,
        env: childEnv(),
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(path.join(elsewhere, 'books.csv'), 'utf8').split('\n')[0]).toMatch(/date/i);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('ledgerbridge stock and items commands', () => {
  it('items import creates exactly the missing SKUs (dry run first, idempotent); stock set and stock push reach BigCommerce inventory', async () => {
    const { hash } = await admin<{ hash: string }>('/__sandbox/stores', { name: 'CLI stock store', currency: 'USD' });
    const account = await admin<{ access_token: string; credentials_text: string }>(`/__sandbox/stores/${hash}/api-accounts`, {
      scopes: `${SCOPES} store_inventory`,
    });
    await admin(`/__sandbox/stores/${hash}/seed`, { products: 10, customers: 0, orders: 0, seed: 3 });
    const credentialsFile = path.join(work, `${hash}-stock.txt`);
    writeFileSync(credentialsFile, account.credentials_text);
    expect((await cli(['connect', '--credentials', credentialsFile])).code).toBe(0);

    const dry = await cli(['items', 'import', '--store', hash, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const wouldCreate = dry.stdout.split('\n').filter((l) => l.startsWith('would create '));
    expect(wouldCreate.length).toBeGreaterThan(10); // products and their variants
    expect(await withDb((db) => createLedgerProviderFor(db, hash).findItemsBySku(['x']))).toMatchObject({ ok: true, value: [] });

    const run = await cli(['items', 'import', '--store', hash]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${wouldCreate.length} to create`);
    const again = await cli(['items', 'import', '--store', hash]);
    expect(again.stdout).toContain(`0 to create, 0 to update, ${wouldCreate.length} unchanged`);

    // A product-tracked SKU: its level goes out on the next push.
    const products = await fetch(`${sandbox.url}/stores/${hash}/v3/catalog/products?include=variants`, { headers: { 'x-auth-token': account.access_token } });
    const tracked = ((await products.json()) as { data: Array<{ sku: string; inventory_tracking: string; variants: unknown[] }> }).data.find(
      (p) => p.inventory_tracking === 'product' && p.variants.length === 1,
    )!;
    const set = await cli(['stock', 'set', '--store', hash, '--sku', tracked.sku, '--qty', '23']);
    expect(set.code, set.stderr).toBe(0);
    expect((await cli(['stock', 'set', '--store', hash, '--sku', 'NOPE', '--qty', '1'])).code).toBe(2);
    expect((await cli(['stock', 'set', '--store', hash, '--sku', tracked.sku, '--qty', 'many'])).code).toBe(2);

    // Off by default: refused with a reason. On: sent.
    expect((await cli(['stock', 'push', '--store', hash])).code).toBe(2);
    await withDb((db) => createSettingsRepo({ db }).save(hash as StoreHash, { stock: { enabled: true } }, { expectedVersion: 0 }));
    const preview = await cli(['stock', 'push', '--store', hash, '--dry-run']);
    expect(preview.stdout).toContain(`would send ${tracked.sku} = 23 at location 1`);
    const push = await cli(['stock', 'push', '--store', hash]);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toMatch(/sent 1 level\(s\) in 1 request/);
    const level = await fetch(`${sandbox.url}/stores/${hash}/v3/inventory/items?sku:in=${encodeURIComponent(tracked.sku)}&location_id:in=1`, {
      headers: { 'x-auth-token': account.access_token },
    });
    const item = ((await level.json()) as { data: Array<{ locations: Array<{ total_inventory_onhand: number }> }> }).data[0];
    expect(item?.locations[0]?.total_inventory_onhand).toBe(23);
    const unchanged = await cli(['stock', 'push', '--store', hash]);
    expect(unchanged.stdout).toMatch(/sent 0 level\(s\) in 0 request/);
  }, 120_000);
});

describe('ledgerbridge items push-details', () => {
  it('previews, refuses while the setting is off, then sends only the changed price to BigCommerce', async () => {
    const { hash } = await admin<{ hash: string }>('/__sandbox/stores', { name: 'CLI details store', currency: 'USD' });
    const account = await admin<{ access_token: string; credentials_text: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: `${SCOPES} store_v2_products` });
    await admin(`/__sandbox/stores/${hash}/seed`, { products: 4, customers: 0, orders: 0, seed: 5 });
    const credentialsFile = path.join(work, `${hash}-details.txt`);
    writeFileSync(credentialsFile, account.credentials_text);
    expect((await cli(['connect', '--credentials', credentialsFile])).code).toBe(0);
    expect((await cli(['items', 'import', '--store', hash])).code).toBe(0);
    const read = async () =>
      ((await (await fetch(`${sandbox.url}/stores/${hash}/v3/catalog/products?include=variants`, { headers: { 'x-auth-token': account.access_token } })).json()) as {
        data: Array<{ id: number; sku: string; name: string; price: number; variants: unknown[] }>;
      }).data;
    const product = (await read()).find((p) => p.variants.length === 1)!;
    await withDb((db) => createLedgerProviderFor(db, hash).upsertItem({ sku: product.sku, name: product.name, unitPrice: '64.5000' }));

    const preview = await cli(['items', 'push-details', '--store', hash, '--dry-run']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`would update product ${product.sku}: price`);
    expect(preview.stdout).toMatch(/dry run: 1 product\(s\) and 0 variant\(s\) to update/);
    expectOneLineError(await cli(['items', 'push-details', '--store', hash]), /pushing product details is off/);
    expectOneLineError(await cli(['items', 'push-details']), /--store <hash> is required/);
    expect((await read()).find((p) => p.id === product.id)!.price).toBe(product.price);

    await withDb((db) => createSettingsRepo({ db }).save(hash as StoreHash, { items: { pushProductDetails: true } }, { expectedVersion: 0 }));
    const run = await cli(['items', 'push-details', '--store', hash]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/updated 1 product\(s\) and 0 variant\(s\) in 1 request\(s\)/);
    const after = (await read()).find((p) => p.id === product.id)!;
    expect(after).toMatchObject({ price: 64.5, name: product.name });
  }, 120_000);
});

describe('items before the first backfill', () => {
  it('imports the catalog as items first when the setting is on, so orders whose SKUs would be missing post', async () => {
    const { hash } = await admin<{ hash: string }>('/__sandbox/stores', { name: 'CLI items store', currency: 'USD' });
    const account = await admin<{ credentials_text: string }>(`/__sandbox/stores/${hash}/api-accounts`, { scopes: SCOPES });
    await admin(`/__sandbox/stores/${hash}/seed`, { products: 8, customers: 5, orders: 40, seed: 11 });
    const credentialsFile = path.join(work, `${hash}-items.txt`);
    writeFileSync(credentialsFile, account.credentials_text);
    expect((await cli(['connect', '--credentials', credentialsFile])).code).toBe(0);
    await withDb((db) =>
      createSettingsRepo({ db }).save(hash as StoreHash, { items: { missingSku: 'fail', importBeforeFirstBackfill: true } }, { expectedVersion: 0 }),
    );
    const run = await cli(['sync', '--store', hash, '--since', '2000-01-01']);
    expect(run.code, run.stderr).toBe(0);
    await withDb(async (db) => {
      const held = await db
        .select()
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.state, 'held')));
      // Only custom lines (SKUs that are not in the catalog) can still miss an item.
      const missing = held.filter((r) => r.reason === 'missing_sku').map((r) => /SKU (\S+)/.exec(r.message ?? '')?.[1] ?? '');
      expect(missing.every((sku) => sku.startsWith('CUSTOM-'))).toBe(true);
      const items = await createLedgerProviderFor(db, hash).describe();
      expect(items.ok ? items.value.items.length : 0).toBeGreaterThanOrEqual(8);
      const posted = await db
        .select()
        .from(syncRecords)
        .where(and(eq(syncRecords.storeHash, hash), eq(syncRecords.state, 'posted')));
      expect(posted.length).toBeGreaterThan(0);
    });
  }, 120_000);
});

function createLedgerProviderFor(db: Db, hash: string) {
  return createLedgerProvider({ db, storeHash: hash as StoreHash });
}
