/**
 * The reconciliation page's view (issue 17) and what other features read of it: the last 30 days (agree, differ, not
 * reconciled yet), a day's two columns and its differences with a link to each order, the CSV of a day, and
 * `reconciliationOfDay` for the notifier (the daily digest's figures are these).
 */
import { z } from 'zod';
import type { Db } from '@/db';
import type { StoreHash } from '@/lib/ids';
import { createReconciliationRepo } from '@/lib/repos/reconciliation';
import { datesBetween, isRepairable, type DayResult, type DifferenceClass } from '@/lib/sync/reconcile';

export type { DifferenceClass };

export type ChartDayStatus = 'agrees' | 'differs' | 'not_reconciled';

export interface ReconciliationChartDay {
  date: string;
  status: ChartDayStatus;
  differences: number;
}

export interface ReconciliationDifferenceView {
  orderId: number;
  class: DifferenceClass;
  amount: string;
  reason: string;
  /** The order's page in the app (its timeline, retry). */
  orderPath: string;
  repairable: boolean;
}

export interface ReconciliationDayView {
  date: string;
  currency: string;
  agrees: boolean;
  store: DayResult['store'];
  books: DayResult['books'];
  differences: ReconciliationDifferenceView[];
  reconciledAt: string;
}

export interface ReconciliationView {
  /** The last 30 days, oldest first, ending yesterday. */
  chart: ReconciliationChartDay[];
  /** The day shown (yesterday unless one was asked for): every currency of it; [] when not reconciled yet. */
  date: string;
  days: ReconciliationDayView[];
}

/** What the notifier reads: a day's results per currency, null when the day was not reconciled yet. */
export interface DayReconciliation {
  storeHash: string;
  date: string;
  agrees: boolean;
  days: DayResult[];
  reconciledAt: string;
}

export const CHART_DAYS = 30;

const shift = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

export function dayView(result: DayResult, reconciledAt: Date): ReconciliationDayView {
  return {
    date: result.date,
    currency: result.currency,
    agrees: result.differences.length === 0,
    store: result.store,
    books: result.books,
    differences: result.differences.map((d) => ({ ...d, orderPath: `/activity/${d.orderId}`, repairable: isRepairable(d) })),
    reconciledAt: reconciledAt.toISOString(),
  };
}

/** The page's data: the chart of the 30 days up to `yesterday`, and `date`'s results. */
export async function reconciliationView(db: Db, storeHash: StoreHash, input: { yesterday: string; date?: string }): Promise<ReconciliationView> {
  const repo = createReconciliationRepo({ db });
  const from = shift(input.yesterday, -(CHART_DAYS - 1));
  const stored = await repo.days(storeHash, from, input.yesterday);
  const byDate = new Map<string, number>();
  for (const s of stored) byDate.set(s.result.date, (byDate.get(s.result.date) ?? 0) + s.result.differences.length);
  const chart = datesBetween(from, input.yesterday).map((date) => {
    const n = byDate.get(date);
    return { date, status: n === undefined ? 'not_reconciled' : n === 0 ? 'agrees' : 'differs', differences: n ?? 0 } satisfies ReconciliationChartDay;
  });
  const date = input.date ?? input.yesterday;
  const shown = date >= from && date <= input.yesterday ? stored.filter((s) => s.result.date === date) : await repo.days(storeHash, date, date);
  return { chart, date, days: shown.map((s) => dayView(s.result, s.reconciledAt)) };
}

/** For the notifier (daily digest, alerts): the stored result of one day of one store, or null before it is reconciled. */
export async function reconciliationOfDay(db: Db, storeHash: StoreHash, date: string): Promise<DayReconciliation | null> {
  const stored = await createReconciliationRepo({ db }).days(storeHash, date, date);
  if (stored.length === 0) return null;
  return {
    storeHash,
    date,
    agrees: stored.every((s) => s.result.differences.length === 0),
    days: stored.map((s) => s.result),
    reconciledAt: new Date(Math.max(...stored.map((s) => s.reconciledAt.getTime()))).toISOString(),
  };
}

const csvCell = (value: string | number) => {
  const text = String(value);
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Payments by method in one CSV cell, by name (a stored day's keys come back in jsonb's order): `Credit Card=110.00; PayPal=50.00`. */
const paymentsCell = (payments: Record<string, string>) =>
  Object.entries(payments).sort(([a], [b]) => a.localeCompare(b)).map(([method, amount]) => `${method}=${amount}`).join('; ');

/** A day's differences as CSV (one line per difference, with the day's two columns repeated for a pivot table, payments by method last). */
export function reconciliationCsv(days: readonly ReconciliationDayView[]): string {
  const header = [
    'date', 'currency', 'order_id', 'class', 'amount', 'reason', 'store_orders', 'store_total', 'store_tax', 'store_refunds', 'books_documents', 'books_total',
    'books_tax', 'books_refunds', 'store_payments', 'books_payments',
  ];
  const rows = days.flatMap((day) => {
    const sides = [
      day.store.orders, day.store.total, day.store.tax, day.store.refunds, day.books.documents, day.books.total, day.books.tax, day.books.refunds,
      paymentsCell(day.store.payments), paymentsCell(day.books.payments),
    ];
    return day.differences.length === 0
      ? [[day.date, day.currency, '', 'agrees', '0', '', ...sides]]
      : day.differences.map((d) => [day.date, day.currency, d.orderId, d.class, d.amount, d.reason, ...sides]);
  });
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const reconcileNowSchema = z
  .object({ from: z.iso.date(), to: z.iso.date() })
  .refine((r) => r.from <= r.to, { message: 'The first day must not be after the last.', path: ['from'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 < 92, { message: 'At most 92 days at once.', path: ['to'] });

export const repairSchema = z.object({ date: z.iso.date(), orderIds: z.array(z.number().int().positive()).max(500).optional() });
export const dayQuerySchema = z.object({ date: z.iso.date().optional() });
