/**
 * Read models of the built-in ledger for the Ledger page: the journal by date with filters (one page of entries
 * and their lines), the trial balance summed by Postgres in numeric, customers, items with stock on hand, the
 * stock adjustment use case, and the exports (hledger, beancount, CSV).
 */
import { and, asc, desc, eq, exists, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db';
import { ledgerAccounts, ledgerCustomers, ledgerEntries, ledgerItems, ledgerLines, ledgerStock } from '@/db/schema';
import { exportBeancount, exportCsv, exportHledger, ledgerAccountName, loadLedger } from '@/lib/accounting/ledger';
import type { StockLevel, Outcome } from '@/lib/sync/provider';
import type { StoreHash } from '@/lib/ids';
import { currencyScale, formatUnits, parseUnits } from '@/lib/money';

const date = z.iso.date('Enter a date as YYYY-MM-DD');

export const journalQuerySchema = z
  .object({
    from: date.optional(),
    to: date.optional(),
    account: z.string().trim().min(1).max(64).optional(),
    kind: z.enum(['invoice', 'sales_receipt', 'sales_order', 'payment', 'void', 'credit_note', 'adjustment'], 'Unknown entry kind').optional(),
    /** Document number or order id. */
    search: z.string().trim().min(1).max(64).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(5).max(100).default(25),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The end date is before the start date' });
export type JournalQuery = z.infer<typeof journalQuerySchema>;

export interface JournalEntryView {
  id: number;
  date: string;
  number: string;
  kind: string;
  status: string;
  orderId: number | null;
  currency: string;
  description: string;
  customer: string | null;
  lines: Array<{ accountCode: string; accountName: string; debit: string; credit: string; description: string }>;
}

function money(value: string, currency: string): string {
  const scale = currencyScale(currency);
  return formatUnits(parseUnits(value, scale), scale);
}

export async function journal(db: Db, storeHash: StoreHash, q: JournalQuery) {
  const where: SQL[] = [eq(ledgerEntries.storeHash, storeHash)];
  if (q.from) where.push(gte(ledgerEntries.date, q.from));
  if (q.to) where.push(lte(ledgerEntries.date, q.to));
  if (q.kind) where.push(eq(ledgerEntries.kind, q.kind));
  if (q.search) {
    const byNumber = ilike(ledgerEntries.number, `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(/^\d{1,15}$/.test(q.search) ? or(byNumber, eq(ledgerEntries.orderId, Number(q.search)))! : byNumber);
  }
  if (q.account) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(ledgerLines)
          .where(and(eq(ledgerLines.entryId, ledgerEntries.id), eq(ledgerLines.storeHash, storeHash), eq(ledgerLines.accountCode, q.account))),
      ),
    );
  }
  const filter = and(...where);
  const [entries, counted, accounts] = await Promise.all([
    db
      .select({ e: ledgerEntries, customer: ledgerCustomers.displayName })
      .from(ledgerEntries)
      .leftJoin(ledgerCustomers, eq(ledgerCustomers.id, ledgerEntries.customerId))
      .where(filter)
      .orderBy(desc(ledgerEntries.date), desc(ledgerEntries.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<string>`count(*)` }).from(ledgerEntries).where(filter),
    db.select({ code: ledgerAccounts.code, name: ledgerAccounts.name }).from(ledgerAccounts).where(eq(ledgerAccounts.storeHash, storeHash)),
  ]);
  const ids = entries.map((r) => r.e.id);
  const lines = ids.length
    ? await db.select().from(ledgerLines).where(and(eq(ledgerLines.storeHash, storeHash), inArray(ledgerLines.entryId, ids))).orderBy(asc(ledgerLines.entryId), asc(ledgerLines.lineNo))
    : [];
  const names = new Map(accounts.map((a) => [a.code, a.name]));
  const total = Number(counted[0]?.n ?? 0);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    pages: Math.max(1, Math.ceil(total / q.pageSize)),
    entries: entries.map(({ e, customer }): JournalEntryView => ({
      id: e.id,
      date: e.date,
      number: e.number,
      kind: e.kind,
      status: e.status,
      orderId: e.orderId,
      currency: e.currency,
      description: e.description,
      customer,
      lines: lines
        .filter((l) => l.entryId === e.id)
        .map((l) => {
          const negative = l.amount.startsWith('-');
          const amount = money(negative ? l.amount.slice(1) : l.amount, e.currency);
          return {
            accountCode: l.accountCode,
            accountName: names.get(l.accountCode) ?? l.accountCode,
            debit: negative ? '' : amount,
            credit: negative ? amount : '',
            description: l.description,
          };
        }),
    })),
  };
}

export const rangeSchema = z
  .object({ from: date.optional(), to: date.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The end date is before the start date' });

export interface TrialBalanceLine {
  accountCode: string;
  accountName: string;
  accountType: string;
  ledgerName: string;
  currency: string;
  debit: string;
  credit: string;
  balance: string;
}

/** Posted and voided entries (a voided entry stays with its reversal), summed per account and currency. */
export async function trialBalanceView(db: Db, storeHash: StoreHash, range: z.infer<typeof rangeSchema>): Promise<{ rows: TrialBalanceLine[]; balanced: boolean }> {
  const rows = await db
    .select({
      code: ledgerLines.accountCode,
      currency: ledgerEntries.currency,
      debit: sql<string>`coalesce(sum(case when ${ledgerLines.amount} > 0 then ${ledgerLines.amount} else 0 end), 0)::text`,
      credit: sql<string>`coalesce(sum(case when ${ledgerLines.amount} < 0 then -${ledgerLines.amount} else 0 end), 0)::text`,
    })
    .from(ledgerLines)
    .innerJoin(ledgerEntries, eq(ledgerEntries.id, ledgerLines.entryId))
    .where(
      and(
        eq(ledgerLines.storeHash, storeHash),
        eq(ledgerEntries.storeHash, storeHash),
        inArray(ledgerEntries.status, ['posted', 'voided']),
        range.from ? gte(ledgerEntries.date, range.from) : undefined,
        range.to ? lte(ledgerEntries.date, range.to) : undefined,
      ),
    )
    .groupBy(ledgerLines.accountCode, ledgerEntries.currency);
  const accounts = new Map(
    (await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.storeHash, storeHash))).map((a) => [a.code, a]),
  );
  const totals = new Map<string, bigint>();
  const out = rows
    .map((r) => {
      const scale = currencyScale(r.currency);
      const debit = parseUnits(r.debit, scale);
      const credit = parseUnits(r.credit, scale);
      totals.set(r.currency, (totals.get(r.currency) ?? 0n) + debit - credit);
      const a = accounts.get(r.code);
      const info = { code: r.code, name: a?.name ?? r.code, type: a?.type ?? ('asset' as const) };
      return {
        accountCode: r.code,
        accountName: info.name,
        accountType: info.type,
        ledgerName: ledgerAccountName(info),
        currency: r.currency,
        debit: formatUnits(debit, scale),
        credit: formatUnits(credit, scale),
        balance: formatUnits(debit - credit, scale),
      };
    })
    .sort((x, y) => x.accountCode.localeCompare(y.accountCode) || x.currency.localeCompare(y.currency));
  return { rows: out, balanced: [...totals.values()].every((t) => t === 0n) };
}

export const listQuerySchema = z.object({
  search: z.string().trim().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(25),
});

export async function customers(db: Db, storeHash: StoreHash, q: z.infer<typeof listQuerySchema>) {
  const where = and(
    eq(ledgerCustomers.storeHash, storeHash),
    q.search ? or(ilike(ledgerCustomers.displayName, `%${q.search}%`), ilike(ledgerCustomers.email, `%${q.search}%`)) : undefined,
  );
  const [rows, counted] = await Promise.all([
    db.select().from(ledgerCustomers).where(where).orderBy(asc(ledgerCustomers.displayName)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<string>`count(*)` }).from(ledgerCustomers).where(where),
  ]);
  const total = Number(counted[0]?.n ?? 0);
  return {
    total,
    page: q.page,
    pages: Math.max(1, Math.ceil(total / q.pageSize)),
    customers: rows.map((c) => ({ id: c.id, name: c.displayName, email: c.email, company: c.company, bcCustomerId: c.bcCustomerId })),
  };
}

export async function items(db: Db, storeHash: StoreHash, q: z.infer<typeof listQuerySchema>) {
  const where = and(
    eq(ledgerItems.storeHash, storeHash),
    q.search ? or(ilike(ledgerItems.sku, `%${q.search}%`), ilike(ledgerItems.name, `%${q.search}%`)) : undefined,
  );
  const [rows, counted] = await Promise.all([
    db
      .select({
        id: ledgerItems.id,
        sku: ledgerItems.sku,
        name: ledgerItems.name,
        description: ledgerItems.description,
        unitPrice: ledgerItems.unitPrice,
        salesAccount: ledgerItems.salesAccountCode,
        trackStock: ledgerItems.trackStock,
        quantity: ledgerStock.quantity,
      })
      .from(ledgerItems)
      .leftJoin(ledgerStock, and(eq(ledgerStock.itemId, ledgerItems.id), eq(ledgerStock.locationId, 1)))
      .where(where)
      .orderBy(asc(ledgerItems.sku))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    db.select({ n: sql<string>`count(*)` }).from(ledgerItems).where(where),
  ]);
  const total = Number(counted[0]?.n ?? 0);
  const qty = (v: string | null) => (v === null ? '0' : formatUnits(parseUnits(v, 4), 4).replace(/\.?0+$/, '') || '0');
  return {
    total,
    page: q.page,
    pages: Math.max(1, Math.ceil(total / q.pageSize)),
    items: rows.map((i) => ({
      id: i.id,
      sku: i.sku,
      name: i.name,
      description: i.description,
      // Four places as stored, shown with at least two ("12.5000" → "12.50", "0.1250" → "0.125").
      unitPrice: i.unitPrice === null ? null : formatUnits(parseUnits(i.unitPrice, 4), 4).replace(/(\.\d\d\d*?)0+$/, '$1'),
      salesAccount: i.salesAccount,
      trackStock: i.trackStock,
      onHand: qty(i.quantity),
    })),
  };
}

export const stockAdjustmentSchema = z.object({
  sku: z.string().trim().min(1, 'Enter a SKU').max(255),
  /** The new quantity on hand (a count), never a float on the wire. */
  quantity: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,4})?$/, 'Enter a quantity of zero or more, such as 12'),
  /** Create the item when the SKU is new. */
  name: z.string().trim().min(1).max(255).optional(),
});

export type StockAdjustmentResult = { ok: true; level: StockLevel } | { ok: false; fields: Record<string, string> };

export async function adjustStock(
  deps: {
    setStock(sku: string, quantity: string): Promise<Outcome<StockLevel>>;
    upsertItem?(item: { sku: string; name: string }): Promise<unknown>;
  },
  input: z.infer<typeof stockAdjustmentSchema>,
): Promise<StockAdjustmentResult> {
  if (input.name && deps.upsertItem) await deps.upsertItem({ sku: input.sku, name: input.name });
  const result = await deps.setStock(input.sku, input.quantity);
  if (result.ok) return { ok: true, level: result.value };
  if (result.error.kind === 'not_found') return { ok: false, fields: { sku: `No item with SKU ${input.sku}. Give it a name to create it.` } };
  return { ok: false, fields: { quantity: result.error.message } };
}

export const EXPORT_FORMATS = {
  hledger: { contentType: 'text/plain; charset=utf-8', extension: 'journal' },
  beancount: { contentType: 'text/plain; charset=utf-8', extension: 'beancount' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export const exportQuerySchema = z
  .object({ format: z.enum(['hledger', 'beancount', 'csv'], 'Choose hledger, beancount or csv'), from: date.optional(), to: date.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'The end date is before the start date' });

export async function exportLedger(db: Db, storeHash: StoreHash, q: z.infer<typeof exportQuerySchema>) {
  const snapshot = await loadLedger(db, storeHash, { from: q.from, to: q.to });
  const body = q.format === 'hledger' ? exportHledger(snapshot) : q.format === 'beancount' ? exportBeancount(snapshot) : exportCsv(snapshot);
  const { contentType, extension } = EXPORT_FORMATS[q.format];
  return { body, contentType, filename: `ledger-${storeHash}${q.from ? `-from-${q.from}` : ''}${q.to ? `-to-${q.to}` : ''}.${extension}` };
}
