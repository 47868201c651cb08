/**
 * `ledgerbridge settings get|set` (issue 16) in-process against a fresh database (real Postgres when DATABASE_URL is
 * set, else PGlite), on a store connected with the built-in ledger: every key of the settings schema is set to a
 * valid value other than its default and read back; a bad key, a bad value and a bad key among good ones change
 * nothing. The real CLI in a child process is covered in cli.test.ts (one line on stderr, exit code 2).
 */
import { PassThrough } from 'node:stream';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '@/db/schema';
import { saveSettings } from '@/lib/admin/save-settings';
import { registerConnectedStore } from '@/lib/cli/commands/connect';
import { runInRuntime } from '@/lib/cli/run';
import type { CliRuntime } from '@/lib/cli/runtime';
import { readSettingValue, SETTING_LEAVES, settingLeaf, valueAt } from '@/lib/cli/settings-keys';
import { tokenKeys } from '@/lib/context';
import { parseCliEnv } from '@/lib/env';
import type { StoreHash } from '@/lib/ids';
import { createLedgerProvider } from '@/lib/accounting/ledger';
import { createAuditRepo } from '@/lib/repos/audit';
import { createSettingsRepo } from '@/lib/repos/settings';
import { defaultSettings } from '@/lib/sync/settings';
import { freshDatabase, type TestDatabase } from './support/db';

const STORE = 'settingsstore1' as StoreHash;
let testDb: TestDatabase;
let env: CliRuntime['env'];

beforeAll(async () => {
  testDb = await freshDatabase('cli_settings');
  // No BigCommerce call is made: the built-in ledger describes its chart from the database.
  env = parseCliEnv({ TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32), BIGCOMMERCE_API_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn' });
  await registerConnectedStore(
    { db: testDb.db, encryptionKey: tokenKeys(env) },
    {
      storeHash: STORE,
      accessToken: 'settings-test-token',
      info: { hash: STORE, name: 'Settings store', currency: 'USD', decimalPlaces: 2, planLevel: 'Standard', timezone: null, pricesIncludeTax: false, adminEmail: null, secureUrl: null },
      clientId: null,
      clientName: null,
    },
  );
});

afterAll(async () => {
  await testDb?.dispose();
});

/** Runs `ledgerbridge <argv>` in this process against the test database. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const rt: CliRuntime = {
    env,
    db: testDb.db,
    database: testDb,
    io: { stdout, stderr, cwd: process.cwd() },
    log: { warn: () => {}, debug: () => {} },
    fetch: () => Promise.reject(new Error('no network in this test')),
  };
  const code = await runInRuntime(rt, argv);
  return { code, stdout: out, stderr: err };
}

const getJson = async () => {
  const run = await cli('settings', 'get', '--store', STORE, '--json');
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
};

/** `key = value` lines of `settings get`, as a map. */
const getLines = async () => {
  const run = await cli('settings', 'get', '--store', STORE);
  expect(run.code, run.stderr).toBe(0);
  return new Map(
    run.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf(' = ');
        expect(at, line).toBeGreaterThan(0);
        return [line.slice(0, at), line.slice(at + 3)] as const;
      }),
  );
};

const version = async () => (await createSettingsRepo({ db: testDb.db }).current(STORE)).version;

/**
 * For every key: the text typed on the command line and the value it must become, valid against the ledger's chart
 * and not the default. Keys that are only valid together (both stock accounts, or neither) are set in one command.
 */
const VALUES: Array<Record<string, [text: string, expected: unknown]>> = [
  { 'orders.importStatusIds': ['11,9', [11, 9]] },
  { 'orders.ignoredStatusIds': ['0,1', [0, 1]] },
  { 'orders.voidStatusIds': ['5,6', [5, 6]] },
  { 'orders.refundStatusIds': ['[4]', [4]] },
  { 'orders.onCancel': ['credit', 'credit'] },
  { 'orders.statusAfterImport': ['2', 2] },
  { 'orders.statusOnError': ['12', 12] },
  { 'orders.ordersFromDate': ['2024-01-31', '2024-01-31'] },
  { 'orders.autoSync': ['false', false] },
  { 'orders.sweepIntervalMinutes': ['30', 30] },
  { 'statuses.fromBooks.paid': ['10', 10] },
  { 'statuses.fromBooks.partlyPaid': ['3', 3] },
  { 'statuses.fromBooks.voided': ['5', 5] },
  { 'statuses.fromBooks.credited': ['4', 4] },
  { 'document.kind': ['sales_receipt', 'sales_receipt'] },
  { 'document.numberPrefix': ['123', '123'] },
  { 'document.dueDays': ['30', 30] },
  { 'document.timeZone': ['America/Chicago', 'America/Chicago'] },
  { 'document.lockDate': ['2024-12-31', '2024-12-31'] },
  { 'document.referenceTemplate': ['Web order {orderId} ({customerName})', 'Web order {orderId} ({customerName})'] },
  { 'customers.mode': ['single', 'single'] },
  { 'customers.singleName': ['Shop Sales', 'Shop Sales'] },
  { 'customers.referencePrefix': ['SHOP/', 'SHOP/'] },
  { 'customers.matchByEmail': ['false', false] },
  { 'customers.guests': ['per_email', 'per_email'] },
  { 'customers.sharedGuestName': ['Guest Shoppers', 'Guest Shoppers'] },
  { 'customers.nameTemplate': ['{company}', '{company}'] },
  { 'customers.shippingNameContact': ['true', true] },
  { 'items.missingSku': ['fail', 'fail'] },
  { 'items.importBeforeFirstBackfill': ['true', true] },
  { 'items.inventoryAssetAccount': ['1300', '1300'], 'items.costOfGoodsSoldAccount': ['5000', '5000'] },
  { 'items.pushProductDetails': ['true', true] },
  { 'lines.discounts': ['single_line', 'single_line'] },
  { 'lines.combineShippingHandlingWrapping': ['true', true] },
  { 'lines.descriptionTemplate': ['{sku} {name}', '{sku} {name}'] },
  { 'accounts.sales': ['4100', '4100'] },
  { 'accounts.shipping': ['4000', '4000'] },
  { 'accounts.handling': ['4200', '4200'] },
  { 'accounts.wrapping': ['4000', '4000'] },
  { 'accounts.fees': ['4100', '4100'] },
  { 'accounts.discounts': ['4000', '4000'] },
  { 'accounts.rounding': ['4900', '4900'] },
  { 'accounts.giftCertificatesSold': ['2310', '2310'] },
  { 'accounts.revenueRules': ['[{"when":{"category":23},"account":"4100"}]', [{ when: { category: 23 }, account: '4100' }]] },
  { 'tax.mappings': ['[{"name":"CA State Tax","taxCode":"CA"}]', [{ name: 'CA State Tax', taxCode: 'CA' }]] },
  { 'tax.requireMapping': ['true', true] },
  { 'tax.defaultTaxCode': ['STD', 'STD'] },
  { 'tax.zeroTaxCode': ['ZERO', 'ZERO'] },
  { 'payments.mappings': ['[{"method":"PayPal","account":"1020"}]', [{ method: 'PayPal', account: '1020' }]] },
  { 'payments.defaultAccount': ['1000', '1000'] },
  { 'payments.storeCreditAccount': ['2300', '2300'] },
  { 'payments.giftCertificateAccount': ['2310', '2310'] },
  { 'payments.paidStatuses': ['captured,paid', ['captured', 'paid']] },
  { 'payments.authorizedIsPaid': ['true', true] },
  { 'stock.enabled': ['true', true] },
  { 'stock.locations': ['[{"from":1,"to":2}]', [{ from: 1, to: 2 }]] },
  { 'stock.skus': ['SKU-1,SKU-2', ['SKU-1', 'SKU-2']] },
  { 'stock.intervalMinutes': ['60', 60] },
  { 'stock.safetyBuffer': ['2', 2] },
  { 'stock.onExternalChange': ['overwrite', 'overwrite'] },
  { 'posting.approval': ['draft', 'draft'] },
  { 'posting.tracking': ['{"category":"Region","option":"West"}', { category: 'Region', option: 'West' }] },
  { 'posting.trackingByChannel': ['[{"channel":2,"category":"Region","option":"East"}]', [{ channel: 2, category: 'Region', option: 'East' }]] },
  { 'posting.mode': ['daily_summary', 'daily_summary'], 'posting.summaryFrom': ['2026-12-01', '2026-12-01'] },
  { 'posting.summaryCloseHours': ['48', 48] },
  { 'posting.summaryCustomer': ['Web shop', 'Web shop'] },
  { 'posting.summaryDocument': ['journal', 'journal'] },
];

describe('ledgerbridge settings', () => {
  it('the table covers exactly the keys the schema walk finds, and every value differs from its default', () => {
    const keys = VALUES.flatMap((group) => Object.keys(group));
    expect([...keys].sort()).toEqual(SETTING_LEAVES.map((leaf) => leaf.key).sort());
    const defaults = defaultSettings();
    for (const group of VALUES) for (const [key, [, expected]] of Object.entries(group)) expect(valueAt(defaults, key), key).not.toEqual(expected);
  });

  it('get prints every key with its default before anything is saved; --json prints the defaults object', async () => {
    expect(await getJson()).toEqual(defaultSettings());
    const lines = await getLines();
    expect([...lines.keys()]).toEqual(SETTING_LEAVES.map((leaf) => leaf.key));
    expect(lines.get('document.dueDays')).toBe('0');
    expect(lines.get('orders.ignoredStatusIds')).toBe('0,1,6,7');
    expect(lines.get('stock.locations')).toBe('[{"from":1,"to":1}]');
    expect(lines.get('posting.tracking')).toBe('null');
    expect(lines.get('tax.mappings')).toBe('[]');
  });

  it('sets every key of the schema to a non-default value and gets it back, one save and one audit entry per command', async () => {
    for (const group of VALUES) {
      const before = await version();
      const args = Object.entries(group).map(([key, [text]]) => `${key}=${text}`);
      const run = await cli('settings', 'set', '--store', STORE, ...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Saved settings version ${before + 1} of store ${STORE}:\\n`));
      const json = await getJson();
      const lines = await getLines();
      for (const [key, [, expected]] of Object.entries(group)) {
        expect(valueAt(json, key), key).toEqual(expected);
        // The text `get` prints reads back as the same value.
        expect(readSettingValue(settingLeaf(key)!, lines.get(key)!), key).toEqual(expected);
      }
      const audit = await testDb.db.select().from(auditLog).where(and(eq(auditLog.storeHash, STORE), eq(auditLog.action, 'settings.saved'))).orderBy(asc(auditLog.id));
      expect(audit.at(-1)?.detail).toEqual({ version: before + 1, via: 'cli', keys: Object.keys(group) });
      expect(audit).toHaveLength(before + 1);
    }
    // Every key now holds its value: the earlier ones were kept by the later saves.
    const json = await getJson();
    for (const group of VALUES) for (const [key, [, expected]] of Object.entries(group)) expect(valueAt(json, key), key).toEqual(expected);
  });

  it('the lines of `get` fed back to `set` change nothing but the version', async () => {
    const before = await getJson();
    const lines = await getLines();
    const run = await cli('settings', 'set', '--store', STORE, ...[...lines].map(([key, value]) => `${key}=${value}`));
    expect(run.code, run.stderr).toBe(0);
    expect(await getJson()).toEqual(before);
  });

  it('null clears a nullable setting', async () => {
    const run = await cli('settings', 'set', '--store', STORE, 'posting.tracking=null', 'orders.statusAfterImport=null', 'tax.defaultTaxCode=null');
    expect(run.code, run.stderr).toBe(0);
    const json = await getJson();
    expect([valueAt(json, 'posting.tracking'), valueAt(json, 'orders.statusAfterImport'), valueAt(json, 'tax.defaultTaxCode')]).toEqual([null, null, null]);
  });

  describe('refusals: exit code 2, one line naming the key, nothing written', () => {
    const refused = async (args: string[], pattern: RegExp) => {
      const before = { version: await version(), settings: await getJson() };
      const run = await cli('settings', 'set', '--store', STORE, ...args);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(run.stderr).toMatch(pattern);
      expect(await version()).toBe(before.version);
      expect(await getJson()).toEqual(before.settings);
      expect(await testDb.db.select().from(auditLog).where(and(eq(auditLog.storeHash, STORE), eq(auditLog.action, 'settings.saved')))).toHaveLength(before.version);
    };

    it('an unknown key', () => refused(['document.dueDayz=3'], /^ledgerbridge: settings: document\.dueDayz: no such setting/));
    it('a section instead of a key', () => refused(['document=3'], /^ledgerbridge: settings: document: no such setting/));
    it('a pair without =', () => refused(['stock.enabled'], /settings: "stock\.enabled" is not <key>=<value>/));
    it('a key given twice', () => refused(['document.dueDays=1', 'document.dueDays=2'], /settings: document\.dueDays: given twice/));
    it('no pair at all', () => refused([], /give at least one <key>=<value>/));
    it('a number out of range', () => refused(['document.dueDays=400'], /^ledgerbridge: settings: document\.dueDays: .+/));
    it('text for a number', () => refused(['document.dueDays=thirty'], /^ledgerbridge: settings: document\.dueDays: .+/));
    it('a value not in the list', () => refused(['lines.discounts=spread'], /^ledgerbridge: settings: lines\.discounts: .+/));
    it('an item of a list', () => refused(['stock.locations=[{"from":0,"to":1}]'], /^ledgerbridge: settings: stock\.locations\.0\.from: .+/));
    it('an account the chart does not have (the pages’ message)', () =>
      refused(['accounts.sales=9999'], /^ledgerbridge: settings: accounts\.sales: Account 9999 does not exist in your accounting system\./));
    it('a rule between settings (the pages’ message)', () =>
      refused(['orders.statusOnError=11'], /^ledgerbridge: settings: orders\.statusOnError: An order set to this status would be imported again at once\./));
    it('a status that both cancels an order and posts it with its refunds (the status table’s message)', () =>
      refused(['orders.voidStatusIds=5,4'], /^ledgerbridge: settings: orders\.refundStatusIds: A status cannot both cancel an order and post it with its refunds \(4\)\.$/m));
    it('one bad key among good ones: all or nothing', () =>
      refused(['stock.enabled=false', 'document.dueDays=7', 'payments.defaultAccount=4000', 'lines.discounts=allocate'], /^ledgerbridge: settings: payments\.defaultAccount: .*cannot receive payments/));
    it('one bad value among good ones: all or nothing', () =>
      refused(['stock.enabled=false', 'orders.voidStatusIds=5,x', 'document.dueDays=7'], /^ledgerbridge: settings: orders\.voidStatusIds\.1: .+/));
    it('an unknown store', async () => {
      const run = await cli('settings', 'set', '--store', 'nosuchstore', 'stock.enabled=true');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/unknown store "nosuchstore"/);
    });
  });

  it('a save from a stale version is a conflict and writes nothing (the check the pages and the command share)', async () => {
    const repo = createSettingsRepo({ db: testDb.db });
    const current = await repo.current(STORE);
    const deps = {
      storeHash: STORE,
      actorUserId: null,
      provider: createLedgerProvider({ db: testDb.db, storeHash: STORE }),
      settings: repo,
      audit: createAuditRepo({ db: testDb.db }),
    };
    const outcome = await saveSettings(deps, { settings: current.settings, expectedVersion: current.version - 1 });
    expect(outcome).toEqual({ ok: false, kind: 'Conflict' });
    expect(await version()).toBe(current.version);
  });
});
