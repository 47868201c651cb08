// Daily summary mode in QuickBooks Online (issue 18), through the provider port against the QuickBooks sandbox: the
// accounting core's order fixtures spread over three days, their currencies and three payment methods, with refunds
// on later days, summarised as the core does (lib/sync/summary) and posted with postSummary. Read back from
// QuickBooks: each summary is one sales receipt (or, unpaid, one invoice) whose TotalAmt and TotalTax equal the sum of
// its orders' to the cent, deposited into the method's account, and the day's refunds one refund receipt (or credit
// memo); posting again, two runs at once and a lost answer never make a second form; an open day refreshed after an
// edit updates the same form in place (sparse update).
import path from 'node:path';
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticToken } from '@/lib/accounting/connect/token-manager';
import { createQuickBooksProvider, quickbooksUrls } from '@/lib/accounting/quickbooks';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import type { SummaryPosting } from '@/lib/sync/provider';
import type { SalesDocument } from '@/lib/sync/sales-document';
import { buildDailySummaries, summaryMethodOf, summaryPostingKey, type DailySummary, type SummaryEdit, type SummaryRefund } from '@/lib/sync/summary/daily-summary';
import { summaryCustomer, summaryNumber } from '@/lib/sync/summary/post-summaries';
import { saveSettings } from '@/lib/admin/save-settings';
import type { StoreHash } from '@/lib/ids';
import { defaultSettings, type SyncSettings } from '@/lib/sync/settings';
import { loadQuickBooksFixtures, QBO_TEST_ACCOUNTS, QBO_TEST_PAYMENTS } from '@/tests/support/quickbooks-fixtures';
import { startQuickBooksSandbox, type StartedQuickBooksSandbox } from '@/tests/sandbox/quickbooks/server';

const DAYS = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'];
/** Three payment methods and their deposit accounts in a new sandbox company (4 Undeposited Funds, 5 Checking). */
const METHODS = [
  { method: 'Credit Card', account: '4' },
  { method: 'PayPal', account: '5' },
  { method: 'Cash', account: '4' },
];
const cases = path.resolve(import.meta.dirname, '../fixtures/orders/cases');

let qb: StartedQuickBooksSandbox;

async function admin<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${qb.url}/__sandbox/quickbooks${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Pay { Id: string; TotalAmt: number; PrivateNote?: string; DepositToAccountRef: { value: string }; Line: Array<{ LinkedTxn?: Array<{ TxnId: string; TxnType: string }> }> }
interface Form { Id: string; DocNumber: string; TotalAmt: number; Balance?: number; PrivateNote?: string; TxnTaxDetail: { TotalTax: number }; DepositToAccountRef?: { value: string }; CurrencyRef: { value: string }; CustomerRef: { value: string; name?: string }; SyncToken: string }
const forms = async (realmId: string, entity: string) =>
  (await admin<{ items: Form[] }>('GET', `/companies/${realmId}/entities/${entity}`)).items.filter((f) => !(f.PrivateNote ?? '').startsWith('Voided'));
const units = (v: unknown, scale = 2) => parseUnits(new Big(String(v)).toFixed(scale), scale);

/**
 * The fixtures' documents on three days and three methods: each gateway payment into its method's account; store credit
 * and gift certificates stay on theirs (5), and orders partly paid stay partly paid.
 */
function dayDocuments(): SalesDocument[] {
  return loadQuickBooksFixtures(cases, { kind: 'sales_receipt' }).flatMap((f, i) => {
    const d = f.document;
    if (!d) return [];
    const m = METHODS[Math.floor(i / 3) % METHODS.length]!;
    return [{ ...d, date: DAYS[i % 3]!, payments: d.payments.map((p) => (p.kind === 'gateway' ? { ...p, method: m.method, account: m.account } : p)) }];
  });
}

/** Every fourth order refunded in full the day after it was placed, paid back out of its method's account. */
function refundsOf(sales: readonly SalesDocument[]): SummaryRefund[] {
  return sales.flatMap((sale, i) => {
    if (i % 4 !== 0) return [];
    const scale = sale.currency.scale;
    const total = formatUnits(sum(sale.lines.map((l) => parseUnits(l.gross, scale))), scale);
    const tax = formatUnits(sum(sale.lines.map((l) => parseUnits(l.tax, scale))), scale);
    const method = METHODS.find((m) => m.method === summaryMethodOf(sale));
    return [{
      orderId: sale.source.orderId, refundId: 9000 + i, date: DAYS[DAYS.indexOf(sale.date) + 1]!, sale,
      credit: { lines: sale.lines, total, tax },
      payouts: method ? [{ paymentId: 9000 + i, providerId: 'test', method: method.method, kind: 'gateway' as const, account: method.account, amount: total, offline: false }] : [],
    }];
  });
}

let stores = 0;
async function company(name: string) {
  const { realmId } = await admin<{ realmId: string }>('POST', '/companies', { name, country: 'US', currency: 'USD', ast: true, multicurrency: true });
  const { access_token } = await admin<{ access_token: string }>('POST', `/companies/${realmId}/tokens`);
  const provider = createQuickBooksProvider({ realmId, tokens: staticToken(access_token), urls: quickbooksUrls(`${qb.url}/quickbooks`), retryDelayMs: 5, timeoutMs: 3_000 });
  // One store per company: the summary keys (store, day, currency, method, version) are the store's.
  const store = `store${(stores += 1)}`;
  const post = (summary: DailySummary, ordinal: number, version: number, replaces: SummaryPosting['replaces'] = null) => provider.postSummary!({
    summary, number: summaryNumber(summary.key, ordinal), customer: summaryCustomer(summary.key.method), idempotencyKey: summaryPostingKey(store, summary.key, version), replaces,
    description: `Daily summary ${summary.key.date}, ${summary.key.currency}, ${summary.key.method} (${summary.orders.length} orders, ${summary.refunds.length} refunds)`,
  });
  return { realmId, provider, post };
}

function ordinals(summaries: readonly DailySummary[]): number[] {
  const seen = new Map<string, number>();
  return summaries.map((s) => {
    const n = (seen.get(s.key.date) ?? 0) + 1;
    seen.set(s.key.date, n);
    return n;
  });
}

beforeAll(async () => {
  qb = await startQuickBooksSandbox({ port: 0 });
});
afterAll(async () => {
  await qb?.close();
});

describe('daily summaries in QuickBooks Online', () => {
  const sales = dayDocuments();
  const refunds = refundsOf(sales);
  const summaries = buildDailySummaries({ sales, refunds });
  const ordinal = ordinals(summaries);
  let co: Awaited<ReturnType<typeof company>>;
  const all = async () => ({
    receipts: await forms(co.realmId, 'SalesReceipt'), invoices: await forms(co.realmId, 'Invoice'),
    refundReceipts: await forms(co.realmId, 'RefundReceipt'), memos: await forms(co.realmId, 'CreditMemo'),
  });
  const counts = async () => Object.fromEntries(Object.entries(await all()).map(([k, v]) => [k, v.length]));

  beforeAll(async () => {
    co = await company('Summaries Inc');
  });

  it('the fixtures make summaries over 4 days, 2+ currencies and 3+ methods (one unpaid), with refunds on later days', () => {
    expect(sales.length).toBeGreaterThanOrEqual(30);
    expect(new Set(summaries.map((s) => s.key.date)).size).toBe(4);
    expect(new Set(summaries.map((s) => s.key.currency)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(summaries.map((s) => s.key.method)).size).toBeGreaterThanOrEqual(3);
    expect(summaries.some((s) => s.refunds.length > 0 && s.orders.length === 0)).toBe(true);
  });

  it('posts each summary as one sales form and one refund form whose totals and tax equal its orders’ and refunds’ to the cent', async () => {
    for (const [i, summary] of summaries.entries()) {
      const posted = await co.post(summary, ordinal[i]!, 1);
      expect(posted.ok, `${summary.key.date} ${summary.key.currency} ${summary.key.method}: ${!posted.ok && posted.error.message}`).toBe(true);
      if (posted.ok) expect(posted.value).toMatchObject({ number: summaryNumber(summary.key, ordinal[i]!), created: true });
    }
    const { receipts, invoices, refundReceipts, memos } = await all();
    const payments = (await admin<{ items: Pay[] }>('GET', `/companies/${co.realmId}/entities/Payment`)).items;
    expect(invoices.some((f) => payments.some((p) => p.Line.some((l) => l.LinkedTxn?.some((t) => t.TxnId === f.Id)))), 'some summary invoice is paid into several accounts').toBe(true);
    for (const [i, summary] of summaries.entries()) {
      const { date, currency, method } = summary.key;
      const number = summaryNumber(summary.key, ordinal[i]!);
      const label = `${date} ${currency} ${method}`;
      const scale = summary.scale;
      const orders = sales.filter((d) => d.date === date && d.currency.code === currency && summaryMethodOf(d) === method);
      const dayRefunds = refunds.filter((r) => r.date === date && r.sale.currency.code === currency && summaryMethodOf(r.sale) === method);
      const paidIn = orders.flatMap((d) => d.payments);
      const accounts = new Set(paidIn.map((p) => p.account));
      const total = sum(orders.map((d) => units(d.totals.total, scale)));
      const receipt = accounts.size === 1 && sum(paidIn.map((p) => units(p.amount, scale))) === total;
      const sold = [...receipts, ...invoices].filter((f) => f.DocNumber === number);
      if (orders.length === 0) expect(sold, label).toHaveLength(0);
      else {
        expect(sold, label).toHaveLength(1);
        const form = sold[0]!;
        expect(receipts.includes(form), `${label}: a sales receipt when paid in full into one account, else an invoice`).toBe(receipt);
        expect(form.CurrencyRef.value).toBe(currency);
        expect(units(form.TotalAmt, scale), label).toBe(total);
        expect(units(form.TxnTaxDetail.TotalTax, scale), label).toBe(sum(orders.map((d) => units(d.totals.tax, scale))));
        if (receipt) expect(form.DepositToAccountRef?.value).toBe([...accounts][0]);
        else {
          // The invoice's payments: what was paid into each account, and the rest still due.
          const linked = payments.filter((p) => p.Line.some((l) => l.LinkedTxn?.some((t) => t.TxnType === 'Invoice' && t.TxnId === form.Id)));
          for (const account of accounts) {
            expect(sum(linked.filter((p) => p.DepositToAccountRef.value === account).map((p) => units(p.TotalAmt, scale))), `${label} ${account}`)
              .toBe(sum(paidIn.filter((p) => p.account === account).map((p) => units(p.amount, scale))));
          }
          expect(units(form.Balance, scale), label).toBe(total - sum(paidIn.map((p) => units(p.amount, scale))));
        }
      }
      const back = [...refundReceipts, ...memos].filter((f) => f.DocNumber === `${number}-R`);
      if (dayRefunds.length === 0) expect(back, label).toHaveLength(0);
      else {
        expect(back, label).toHaveLength(1);
        expect(refundReceipts.includes(back[0]!), `${label}: a refund receipt when paid back`).toBe(dayRefunds.some((r) => r.payouts.length > 0));
        expect(units(back[0]!.TotalAmt, scale), label).toBe(sum(dayRefunds.map((r) => units(r.credit!.total, scale))));
        expect(units(back[0]!.TxnTaxDetail.TotalTax, scale), label).toBe(sum(dayRefunds.map((r) => units(r.credit!.tax, scale))));
      }
    }
  });

  it('posting every summary again finds its forms instead of making second ones', async () => {
    const before = await counts();
    for (const [i, summary] of summaries.entries()) {
      const again = await co.post(summary, ordinal[i]!, 1);
      expect(again.ok && again.value.created, !again.ok ? again.error.message : '').toBe(false);
    }
    expect(await counts()).toEqual(before);
  });

  it('two runs at once, and a run whose answer was lost, make one form', async () => {
    const fresh = await company('Race Inc');
    const summary = summaries.find((s) => s.orders.length > 0 && s.payments.length > 0 && s.refunds.length > 0)!;
    const both = await Promise.all([fresh.post(summary, 1, 1), fresh.post(summary, 1, 1)]);
    expect(both.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(['ok', 'ok']);
    expect(new Set(both.map((r) => r.ok && r.value.remoteId)).size).toBe(1);
    expect((await forms(fresh.realmId, 'SalesReceipt')).length).toBe(1);
    expect((await forms(fresh.realmId, 'RefundReceipt')).length).toBe(1);

    // The sales receipt's answer is lost (QuickBooks booked it): the run looks it up by DocNumber and our note.
    const lost = await company('Lost Inc');
    const fired = (await admin<{ faultsFired: number }>('GET', '/stats')).faultsFired;
    await admin('POST', '/faults', { kind: 'drop-after', method: 'POST', path: '/salesreceipt', realmId: lost.realmId, times: 1 });
    const first = await lost.post(summary, 1, 1);
    await admin('DELETE', '/faults');
    expect((await admin<{ faultsFired: number }>('GET', '/stats')).faultsFired).toBe(fired + 1);
    expect(first.ok, !first.ok ? first.error.message : '').toBe(true);
    const second = await lost.post(summary, 1, 1);
    expect(second.ok && second.value.created).toBe(false);
    const receipts = await forms(lost.realmId, 'SalesReceipt');
    expect(receipts).toHaveLength(1);
    expect(units(receipts[0]!.TotalAmt, summary.scale)).toBe(units(summary.totals.sales.gross, summary.scale));
  });

  it('an open day refreshed after an edit updates the same sales receipt in place (sparse update, same Id and number)', async () => {
    // A day paid in full into one account (a sales receipt) with more than one order.
    const i = summaries.findIndex((s) => s.orders.length > 1 && new Set(s.payments.map((p) => p.account)).size === 1 && s.totals.received === s.totals.sales.gross && s.credits.length === 0);
    const summary = summaries[i]!;
    const number = summaryNumber(summary.key, ordinal[i]!);
    const first = (await forms(co.realmId, 'SalesReceipt')).find((f) => f.DocNumber === number)!;
    expect(first).toBeDefined();
    // One of its orders cancelled before the day closed: the summary is rebuilt as the core does, without it.
    const next = buildDailySummaries({ sales: sales.filter((d) => d.source.orderId !== summary.orders[0]!.orderId), refunds })
      .find((s) => s.key.date === summary.key.date && s.key.currency === summary.key.currency && s.key.method === summary.key.method)!;
    expect(next.totals.sales.gross).not.toBe(summary.totals.sales.gross);
    const refreshed = await co.post(next, ordinal[i]!, 2, { remoteId: `SalesReceipt:${first.Id}`, number });
    expect(refreshed.ok, !refreshed.ok ? refreshed.error.message : '').toBe(true);
    if (refreshed.ok) expect(refreshed.value.remoteId).toBe(`SalesReceipt:${first.Id}`);
    const now = (await forms(co.realmId, 'SalesReceipt')).filter((f) => f.DocNumber === number);
    expect(now).toHaveLength(1);
    expect(now[0]!.Id).toBe(first.Id);
    expect(Number(now[0]!.SyncToken)).toBeGreaterThan(Number(first.SyncToken));
    expect(units(now[0]!.TotalAmt, next.scale)).toBe(units(next.totals.sales.gross, next.scale));
    expect(units(now[0]!.TxnTaxDetail.TotalTax, next.scale)).toBe(units(next.totals.sales.tax, next.scale));
    // The same version again (a crash before it was recorded): nothing changes.
    const again = await co.post(next, ordinal[i]!, 2, { remoteId: `SalesReceipt:${first.Id}`, number });
    expect(again.ok).toBe(true);
    expect((await forms(co.realmId, 'SalesReceipt')).find((f) => f.DocNumber === number)!.SyncToken).toBe(now[0]!.SyncToken);
  });

  it('a day paid into two accounts is an invoice with a payment per account; refreshed, its payments are made again', async () => {
    const fresh = await company('Split Inc');
    const paid = sales.filter((d) => d.payments.length > 0 && d.currency.code === 'USD').slice(0, 3);
    const split = paid.map((d, n) => ({ ...d, date: DAYS[0]!, payments: d.payments.map((p) => ({ ...p, method: 'Credit Card', account: n === 0 ? '5' : '4' })) }));
    const [summary] = buildDailySummaries({ sales: split });
    const posted = await fresh.post(summary!, 1, 1);
    expect(posted.ok, !posted.ok ? posted.error.message : '').toBe(true);
    const pays = async () => (await admin<{ items: Pay[] }>('GET', `/companies/${fresh.realmId}/entities/Payment`)).items;
    const invoice = async () => (await forms(fresh.realmId, 'Invoice'))[0]!;
    expect(await forms(fresh.realmId, 'SalesReceipt')).toHaveLength(0);
    expect(units((await invoice()).Balance)).toBe(0n);
    expect((await pays()).map((p) => p.DepositToAccountRef.value).sort()).toEqual(['4', '5']);
    // Again: nothing new.
    const again = await fresh.post(summary!, 1, 1);
    expect(again.ok && again.value.created).toBe(false);
    expect(await pays()).toHaveLength(2);
    // One order cancelled before the day closed: the same invoice, its payments deleted and made again for the new amounts.
    const [next] = buildDailySummaries({ sales: split.slice(0, 2) });
    const first = await invoice();
    const refreshed = await fresh.post(next!, 1, 2, { remoteId: `Invoice:${first.Id}`, number: summaryNumber(next!.key, 1) });
    expect(refreshed.ok, !refreshed.ok ? refreshed.error.message : '').toBe(true);
    const now = await invoice();
    expect(now.Id).toBe(first.Id);
    expect(units(now.TotalAmt)).toBe(units(next!.totals.sales.gross));
    expect(units(now.Balance)).toBe(0n);
    const left = await pays();
    expect(left).toHaveLength(2);
    expect(sum(left.map((p) => units(p.TotalAmt)))).toBe(units(next!.totals.received));
  });

  it('refunds paid back through two accounts are refused with a message, nothing posted', async () => {
    const fresh = await company('Refund Split Inc');
    const sale = sales.find((d) => d.payments.length > 0 && d.currency.code === 'USD')!;
    const line = sale.lines[0]!;
    const refund: SummaryRefund = {
      orderId: sale.source.orderId, refundId: 1, date: DAYS[1]!, sale, credit: { lines: [line], total: line.gross, tax: line.tax },
      payouts: [{ paymentId: 1, providerId: 't', method: 'Credit Card', kind: 'gateway', account: '4', amount: '0.01', offline: false }, { paymentId: 2, providerId: 't', method: 'Credit Card', kind: 'store_credit', account: '5', amount: '0.02', offline: false }],
    };
    const [summary] = buildDailySummaries({ sales: [], refunds: [refund] });
    const posted = await fresh.post(summary!, 1, 1);
    expect(posted.ok ? 'posted' : posted.error.kind).toBe('validation');
    expect(!posted.ok && posted.error.message).toMatch(/pay refunds back from one account/);
    expect(await forms(fresh.realmId, 'RefundReceipt')).toHaveLength(0);
  });

  it('saving posting.mode=daily_summary is accepted for QuickBooks now, checked against its chart as the pages do', async () => {
    const s = defaultSettings();
    const settings = { ...s, accounts: { ...s.accounts, ...QBO_TEST_ACCOUNTS }, payments: { ...s.payments, ...QBO_TEST_PAYMENTS }, tax: { ...s.tax, defaultTaxCode: 'TAX', zeroTaxCode: 'NON' }, posting: { ...s.posting, mode: 'daily_summary' as const, summaryFrom: '2026-11-02' } };
    const saved = await saveSettings(
      { storeHash: 'store1' as StoreHash, actorUserId: null, provider: co.provider, settings: { save: async (_h, value) => ({ ok: true as const, version: 2, settings: value as SyncSettings }) }, audit: { append: async () => undefined } },
      { expectedVersion: 1, settings },
    );
    expect(saved.ok ? saved.settings.posting.mode : saved).toBe('daily_summary');
  });
});

// posting.summaryDocument = journal: one JournalEntry per summary (lib/accounting/quickbooks/summary-journal.ts).
interface JeLine { Amount: number; Description?: string; JournalEntryLineDetail: { PostingType: 'Debit' | 'Credit'; AccountRef: { value: string }; Entity?: { Type: string; EntityRef: { value: string } } } }
interface Je { Id: string; DocNumber: string; TxnDate: string; TotalAmt: number; SyncToken: string; PrivateNote?: string; CurrencyRef: { value: string }; Line: JeLine[] }
/** The sandbox company's Sales Tax Payable and Accounts Receivable (tests/sandbox/quickbooks/companies.ts SEED_ACCOUNTS). */
const TAX_ACCOUNT = '10';
const AR_ACCOUNT = '8';

describe('daily summaries in QuickBooks Online as journal entries', () => {
  const sales = dayDocuments();
  const refunds = refundsOf(sales);
  const summaries = buildDailySummaries({ sales, refunds });
  const ordinal = ordinals(summaries);
  let co: Awaited<ReturnType<typeof company>>;
  const entries = async (realmId: string) => (await admin<{ items: Je[] }>('GET', `/companies/${realmId}/entities/JournalEntry`)).items;
  /** Debits less credits on the lines matching `pick`, in minor units. */
  const net = (je: Je, scale: number, pick: (l: JeLine) => boolean) =>
    sum(je.Line.filter(pick).map((l) => (l.JournalEntryLineDetail.PostingType === 'Debit' ? 1n : -1n) * units(l.Amount, scale)));
  const journal = (summary: DailySummary, n: number, version: number, replaces: SummaryPosting['replaces'] = null) => co.provider.postSummary!({
    summary, number: summaryNumber(summary.key, n), customer: summaryCustomer(summary.key.method), idempotencyKey: summaryPostingKey(`je-${co.realmId}`, summary.key, version), replaces,
    description: `Daily summary ${summary.key.date}, ${summary.key.currency}, ${summary.key.method}`, document: 'journal',
  });

  beforeAll(async () => {
    co = await company('Journal Summaries Inc');
  });

  it('posts each summary as one balanced journal entry whose sales, tax and money equal its orders’ and refunds’ to the cent', async () => {
    const home = summaries.filter((s) => s.key.currency === 'USD');
    expect(home.some((s) => new Big(s.totals.due).gt(0)), 'a home-currency day with an unpaid part').toBe(true);
    for (const [i, summary] of summaries.entries()) {
      const posted = await journal(summary, ordinal[i]!, 1);
      const label = `${summary.key.date} ${summary.key.currency} ${summary.key.method}`;
      expect(posted.ok, `${label}: ${!posted.ok && posted.error.message}`).toBe(true);
      if (posted.ok) expect(posted.value).toMatchObject({ number: summaryNumber(summary.key, ordinal[i]!), created: true, remoteId: expect.stringMatching(/^JournalEntry:\d+$/) });
    }
    const all = await entries(co.realmId);
    expect(all).toHaveLength(summaries.length);
    for (const [i, summary] of summaries.entries()) {
      const { date, currency, method } = summary.key;
      const label = `${date} ${currency} ${method}`;
      const scale = summary.scale;
      const je = all.filter((j) => j.DocNumber === summaryNumber(summary.key, ordinal[i]!));
      expect(je, label).toHaveLength(1);
      const entry = je[0]!;
      expect(entry.TxnDate).toBe(date);
      expect(entry.CurrencyRef.value).toBe(currency);
      expect(net(entry, scale, () => true), `${label} balances`).toBe(0n);
      const orders = sales.filter((d) => d.date === date && d.currency.code === currency && summaryMethodOf(d) === method);
      const dayRefunds = refunds.filter((r) => r.date === date && r.sale.currency.code === currency && summaryMethodOf(r.sale) === method);
      const tax = sum(orders.map((d) => units(d.totals.tax, scale))) - sum(dayRefunds.map((r) => units(r.credit!.tax, scale)));
      const total = sum(orders.map((d) => units(d.totals.total, scale))) - sum(dayRefunds.map((r) => units(r.credit!.total, scale)));
      const paid = sum(orders.flatMap((d) => d.payments.map((p) => units(p.amount, scale)))) - sum(dayRefunds.flatMap((r) => r.payouts.map((p) => units(p.amount, scale))));
      // The tax: credited by the orders' tax, debited by the refunds', to the cent.
      expect(-net(entry, scale, (l) => l.JournalEntryLineDetail.AccountRef.value === TAX_ACCOUNT), `${label} tax`).toBe(tax);
      // Sales and refunds, less tax: every revenue line together is the orders' net less the refunds'.
      const revenue = (l: JeLine) => ![TAX_ACCOUNT, AR_ACCOUNT, '4', '5'].includes(l.JournalEntryLineDetail.AccountRef.value);
      expect(-net(entry, scale, revenue), `${label} net sales`).toBe(total - tax);
      // The money: what the clearing accounts received; the rest on A/R with the summary customer.
      expect(net(entry, scale, (l) => ['4', '5'].includes(l.JournalEntryLineDetail.AccountRef.value)), `${label} money`).toBe(paid);
      const ar = entry.Line.filter((l) => l.JournalEntryLineDetail.AccountRef.value === AR_ACCOUNT);
      expect(net(entry, scale, (l) => l.JournalEntryLineDetail.AccountRef.value === AR_ACCOUNT), `${label} owed`).toBe(total - paid);
      for (const l of ar) expect(l.JournalEntryLineDetail.Entity?.Type).toBe('Customer');
    }
  });

  it('reconciliation reads each journal entry back as the summary’s sales and refund documents, equal to its orders’ and refunds’ to the cent', async () => {
    const read = await co.provider.listDocuments!({ from: DAYS[0]!, to: DAYS[3]! });
    expect(read.ok, !read.ok ? read.error.message : '').toBe(true);
    if (!read.ok) return;
    for (const [i, summary] of summaries.entries()) {
      const { date, currency, method } = summary.key;
      const label = `${date} ${currency} ${method}`;
      const scale = summary.scale;
      const number = summaryNumber(summary.key, ordinal[i]!);
      const orders = sales.filter((d) => d.date === date && d.currency.code === currency && summaryMethodOf(d) === method);
      const dayRefunds = refunds.filter((r) => r.date === date && r.sale.currency.code === currency && summaryMethodOf(r.sale) === method);
      const sold = read.value.filter((d) => d.kind === 'invoice' && d.number === number);
      const back = read.value.filter((d) => d.kind === 'credit_note' && d.number === `${number}-R`);
      expect(sold.map((d) => d.remoteId.startsWith('JournalEntry:')), label).toEqual(orders.length > 0 ? [true] : sold.map(() => true));
      if (orders.length > 0) {
        expect(units(sold[0]!.total, scale), `${label} total`).toBe(sum(orders.map((d) => units(d.totals.total, scale))));
        expect(units(sold[0]!.tax, scale), `${label} tax`).toBe(sum(orders.map((d) => units(d.totals.tax, scale))));
        for (const account of new Set(orders.flatMap((d) => d.payments.map((p) => p.account)))) {
          expect(sum((sold[0]!.received ?? []).filter((r) => r.account === account).map((r) => units(r.amount, scale))), `${label} received ${account}`)
            .toBe(sum(orders.flatMap((d) => d.payments.filter((p) => p.account === account).map((p) => units(p.amount, scale)))));
        }
        expect(sold[0]!.date).toBe(date);
        expect(sold[0]!.currency).toBe(currency);
      }
      expect(back, label).toHaveLength(dayRefunds.length > 0 ? 1 : 0);
      if (dayRefunds.length > 0) {
        expect(units(back[0]!.total, scale), `${label} refunds`).toBe(sum(dayRefunds.map((r) => units(r.credit!.total, scale))));
        expect(units(back[0]!.tax, scale), `${label} refunded tax`).toBe(sum(dayRefunds.map((r) => units(r.credit!.tax, scale))));
      }
    }
  });

  it('posting again finds each entry; a lost answer makes one entry; an open day refreshed updates the same entry in place', async () => {
    const before = await entries(co.realmId);
    for (const [i, summary] of summaries.entries()) {
      const again = await journal(summary, ordinal[i]!, 1);
      expect(again.ok && again.value.created, !again.ok ? again.error.message : '').toBe(false);
    }
    expect((await entries(co.realmId)).map((j) => j.SyncToken)).toEqual(before.map((j) => j.SyncToken));

    const i = summaries.findIndex((s) => s.orders.length > 1 && s.key.currency === 'USD');
    const summary = summaries[i]!;
    const number = summaryNumber(summary.key, ordinal[i]!);
    const first = before.find((j) => j.DocNumber === number)!;
    const next = buildDailySummaries({ sales: sales.filter((d) => d.source.orderId !== summary.orders[0]!.orderId), refunds })
      .find((s) => s.key.date === summary.key.date && s.key.currency === summary.key.currency && s.key.method === summary.key.method)!;
    const refreshed = await journal(next, ordinal[i]!, 2, { remoteId: `JournalEntry:${first.Id}`, number });
    expect(refreshed.ok && refreshed.value, !refreshed.ok ? refreshed.error.message : '').toMatchObject({ remoteId: `JournalEntry:${first.Id}`, created: false });
    const now = (await entries(co.realmId)).filter((j) => j.DocNumber === number);
    expect(now).toHaveLength(1);
    expect(Number(now[0]!.SyncToken)).toBe(Number(first.SyncToken) + 1);
    expect(-net(now[0]!, next.scale, (l) => l.JournalEntryLineDetail.AccountRef.value === TAX_ACCOUNT)).toBe(units(next.totals.sales.tax, next.scale) - units(next.totals.credits.tax, next.scale));

    // Two runs at once (the same key, so the same requestid): one entry.
    const race = await company('Race Journal Inc');
    const held = co;
    co = race;
    try {
      const both = await Promise.all([journal(summary, 1, 1), journal(summary, 1, 1)]);
      expect(both.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(['ok', 'ok']);
      expect(new Set(both.map((r) => r.ok && r.value.remoteId)).size).toBe(1);
      expect(await entries(race.realmId)).toHaveLength(1);
    } finally {
      co = held;
    }

    const lost = await company('Lost Journal Inc');
    const saved = co;
    co = lost;
    try {
      const fired = (await admin<{ faultsFired: number }>('GET', '/stats')).faultsFired;
      await admin('POST', '/faults', { kind: 'drop-after', method: 'POST', path: '/journalentry', realmId: lost.realmId, times: 1 });
      const firstTry = await journal(summary, 1, 1);
      await admin('DELETE', '/faults');
      expect((await admin<{ faultsFired: number }>('GET', '/stats')).faultsFired).toBe(fired + 1);
      expect(firstTry.ok, !firstTry.ok ? firstTry.error.message : '').toBe(true);
      expect(await entries(lost.realmId)).toHaveLength(1);
    } finally {
      co = saved;
    }
  });

  it('a day posted as sales forms stays so after a switch to journals, and a journal day stays a journal after a switch back', async () => {
    const fresh = await company('Switch Inc');
    const summary = summaries.find((s) => s.orders.length > 0 && s.key.currency === 'USD')!;
    const number = summaryNumber(summary.key, 1);
    const asSales = await fresh.post(summary, 1, 1);
    expect(asSales.ok).toBe(true);
    const saved = co;
    co = fresh;
    try {
      const switched = await journal(summary, 1, 2, asSales.ok ? { remoteId: asSales.value.remoteId, number } : null);
      expect(switched.ok ? 'posted' : switched.error.message).toMatch(/posted to QuickBooks as sales documents before the switch/);
      expect(await entries(fresh.realmId)).toHaveLength(0);
    } finally {
      co = saved;
    }
    const other = await company('Switch Back Inc');
    co = other;
    try {
      const asJournal = await journal(summary, 1, 1);
      expect(asJournal.ok).toBe(true);
      const back = await other.post(summary, 1, 2, asJournal.ok ? { remoteId: asJournal.value.remoteId, number } : null);
      expect(back.ok ? 'posted' : back.error.message).toMatch(/posted to QuickBooks as a journal entry before the switch/);
      expect([...await forms(other.realmId, 'SalesReceipt'), ...await forms(other.realmId, 'Invoice')]).toHaveLength(0);
    } finally {
      co = saved;
    }
  });

  it('saving posting.summaryDocument=journal is accepted for QuickBooks', async () => {
    const s = defaultSettings();
    const settings = { ...s, accounts: { ...s.accounts, ...QBO_TEST_ACCOUNTS }, payments: { ...s.payments, ...QBO_TEST_PAYMENTS }, tax: { ...s.tax, defaultTaxCode: 'TAX', zeroTaxCode: 'NON' }, posting: { ...s.posting, mode: 'daily_summary' as const, summaryFrom: '2026-11-02', summaryDocument: 'journal' as const } };
    const saved = await saveSettings(
      { storeHash: 'store1' as StoreHash, actorUserId: null, provider: co.provider, settings: { save: async (_h, value) => ({ ok: true as const, version: 2, settings: value as SyncSettings }) }, audit: { append: async () => undefined } },
      { expectedVersion: 1, settings },
    );
    expect(saved.ok ? saved.settings.posting.summaryDocument : saved).toBe('journal');
  });
});

// Late changes that reduce orders of closed days: negative summary lines (marked `edit`) and money paid back, booked in
// the summary of the day of the change (lib/sync/summary/daily-summary.ts). QuickBooks takes no sales form below zero.
describe('late reductions in QuickBooks summaries (negative lines)', () => {
  const sales = dayDocuments();
  /** A home-currency order paid in full into one gateway account, with two lines or more: its first line taken off. */
  const reduced = (): SummaryEdit => {
    const before = sales.find((d) => d.currency.code === 'USD' && d.lines.length >= 2 && d.payments.length === 1 && d.payments[0]!.kind === 'gateway' && new Big(d.lines[0]!.gross).gt(0) && new Big(d.totals.due).eq(0))!;
    const lines = before.lines.slice(1);
    const scale = before.currency.scale;
    const total = formatUnits(sum(lines.map((l) => parseUnits(l.gross, scale))), scale);
    const after: SalesDocument = {
      ...before, lines,
      totals: { ...before.totals, net: formatUnits(sum(lines.map((l) => parseUnits(l.net, scale))), scale), tax: formatUnits(sum(lines.map((l) => parseUnits(l.tax, scale))), scale), total, due: '0.00' },
      payments: [{ ...before.payments[0]!, amount: total }],
    };
    return { orderId: before.source.orderId, key: `late:${before.source.orderId}:1`, date: DAYS[3]!, before, after };
  };

  it('a day of only a reduction is a refund receipt paid back out of the account (sales path) and a balanced journal entry (journal path)', async () => {
    const edit = reduced();
    const [summary] = buildDailySummaries({ sales: [], edits: [edit] });
    expect(summary!.sales.every((l) => l.edit && new Big(l.gross).lt(0))).toBe(true);
    expect(summary!.payouts).toHaveLength(1);
    const scale = summary!.scale;
    const off = units(edit.before!.lines[0]!.gross, scale);
    const offTax = units(edit.before!.lines[0]!.tax, scale);

    const asSales = await company('Late Reduction Inc');
    const posted = await asSales.post(summary!, 1, 1);
    expect(posted.ok, !posted.ok ? posted.error.message : '').toBe(true);
    expect([...await forms(asSales.realmId, 'SalesReceipt'), ...await forms(asSales.realmId, 'Invoice')]).toHaveLength(0);
    const back = await forms(asSales.realmId, 'RefundReceipt');
    expect(back).toHaveLength(1);
    expect(back[0]!.DocNumber).toBe(`${summaryNumber(summary!.key, 1)}-R`);
    expect(units(back[0]!.TotalAmt, scale)).toBe(off);
    expect(units(back[0]!.TxnTaxDetail.TotalTax, scale)).toBe(offTax);
    expect(back[0]!.DepositToAccountRef?.value).toBe(edit.before!.payments[0]!.account);
    const again = await asSales.post(summary!, 1, 1);
    expect(again.ok && again.value.created).toBe(false);
    expect(await forms(asSales.realmId, 'RefundReceipt')).toHaveLength(1);

    const asJournal = await company('Late Reduction Journal Inc');
    const je = await asJournal.provider.postSummary!({
      summary: summary!, number: summaryNumber(summary!.key, 1), customer: summaryCustomer(summary!.key.method), idempotencyKey: 'late-je', replaces: null, description: 'late', document: 'journal',
    });
    expect(je.ok, !je.ok ? je.error.message : '').toBe(true);
    const [entry] = (await admin<{ items: Array<{ TotalAmt: number; Line: Array<{ Amount: number; JournalEntryLineDetail: { PostingType: string; AccountRef: { value: string } } }> }> }>('GET', `/companies/${asJournal.realmId}/entities/JournalEntry`)).items;
    const signed = (pick: (a: string) => boolean) => sum(entry!.Line.filter((l) => pick(l.JournalEntryLineDetail.AccountRef.value)).map((l) => (l.JournalEntryLineDetail.PostingType === 'Debit' ? 1n : -1n) * units(l.Amount, scale)));
    expect(signed(() => true)).toBe(0n);
    expect(signed((a) => a === '10')).toBe(offTax);
    expect(signed((a) => a === edit.before!.payments[0]!.account)).toBe(-off);
    expect(units(entry!.TotalAmt, scale)).toBe(off);
    // Paid back in full: no line on A/R, so no summary customer was needed or made.
    expect((await admin<{ items: unknown[] }>('GET', `/companies/${asJournal.realmId}/entities/Customer`)).items).toHaveLength(0);
  });

  it('a reduction on a day of new sales comes off the day’s sales receipt, which still equals the orders and the change to the cent', async () => {
    const edit = reduced();
    const fresh = sales.filter((d) => d.currency.code === 'USD' && d.payments.length === 1 && d.payments[0]!.account === edit.before!.payments[0]!.account && summaryMethodOf(d) === summaryMethodOf(edit.before!) && new Big(d.totals.due).eq(0) && d.source.orderId !== edit.orderId)
      .slice(0, 2).map((d) => ({ ...d, date: DAYS[3]! }));
    expect(fresh.length).toBeGreaterThan(0);
    const [summary] = buildDailySummaries({ sales: fresh, edits: [edit] });
    expect(summary!.sales.some((l) => l.edit && new Big(l.net).lt(0))).toBe(true);
    const scale = summary!.scale;
    const expected = sum(fresh.map((d) => units(d.totals.total, scale))) - units(edit.before!.lines[0]!.gross, scale);
    expect(expected > 0n).toBe(true);
    const co = await company('Late Mixed Inc');
    const posted = await co.post(summary!, 1, 1);
    expect(posted.ok, !posted.ok ? posted.error.message : '').toBe(true);
    const receipts = await forms(co.realmId, 'SalesReceipt');
    expect(receipts).toHaveLength(1);
    expect(units(receipts[0]!.TotalAmt, scale)).toBe(expected);
    expect(units(receipts[0]!.TxnTaxDetail.TotalTax, scale)).toBe(sum(fresh.map((d) => units(d.totals.tax, scale))) - units(edit.before!.lines[0]!.tax, scale));
    expect(await forms(co.realmId, 'RefundReceipt')).toHaveLength(0);
  });
});
