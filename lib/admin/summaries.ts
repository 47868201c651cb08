/**
 * The daily summary's page (issue 18) and the list that leads to it: a summary (one per day, currency and payment
 * method, lib/sync/summary) with its lines, money and, per order, its share (total, tax, payment), the refunds and
 * the late changes it books; and the CSV of its orders. Read from the summary as stored when it was last posted (what
 * the books hold), scoped by the session's store and its current provider.
 */
import { z } from 'zod';
import type { SummaryRow } from '@/lib/repos/summaries';
import type { SummaryLine, SummaryMoney } from '@/lib/sync/summary/daily-summary';

export interface SummaryListItem {
  number: string;
  day: string;
  currency: string;
  method: string;
  state: SummaryRow['state'];
  closed: boolean;
  total: string | null;
  orders: number;
  refunds: number;
  edits: number;
  path: string;
}

export interface SummaryShareRow {
  /** `order`: an order of the day; `refund`: a refund of the day; `change`: a late change to an order of a closed day. */
  type: 'order' | 'refund' | 'change';
  id: string;
  orderId: number;
  orderNumber: string | null;
  refundId: number | null;
  /** The order's own day (changes: the closed day whose order changed). */
  orderDate: string | null;
  net: string | null;
  tax: string;
  total: string;
  /** Payments put on the clearing accounts (refunds: money paid back, negative). Null when the stored summary predates it. */
  payment: string | null;
  orderPath: string;
}

export interface SummaryPageView {
  number: string;
  /** The number the books gave it, when it differs. */
  remoteNumber: string | null;
  day: string;
  currency: string;
  method: string;
  state: SummaryRow['state'];
  closed: boolean;
  version: number;
  message: string | null;
  postedAt: string | null;
  totals: { sales: { net: string; tax: string; gross: string }; credits: { net: string; tax: string; gross: string }; received: string; due: string } | null;
  sales: SummaryLine[];
  credits: SummaryLine[];
  payments: SummaryMoney[];
  payouts: SummaryMoney[];
  shares: SummaryShareRow[];
}

export const summaryListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(60) });

export const summaryPath = (number: string) => `/summaries/${encodeURIComponent(number)}`;

export function summaryListItem(row: SummaryRow): SummaryListItem {
  const s = row.summary;
  return {
    number: row.number, day: row.day, currency: row.currency, method: row.method, state: row.state, closed: row.closed,
    total: s?.totals.sales.gross ?? null, orders: s?.orders.length ?? 0, refunds: s?.refunds.length ?? 0, edits: s?.edits?.length ?? 0,
    path: summaryPath(row.number),
  };
}

export function summaryPageView(row: SummaryRow): SummaryPageView {
  const s = row.summary;
  const negate = (v: string) => (v.startsWith('-') ? v.slice(1) : /^0(\.0+)?$/.test(v) ? v : `-${v}`);
  const shares: SummaryShareRow[] = [
    ...(s?.orders ?? []).map((o) => ({
      type: 'order' as const, id: `order-${o.orderId}`, orderId: o.orderId, orderNumber: o.number, refundId: null, orderDate: row.day,
      net: o.net, tax: o.tax, total: o.total, payment: o.paid ?? null, orderPath: `/activity/${o.orderId}`,
    })),
    ...(s?.refunds ?? []).map((r) => ({
      type: 'refund' as const, id: `refund-${r.refundId}`, orderId: r.orderId, orderNumber: null, refundId: r.refundId, orderDate: null,
      net: null, tax: negate(r.tax), total: negate(r.total), payment: r.paidOut === undefined ? null : negate(r.paidOut), orderPath: `/activity/${r.orderId}`,
    })),
    ...(s?.edits ?? []).map((e) => ({
      type: 'change' as const, id: `change-${e.key}`, orderId: e.orderId, orderNumber: e.number, refundId: null, orderDate: e.orderDate,
      net: e.net, tax: e.tax, total: e.total, payment: e.paid, orderPath: `/activity/${e.orderId}`,
    })),
  ];
  return {
    number: row.number, remoteNumber: row.remoteNumber && row.remoteNumber !== row.number ? row.remoteNumber : null,
    day: row.day, currency: row.currency, method: row.method, state: row.state, closed: row.closed, version: row.version, message: row.message,
    postedAt: row.postedAt?.toISOString() ?? null,
    totals: s?.totals ?? null,
    sales: s?.sales ?? [], credits: s?.credits ?? [], payments: s?.payments ?? [], payouts: s?.payouts ?? [],
    shares,
  };
}

const csvCell = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The summary's orders (and its refunds and late changes) as CSV, one line each, with the summary named on each line. */
export function summaryCsv(view: SummaryPageView): string {
  const header = ['summary', 'day', 'currency', 'method', 'type', 'order_id', 'order_number', 'refund_id', 'order_date', 'net', 'tax', 'total', 'payment'];
  const rows = view.shares.map((r) => [view.number, view.day, view.currency, view.method, r.type, r.orderId, r.orderNumber, r.refundId, r.orderDate, r.net, r.tax, r.total, r.payment]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The route's `[number]`: as given, or decoded once when it still is URL-encoded; at most 64 characters. */
export function summaryNumberParam(raw: string): string {
  let value = raw;
  try {
    if (/%[0-9A-Fa-f]{2}/.test(raw)) value = decodeURIComponent(raw);
  } catch {
    value = raw;
  }
  return value.slice(0, 64);
}
