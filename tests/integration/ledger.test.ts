import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLedgerProvider,
  exportBeancount,
  exportCsv,
  exportHledger,
  LEDGER_LIMITS,
  loadLedger,
  trialBalance,
  type LedgerProvider,
} from '@/lib/accounting/ledger';
import { openTestDatabase, uniqueStoreHash, type TestDatabase } from '@/tests/support/test-database';
import { orderSchema, orderTaxesSchema, type BcOrder } from '@/lib/bigcommerce/schemas/orders';
import { createSettingsRepo } from '@/lib/repos/settings';
import { buildSalesDocument, orderSkus, parseSettings, type SalesDocument } from '@/lib/sync';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const casesDir = path.join(repoRoot, 'tests/fixtures/orders/cases');
const onPostgres = Boolean(process.env.DATABASE_URL);
console.info(`ledger integration tests on ${onPostgres ? 'real Postgres (DATABASE_URL)' : 'in-memory PGlite'}`);

interface Fixture { name: string; order: unknown; taxes: unknown; settings: unknown; lookups: { limits?: { documentNumberMaxLength: number } }; expect: { ok: boolean } }
const fixtures = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8')) as Fixture)
  .filter((f) => f.expect.ok);

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** What the job layer will do: look up items and customers, build, post, record payments. */
async function buildFor(ledger: LedgerProvider, order: BcOrder, settingsInput: unknown, taxes: unknown): Promise<SalesDocument> {
  const parsed = parseSettings(settingsInput);
  if (!parsed.ok) throw new Error('settings');
  // The built-in ledger's chart has no 4110/4120 (fixture 16 maps them); add them like a merchant would.
  await ledger.addAccount({ code: '4110', name: 'Handling Income', type: 'income' });
  await ledger.addAccount({ code: '4120', name: 'Gift Wrapping Income', type: 'income' });
  for (const sku of orderSkus(order)) await ledger.upsertItem({ sku, name: sku, unitCost: sku === 'TEE-ORG' ? '9.5000' : null });
  const items = await ledger.findItemsBySku(orderSkus(order));
  if (!items.ok) throw new Error('items');
  const found = await ledger.findCustomer({ bcCustomerId: order.customer_id || null });
  const linked = found.ok ? found.value.find((c) => c.bcCustomerId === order.customer_id && order.customer_id !== 0) : undefined;
  const result = buildSalesDocument(order, parsed.settings, {
    storeHash: 'abc123',
    limits: LEDGER_LIMITS,
    providerName: 'the built-in ledger',
    items: new Map(items.value.map((i) => [i.sku, { id: i.id }])),
    customer: { linked: linked ? { remoteId: linked.remoteId } : null },
    taxes: taxes ? orderTaxesSchema.parse(taxes) : null,
  });
  if (!result.ok) throw new Error(`build failed: ${JSON.stringify(result.problems)}`);
  return result.document;
}

async function postAll(ledger: LedgerProvider) {
  const posted: { doc: SalesDocument; remoteId: string }[] = [];
  for (const fx of fixtures) {
    const order = orderSchema.parse(fx.order);
    const doc = await buildFor(ledger, order, fx.settings, fx.taxes);
    const result = await ledger.postDocument(doc, `abc123:${order.id}:document`);
    if (!result.ok) throw new Error(`${fx.name}: ${result.error.message}`);
    if (doc.kind === 'invoice') {
      for (const [i, p] of doc.payments.entries()) {
        const pay = await ledger.recordPayment({ remoteId: result.value.remoteId, number: result.value.number }, p, `abc123:${order.id}:payment:${i}`);
        if (!pay.ok) throw new Error(pay.error.message);
      }
    }
    posted.push({ doc, remoteId: result.value.remoteId });
  }
  return posted;
}

function tool(name: string): boolean {
  const found = spawnSync('which', [name]).status === 0;
  if (!found) console.warn(`skipping the ${name} check: ${name} is not installed (apt-get install -y ${name === 'hledger' ? 'hledger' : 'beancount'})`);
  return found;
}

describe('built-in ledger', () => {
  it('posts every fixture order as a balanced entry and ties the book out', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const posted = await postAll(ledger);
    expect(posted.length).toBeGreaterThanOrEqual(30);

    const unbalanced = await database.db.execute(sql`
      select e.id, sum(l.amount)::text as total from ledger_entries e join ledger_lines l on l.entry_id = e.id
      where e.store_hash = ${storeHash} group by e.id having sum(l.amount) <> 0`);
    expect(rowsOf(unbalanced)).toEqual([]);

    const snapshot = await loadLedger(database.db, storeHash);
    const tb = trialBalance(snapshot);
    // Debits equal credits per currency, and receivables for USD invoices minus payments equal what is still due.
    for (const currency of new Set(tb.map((r) => r.currency))) {
      const rows = tb.filter((r) => r.currency === currency);
      const cents = (v: string) => BigInt(v.replace('.', ''));
      expect(rows.reduce((a, r) => a + cents(r.debit), 0n), currency).toBe(rows.reduce((a, r) => a + cents(r.credit), 0n));
    }
    const usdDue = posted.filter((p) => p.doc.currency.code === 'USD' && p.doc.kind === 'invoice').reduce((a, p) => a + BigInt(p.doc.totals.due.replace('.', '')), 0n);
    const ar = tb.find((r) => r.accountCode === '1200' && r.currency === 'USD');
    expect(BigInt(ar?.balance.replace('.', '') ?? '0')).toBe(usdDue);
    // Sales tax payable equals the tax BigCommerce charged on every USD order.
    const usdTax = posted.filter((p) => p.doc.currency.code === 'USD').reduce((a, p) => a + BigInt(p.doc.totals.tax.replace('.', '')), 0n);
    const taxRow = tb.find((r) => r.accountCode === '2200' && r.currency === 'USD');
    expect(-BigInt(taxRow?.balance.replace('.', '') ?? '0')).toBe(usdTax);
  });

  it('posting twice with one key gives one entry and returns the first', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const fx = fixtures[0]!;
    const doc = await buildFor(ledger, orderSchema.parse(fx.order), fx.settings, fx.taxes);
    const first = await ledger.postDocument(doc, 'k:1');
    const second = await ledger.postDocument(doc, 'k:1');
    expect(first.ok && first.value.created).toBe(true);
    expect(second.ok && second.value.created).toBe(false);
    expect(second.ok && first.ok && second.value.remoteId).toBe(first.ok && first.value.remoteId);
    const count = await database.db.execute(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash}`);
    expect(Number(rowsOf(count)[0]?.n)).toBe(1);
  });

  it.runIf(onPostgres)('posting concurrently with one key gives one entry (real Postgres)', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    await ledger.ensureChart();
    const fx = fixtures[2]!;
    const doc = await buildFor(ledger, orderSchema.parse(fx.order), fx.settings, fx.taxes);
    const results = await Promise.all(Array.from({ length: 12 }, () => createLedgerProvider({ db: database.db, storeHash }).postDocument(doc, 'same-key')));
    const ids = new Set(results.map((r) => (r.ok ? r.value.remoteId : r.error.message)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && r.value.created)).toHaveLength(1);
    const count = await database.db.execute(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash}`);
    expect(Number(rowsOf(count)[0]?.n)).toBe(1);
  });

  it('the database refuses an unbalanced entry even when the application is bypassed', async () => {
    const storeHash = uniqueStoreHash();
    await createLedgerProvider({ db: database.db, storeHash }).ensureChart();
    const attempt = database.db.transaction(async (tx) => {
      const inserted = await tx.execute(sql`insert into ledger_entries (store_hash, posting_key, kind, number, date, currency)
        values (${storeHash}, 'bad', 'adjustment', 'X-1', '2024-01-01', 'USD') returning id`);
      const id = rowsOf(inserted)[0]?.id;
      await tx.execute(sql`insert into ledger_lines (entry_id, store_hash, line_no, account_code, amount) values
        (${id}, ${storeHash}, 1, '1000', 10.00), (${id}, ${storeHash}, 2, '4000', -9.99)`);
    });
    // The statement that writes the lines fails (drizzle wraps the Postgres error in `cause`).
    expect(errorText(await attempt.then(() => null, (e: unknown) => e))).toMatch(/does not balance/);
    const count = await database.db.execute(sql`select count(*)::int as n from ledger_entries where store_hash = ${storeHash}`);
    expect(Number(rowsOf(count)[0]?.n)).toBe(0);
  });

  it('sales reduce stock, a void restores it and nets the order to zero, a credit note reverses lines', async () => {
    const storeHash = uniqueStoreHash();
    const ledger = createLedgerProvider({ db: database.db, storeHash });
    const fx = fixtures.find((f) => f.name.startsWith('03-'))!;
    const order = orderSchema.parse(fx.order);
    await ledger.upsertItem({ sku: 'MUG-1', name: 'Mug' });
    expect((await ledger.setStock('MUG-1', '10')).ok).toBe(true);
    const doc = await buildFor(ledger, order, fx.settings, fx.taxes);
    const posted = await ledger.postDocument(doc, 'o:103');
    if (!posted.ok) throw new Error(posted.error.message);
    const levels = await ledger.stockLevels(['MUG-1']);
    expect(levels.ok && levels.value).toEqual([{ sku: 'MUG-1', locationId: 1, quantity: '8.0000' }]);

    const ref = { remoteId: posted.value.remoteId, number: posted.value.number };
    const voided = await ledger.voidDocument(ref, 'o:103:void');
    const again = await ledger.voidDocument(ref, 'o:103:void');
    expect(voided.ok && voided.value.created).toBe(true);
    expect(again.ok && again.value.created).toBe(false);
    const after = await ledger.stockLevels(['MUG-1']);
    expect(after.ok && after.value[0]?.quantity).toBe('10.0000');
    const tb = trialBalance(await loadLedger(database.db, storeHash));
    expect(tb.every((r) => r.balance === '0.00')).toBe(true);

    const fx2 = fixtures.find((f) => f.name.startsWith('01-'))!;
    const doc2 = await buildFor(ledger, orderSchema.parse(fx2.order), fx2.settings, fx2.taxes);
    const p2 = await ledger.postDocument(doc2, 'o:101');
    if (!p2.ok) throw new Error(p2.error.message);
    const credit = await ledger.postCreditNote({ document: { remoteId: p2.value.remoteId, number: p2.value.number }, number: 'BC-101-CR1', lines: doc2.lines, date: '2024-03-09', reason: 'Refunded' }, 'o:101:credit');
    expect(credit.ok && credit.value.number).toBe('BC-101-CR1');
    const tb2 = trialBalance(await loadLedger(database.db, storeHash));
    expect(tb2.filter((r) => r.accountCode !== '5000' && r.accountCode !== '1300').every((r) => r.balance === '0.00')).toBe(true);
  });

  it('refuses a document that uses an account the ledger does not have', async () => {
    const ledger = createLedgerProvider({ db: database.db, storeHash: uniqueStoreHash() });
    const fx = fixtures[0]!;
    const doc = await buildFor(ledger, orderSchema.parse(fx.order), fx.settings, fx.taxes);
    const result = await ledger.postDocument({ ...doc, lines: doc.lines.map((l) => ({ ...l, account: '4999' })) }, 'x');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ kind: 'validation', message: expect.stringContaining('Account 4999 does not exist') });
  });

  describe('exports', () => {
    let dir: string;
    let storeHash: string;
    beforeAll(async () => {
      storeHash = uniqueStoreHash();
      await postAll(createLedgerProvider({ db: database.db, storeHash }));
      dir = mkdtempSync(path.join(tmpdir(), 'ledger-export-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const nonZero = (rows: { account: string; currency: string; amount: string }[]) =>
      rows.filter((r) => Number(r.amount) !== 0).map((r) => `${r.account} ${r.currency} ${r.amount}`).sort();
    const expected = async () => {
      const tb = trialBalance(await loadLedger(database.db, storeHash));
      return nonZero(tb.map((r) => ({ account: r.ledgerName, currency: r.currency, amount: r.balance })));
    };

    it('CSV has one row per journal line with debits equal to credits', async () => {
      const snapshot = await loadLedger(database.db, storeHash);
      const csv = exportCsv(snapshot);
      const rows = csv.trim().split('\r\n');
      expect(rows.length - 1).toBe(snapshot.entries.reduce((a, e) => a + e.lines.length, 0));
      expect(rows[0]).toBe('date,number,kind,order_id,posting_key,customer,account_code,account_name,description,currency,debit,credit');
    });

    it.runIf(tool('hledger'))('hledger journal passes `hledger check --strict` and its balances equal the trial balance', async () => {
      const snapshot = await loadLedger(database.db, storeHash);
      const file = path.join(dir, 'book.journal');
      writeFileSync(file, exportHledger(snapshot));
      const check = spawnSync('hledger', ['-f', file, 'check', '--strict'], { encoding: 'utf8' });
      expect(check.stderr + check.stdout).toBe('');
      expect(check.status).toBe(0);
      const rows: { account: string; currency: string; amount: string }[] = [];
      for (const currency of new Set(snapshot.entries.map((e) => e.currency))) {
        const out = execFileSync('hledger', ['-f', file, 'bal', '--flat', '-N', '-O', 'csv', `cur:^${currency}$`], { encoding: 'utf8' });
        for (const line of out.trim().split('\n').slice(1)) {
          const [account, balance] = line.split('","').map((c) => c.replace(/"/g, ''));
          const [amount] = (balance ?? '').split(' ');
          rows.push({ account: account!, currency, amount: amount! });
        }
      }
      expect(nonZero(rows)).toEqual(await expected());
    });

    it.runIf(tool('bean-check'))('beancount file passes `bean-check` and its balances equal the trial balance', async () => {
      const file = path.join(dir, 'book.beancount');
      writeFileSync(file, exportBeancount(await loadLedger(database.db, storeHash)));
      const check = spawnSync('bean-check', [file], { encoding: 'utf8' });
      expect(check.stderr + check.stdout).toBe('');
      expect(check.status).toBe(0);
      const out = execFileSync('bean-query', ['-f', 'csv', file, 'SELECT account, currency, sum(number) AS total GROUP BY account, currency'], { encoding: 'utf8' });
      const rows = out.trim().split('\n').slice(1).map((line) => {
        const [account, currency, total] = line.split(',').map((c) => c.trim());
        return { account: account!, currency: currency!, amount: total! };
      });
      expect(nonZero(rows)).toEqual(await expected());
    });
  });
});

describe('settings repository', () => {
  it('starts from defaults, saves versions, and refuses stale or invalid saves', async () => {
    const repo = createSettingsRepo({ db: database.db });
    const storeHash = uniqueStoreHash();
    const initial = await repo.current(storeHash);
    expect(initial.version).toBe(0);
    expect(initial.settings.document.numberPrefix).toBe('BC-');
    const saved = await repo.save(storeHash, { ...initial.settings, document: { ...initial.settings.document, numberPrefix: 'WEB-' } }, { expectedVersion: 0, actorUserId: 9 });
    expect(saved).toMatchObject({ ok: true, version: 1 });
    expect((await repo.current(storeHash)).settings.document.numberPrefix).toBe('WEB-');
    expect(await repo.save(storeHash, initial.settings, { expectedVersion: 0 })).toMatchObject({ ok: false, reason: 'conflict', currentVersion: 1 });
    expect(await repo.save(storeHash, { document: { kind: 'bogus' } }, { expectedVersion: 1 })).toMatchObject({ ok: false, reason: 'invalid' });
    expect((await repo.history(storeHash)).map((r) => r.version)).toEqual([1]);
  });
});

function errorText(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } } | null;
  return `${e?.message ?? ''} ${e?.cause?.message ?? ''}`;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  const r = result as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}
