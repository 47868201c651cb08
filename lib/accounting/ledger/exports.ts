/**
 * Exports of the built-in ledger for a date range: hledger journal, beancount, CSV (one row per line), and
 * a trial balance. Unposted entries (sales orders) are left out; a voided entry stays in with its reversal.
 */
import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { ledgerAccounts, ledgerCustomers, ledgerEntries, ledgerLines, type LedgerAccountType } from '@/db/schema/ledger';
import { currencyScale, formatUnits, parseUnits } from '@/lib/money';

export interface DateRange {
  /** Inclusive, YYYY-MM-DD. */
  from?: string;
  /** Inclusive, YYYY-MM-DD. */
  to?: string;
}

export interface JournalExportEntry {
  id: number;
  date: string;
  number: string;
  kind: string;
  postingKey: string;
  orderId: number | null;
  currency: string;
  description: string;
  customer: string | null;
  lines: { accountCode: string; amount: string; description: string }[];
}

export interface AccountInfo {
  code: string;
  name: string;
  type: LedgerAccountType;
}

export interface LedgerSnapshot {
  storeHash: string;
  accounts: AccountInfo[];
  entries: JournalExportEntry[];
}

export interface TrialBalanceRow {
  accountCode: string;
  accountName: string;
  accountType: LedgerAccountType;
  /** Name used in the hledger and beancount exports. */
  ledgerName: string;
  currency: string;
  debit: string;
  credit: string;
  /** debit − credit. */
  balance: string;
}

/** Loads the posted entries of a range with their lines (two queries). */
export async function loadLedger(db: Db, storeHash: string, range: DateRange = {}): Promise<LedgerSnapshot> {
  const accounts = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.storeHash, storeHash)).orderBy(asc(ledgerAccounts.code));
  const entries = await db
    .select({ e: ledgerEntries, customer: ledgerCustomers.displayName })
    .from(ledgerEntries)
    .leftJoin(ledgerCustomers, eq(ledgerCustomers.id, ledgerEntries.customerId))
    .where(and(
      eq(ledgerEntries.storeHash, storeHash),
      inArray(ledgerEntries.status, ['posted', 'voided']),
      range.from ? gte(ledgerEntries.date, range.from) : undefined,
      range.to ? lte(ledgerEntries.date, range.to) : undefined,
    ))
    .orderBy(asc(ledgerEntries.date), asc(ledgerEntries.id));
  const ids = entries.map((r) => r.e.id);
  const lines = ids.length
    ? await db.select().from(ledgerLines).where(and(eq(ledgerLines.storeHash, storeHash), inArray(ledgerLines.entryId, ids))).orderBy(asc(ledgerLines.entryId), asc(ledgerLines.lineNo))
    : [];
  const byEntry = new Map<number, JournalExportEntry['lines']>();
  for (const l of lines) {
    const list = byEntry.get(l.entryId) ?? [];
    list.push({ accountCode: l.accountCode, amount: l.amount, description: l.description });
    byEntry.set(l.entryId, list);
  }
  return {
    storeHash,
    accounts: accounts.map((a) => ({ code: a.code, name: a.name, type: a.type })),
    entries: entries.map(({ e, customer }) => ({
      id: e.id, date: e.date, number: e.number, kind: e.kind, postingKey: e.postingKey, orderId: e.orderId, currency: e.currency,
      description: e.description, customer, lines: byEntry.get(e.id) ?? [],
    })),
  };
}

const ROOTS: Record<LedgerAccountType, string> = { asset: 'Assets', liability: 'Liabilities', equity: 'Equity', income: 'Income', expense: 'Expenses' };
const HLEDGER_TYPES: Record<LedgerAccountType, string> = { asset: 'A', liability: 'L', equity: 'E', income: 'R', expense: 'X' };

/** "Assets:1200-Accounts-Receivable": valid in both hledger and beancount (no spaces, capitalised root). */
export function ledgerAccountName(account: AccountInfo): string {
  const slug = account.name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'Account';
  const code = account.code.replace(/[^A-Za-z0-9]+/g, '-');
  return `${ROOTS[account.type]}:${/^[A-Z0-9]/.test(code) ? code : `A${code}`}-${slug}`;
}

function amountUnits(amount: string, currency: string): bigint {
  return parseUnits(amount, currencyScale(currency));
}
function money(units: bigint, currency: string): string {
  return formatUnits(units, currencyScale(currency));
}

export function trialBalance(snapshot: LedgerSnapshot): TrialBalanceRow[] {
  const accounts = new Map(snapshot.accounts.map((a) => [a.code, a]));
  const totals = new Map<string, { debit: bigint; credit: bigint; code: string; currency: string }>();
  for (const e of snapshot.entries) {
    for (const l of e.lines) {
      const key = `${l.accountCode}\u0000${e.currency}`;
      const t = totals.get(key) ?? { debit: 0n, credit: 0n, code: l.accountCode, currency: e.currency };
      const units = amountUnits(l.amount, e.currency);
      if (units >= 0n) t.debit += units;
      else t.credit -= units;
      totals.set(key, t);
    }
  }
  return [...totals.values()]
    .map((t) => {
      const a = accounts.get(t.code) ?? { code: t.code, name: t.code, type: 'asset' as const };
      return {
        accountCode: t.code, accountName: a.name, accountType: a.type, ledgerName: ledgerAccountName(a), currency: t.currency,
        debit: money(t.debit, t.currency), credit: money(t.credit, t.currency), balance: money(t.debit - t.credit, t.currency),
      };
    })
    .sort((x, y) => (x.accountCode === y.accountCode ? x.currency.localeCompare(y.currency) : x.accountCode.localeCompare(y.accountCode)));
}

/** Text safe on one journal line: no newlines, no comment or field separators. */
function oneLine(text: string, forbidden: RegExp): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(forbidden, ' ').replace(/ {2,}/g, ' ').trim();
}

/** hledger journal; passes `hledger check --strict` (accounts and commodities declared). */
export function exportHledger(snapshot: LedgerSnapshot): string {
  const used = usedCurrencies(snapshot);
  const out: string[] = [`; Ledgerbridge built-in ledger for store ${snapshot.storeHash}`, ''];
  // hledger wants a decimal mark in the directive even for zero-decimal currencies ("1000. JPY").
  for (const c of used) {
    const sample = money(100000n * 10n ** BigInt(currencyScale(c)), c);
    out.push(`commodity ${sample.includes('.') ? sample : `${sample}.`} ${c}`);
  }
  out.push('');
  for (const a of snapshot.accounts) out.push(`account ${ledgerAccountName(a)}  ; type: ${HLEDGER_TYPES[a.type]}`);
  const accounts = new Map(snapshot.accounts.map((a) => [a.code, a]));
  for (const e of snapshot.entries) {
    const who = oneLine(e.customer ?? '', /[|;]/g);
    const desc = oneLine(`${who ? `${who} | ` : ''}${e.description}`, /;/g);
    out.push('', `${e.date} * (${oneLine(e.number, /[()]/g)}) ${desc}  ; kind:${e.kind}, order:${e.orderId ?? ''}`);
    for (const l of e.lines) {
      const a = accounts.get(l.accountCode);
      if (!a) throw new Error(`account ${l.accountCode} missing from the chart`);
      out.push(`    ${ledgerAccountName(a)}  ${money(amountUnits(l.amount, e.currency), e.currency)} ${e.currency}  ; ${oneLine(l.description, /;/g)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function beanString(text: string): string {
  return `"${oneLine(text, /["\\]/g)}"`;
}

/** Beancount 2 input; passes `bean-check`. */
export function exportBeancount(snapshot: LedgerSnapshot, openDate = '1970-01-01'): string {
  const used = usedCurrencies(snapshot);
  const out: string[] = [`option "title" ${beanString(`Ledgerbridge ${snapshot.storeHash}`)}`];
  for (const c of used) out.push(`option "operating_currency" "${c}"`);
  out.push('');
  for (const c of used) out.push(`${openDate} commodity ${c}`);
  for (const a of snapshot.accounts) out.push(`${openDate} open ${ledgerAccountName(a)}`);
  const accounts = new Map(snapshot.accounts.map((a) => [a.code, a]));
  for (const e of snapshot.entries) {
    out.push('', `${e.date} * ${beanString(e.customer ?? '')} ${beanString(`${e.number} ${e.description}`)}`);
    out.push(`  posting-key: ${beanString(e.postingKey)}`);
    for (const l of e.lines) {
      const a = accounts.get(l.accountCode);
      if (!a) throw new Error(`account ${l.accountCode} missing from the chart`);
      out.push(`  ${ledgerAccountName(a)}  ${money(amountUnits(l.amount, e.currency), e.currency)} ${e.currency}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function csvCell(value: string): string {
  // Spreadsheet formula injection: a text cell must not start with = + - @ (amounts are written unquoted).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV, one row per journal line, debit and credit in separate columns. */
export function exportCsv(snapshot: LedgerSnapshot): string {
  const accounts = new Map(snapshot.accounts.map((a) => [a.code, a]));
  const rows = [['date', 'number', 'kind', 'order_id', 'posting_key', 'customer', 'account_code', 'account_name', 'description', 'currency', 'debit', 'credit'].join(',')];
  for (const e of snapshot.entries) {
    for (const l of e.lines) {
      const units = amountUnits(l.amount, e.currency);
      rows.push([
        e.date, csvCell(e.number), e.kind, e.orderId === null ? '' : String(e.orderId), csvCell(e.postingKey), csvCell(e.customer ?? ''),
        csvCell(l.accountCode), csvCell(accounts.get(l.accountCode)?.name ?? ''), csvCell(l.description), e.currency,
        units > 0n ? money(units, e.currency) : '', units < 0n ? money(-units, e.currency) : '',
      ].join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

function usedCurrencies(snapshot: LedgerSnapshot): string[] {
  return [...new Set(snapshot.entries.map((e) => e.currency))].sort();
}
