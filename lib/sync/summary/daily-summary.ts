/**
 * Daily summary posting (setting `posting.mode = daily_summary`): a day's orders and refunds, per currency and
 * payment method, become one document instead of one per order. Pure.
 *
 * The summary is built from the same per-order sales documents and refund credits the per-order mode posts, so the
 * two modes share one source of truth: each summary line is the sum of its orders' lines with the same kind,
 * account, tax code and tax rate (and tracking option), its tax is the sum of the tax BigCommerce charged on them
 * (never recomputed), and its payments are the orders' payments per clearing account. A day's refunds are a credit
 * of their own in the summary of the day the refund happened (late refunds never rewrite a closed day).
 *
 * Late changes: an order edited after its day's summary was closed (or first seen then) is an edit of its own
 * (`SummaryEdit`), booked in the summary of the day of the change as its own lines ("Changes to earlier orders: ..."):
 * the difference between what the books hold for the order and what it is now, line group by line group, and the
 * payments' difference (more taken: a payment; less: money paid back). The closed day is never rewritten.
 *
 * Tie-out rules every summary obeys (checked by `checkSummary` and the property test beside it):
 *   Σ sales.net = Σ orders' totals.net, Σ sales.tax = Σ orders' totals.tax, Σ sales.gross = Σ orders' totals.total;
 *   Σ credits.gross = Σ refunds' total, Σ credits.tax = Σ refunds' tax;
 *   payments − payouts = Σ orders' payments + Σ edits' payment differences − Σ refunds' payouts, per account;
 *   with edits: Σ sales.* = Σ orders' totals.* + Σ edits' differences (net, tax, total).
 */
import { formatUnits, parseUnits, sum } from '@/lib/money';
import type { RefundCredit, RefundPayout } from '../refund-credit';
import type { DocumentLine, LineKind, PaymentKind, SalesDocument } from '../sales-document';

/** Days are YYYY-MM-DD in the store's time zone (the documents' `date`). */
export interface SummaryKey {
  date: string;
  currency: string;
  /** The payment method the day's orders were paid with ("Credit Card", "PayPal"; "Unpaid" when none). */
  method: string;
}

/** One refund booked in the day it happened, with the credit and payouts the per-order mode would post. */
export interface SummaryRefund {
  orderId: number;
  refundId: number;
  /** YYYY-MM-DD, store time zone. */
  date: string;
  /** The refunded order's document (its currency, method and customer). */
  sale: SalesDocument;
  /** Null when a cancellation credited the sale already (only the money paid back is booked). */
  credit: Pick<RefundCredit, 'lines' | 'total' | 'tax'> | null;
  payouts: RefundPayout[];
}

/**
 * A change to an order booked in the summary of the day it was recorded (`date`), because the day that holds the
 * order was closed: `after` less `before` (null: an order first seen after its own day was closed, booked whole).
 */
export interface SummaryEdit {
  orderId: number;
  /** The edit's own key (its sync posting), exactly once per change. */
  key: string;
  /** YYYY-MM-DD, store time zone: the day the change was recorded. */
  date: string;
  before: SalesDocument | null;
  after: SalesDocument;
}

export interface SummaryLine {
  kind: LineKind;
  account: string;
  taxCode: string | null;
  /** The BigCommerce tax rate(s) behind the tax ("CA State Tax 7.25%"); null for untaxed lines. */
  taxLabel: string | null;
  tracking: { category: string; option: string } | null;
  /** "Sales 4000 · CA State Tax 7.25%": what the line holds, for the provider's description. */
  description: string;
  /** Discount given on these lines (already taken off `net`), >= 0. */
  discount: string;
  net: string;
  tax: string;
  gross: string;
  /** How many orders (or refunds, or edits) have a line in this group. */
  count: number;
  /** Set on the lines that book changes to orders of closed days (signed: a reduction is negative). */
  edit?: true;
}

export interface SummaryMoney {
  kind: PaymentKind;
  method: string;
  account: string;
  amount: string;
}

export interface SummaryOrderShare {
  orderId: number;
  number: string;
  net: string;
  tax: string;
  total: string;
  /** What the order's payments put on the clearing accounts (Σ payments). Absent in summaries stored before it was. */
  paid?: string;
}

export interface SummaryRefundShare {
  orderId: number;
  refundId: number;
  tax: string;
  total: string;
  /** Money paid back (Σ payouts). Absent in summaries stored before it was. */
  paidOut?: string;
}

/** An edit's share: the differences it books (signed), for the order of `orderDate`. */
export interface SummaryEditShare {
  key: string;
  orderId: number;
  number: string;
  /** The order's own day (whose summary was closed). */
  orderDate: string;
  net: string;
  tax: string;
  total: string;
  /** Σ payments after − before: positive is money taken, negative money paid back. */
  paid: string;
}

export interface DailySummary {
  key: SummaryKey;
  /** Decimal places of the currency's minor unit. */
  scale: number;
  storeCurrency: string;
  /**
   * Units of `currency` per store-currency unit: the rate of the summary's lowest order id (so the same day gives the
   * same summary in any order; summaries in the store currency: "1").
   */
  exchangeRate: string;
  sales: SummaryLine[];
  credits: SummaryLine[];
  payments: SummaryMoney[];
  payouts: SummaryMoney[];
  totals: {
    sales: { net: string; tax: string; gross: string };
    credits: { net: string; tax: string; gross: string };
    /** Σ payments − Σ payouts: what the method's clearing accounts received that day. */
    received: string;
    /** sales.gross − credits.gross − received: left owing on the summary's customer (0 when everything was paid). */
    due: string;
  };
  orders: SummaryOrderShare[];
  refunds: SummaryRefundShare[];
  /** Changes to orders of closed days booked here (absent in summaries stored before edits were booked). */
  edits?: SummaryEditShare[];
  /**
   * The items sold (product lines with an item of the books): quantity and cost at the unit costs the orders carried
   * (four places), for systems that move stock and cost with a sale (the built-in ledger).
   */
  items: SummaryItem[];
}

export interface SummaryItem {
  itemId: string;
  quantity: string;
  /** Σ unit cost × quantity, four places; null when no line of the item had a unit cost. */
  cost: string | null;
}

export const UNPAID_METHOD = 'Unpaid';

/**
 * The method an order is summarised under: the method of its largest gateway payment (store credit and gift
 * certificates still go to their own accounts, inside that summary), else its largest payment of any kind, else
 * "Unpaid". Ties go to the first payment, so the choice is stable.
 */
export function summaryMethodOf(document: Pick<SalesDocument, 'payments' | 'currency'>): string {
  const scale = document.currency.scale;
  const pick = (kinds: readonly PaymentKind[]) => {
    let best: { method: string; units: bigint } | null = null;
    for (const p of document.payments) {
      if (!kinds.includes(p.kind)) continue;
      const units = parseUnits(p.amount, scale);
      if (units > 0n && (!best || units > best.units)) best = { method: p.method.trim() || UNPAID_METHOD, units };
    }
    return best?.method ?? null;
  };
  return pick(['gateway']) ?? pick(['gateway', 'store_credit', 'gift_certificate']) ?? UNPAID_METHOD;
}

export const summaryKeyId = (key: SummaryKey): string => `${key.date}\u0000${key.currency}\u0000${key.method}`;

interface LineAcc {
  line: Omit<SummaryLine, 'discount' | 'net' | 'tax' | 'gross' | 'count'>;
  discount: bigint;
  net: bigint;
  tax: bigint;
  gross: bigint;
  count: number;
}

function lineGroupId(line: DocumentLine, tracking: SummaryLine['tracking']): string {
  return JSON.stringify([line.kind, line.account, line.taxCode, line.taxLabel, tracking?.category ?? null, tracking?.option ?? null]);
}

const KIND_LABEL: Readonly<Record<LineKind, string>> = {
  product: 'Sales', gift_certificate: 'Gift certificates', shipping: 'Shipping', handling: 'Handling', wrapping: 'Gift wrapping',
  fee: 'Fees', discount: 'Discounts', rounding: 'Rounding',
};

function addLines(into: Map<string, LineAcc>, lines: readonly DocumentLine[], tracking: SummaryLine['tracking'], scale: number, sign: 1n | -1n = 1n): void {
  const seen = new Set<string>();
  for (const line of lines) {
    const id = lineGroupId(line, tracking);
    let acc = into.get(id);
    if (!acc) {
      const description = `${KIND_LABEL[line.kind]} ${line.account}${line.taxLabel ? ` · ${line.taxLabel}` : ''}`;
      acc = { line: { kind: line.kind, account: line.account, taxCode: line.taxCode, taxLabel: line.taxLabel, tracking, description }, discount: 0n, net: 0n, tax: 0n, gross: 0n, count: 0 };
      into.set(id, acc);
    }
    acc.discount += sign * parseUnits(line.discount, scale);
    acc.net += sign * parseUnits(line.net, scale);
    acc.tax += sign * parseUnits(line.tax, scale);
    acc.gross += sign * parseUnits(line.gross, scale);
    if (!seen.has(id)) acc.count += 1;
    seen.add(id);
  }
}

/** The items of product lines: quantity and cost at the lines' unit costs (four places), `sign` -1 to take away. */
function addItems(into: Map<string, { quantity: bigint; cost: bigint | null }>, lines: readonly DocumentLine[], sign: 1n | -1n): void {
  for (const line of lines) {
    if (line.kind !== 'product' || line.itemId === null) continue;
    const item = into.get(line.itemId) ?? { quantity: 0n, cost: null };
    const quantity = sign * BigInt(line.quantity);
    item.quantity += quantity;
    if (line.unitCost !== null) item.cost = (item.cost ?? 0n) + parseUnits(line.unitCost, 4) * quantity;
    into.set(line.itemId, item);
  }
}

const KIND_ORDER: readonly LineKind[] = ['product', 'gift_certificate', 'shipping', 'handling', 'wrapping', 'fee', 'discount', 'rounding'];

function finishLines(groups: Map<string, LineAcc>, scale: number): SummaryLine[] {
  const f = (v: bigint) => formatUnits(v, scale);
  return [...groups.values()]
    .filter((g) => g.net !== 0n || g.tax !== 0n || g.gross !== 0n || g.discount !== 0n)
    .sort((a, b) => Number(a.line.edit ?? false) - Number(b.line.edit ?? false)
      || KIND_ORDER.indexOf(a.line.kind) - KIND_ORDER.indexOf(b.line.kind)
      || a.line.account.localeCompare(b.line.account)
      || (a.line.taxLabel ?? '').localeCompare(b.line.taxLabel ?? '')
      || (a.line.taxCode ?? '').localeCompare(b.line.taxCode ?? '')
      || (a.line.tracking?.option ?? '').localeCompare(b.line.tracking?.option ?? ''))
    .map((g) => ({ ...g.line, discount: f(g.discount), net: f(g.net), tax: f(g.tax), gross: f(g.gross), count: g.count }));
}

function addMoney(into: Map<string, { kind: PaymentKind; method: string; account: string; units: bigint }>, kind: PaymentKind, method: string, account: string, units: bigint) {
  const id = JSON.stringify([account, kind, method]);
  const acc = into.get(id) ?? { kind, method, account, units: 0n };
  acc.units += units;
  into.set(id, acc);
}

function finishMoney(groups: Map<string, { kind: PaymentKind; method: string; account: string; units: bigint }>, scale: number): SummaryMoney[] {
  return [...groups.values()]
    .filter((g) => g.units !== 0n)
    .sort((a, b) => a.account.localeCompare(b.account) || a.method.localeCompare(b.method) || a.kind.localeCompare(b.kind))
    .map((g) => ({ kind: g.kind, method: g.method, account: g.account, amount: formatUnits(g.units, scale) }));
}

/**
 * The day summaries for a set of order documents (each in the summary of its own `date`) and refunds (each in the
 * summary of the day it happened, under its order's currency and method). Sorted by date, currency, method.
 * Throws when a group mixes currency scales (a bug: the currency decides the scale).
 */
export function buildDailySummaries(input: { sales: readonly SalesDocument[]; refunds?: readonly SummaryRefund[]; edits?: readonly SummaryEdit[] }): DailySummary[] {
  interface Group {
    key: SummaryKey;
    scale: number;
    storeCurrency: string;
    exchangeRate: string;
    /** Which document's rate the summary takes: the lowest order id, a sale before an edit, then the edit's key. */
    rateOf: [number, number, string];
    sales: Map<string, LineAcc>;
    credits: Map<string, LineAcc>;
    payments: Map<string, { kind: PaymentKind; method: string; account: string; units: bigint }>;
    payouts: Map<string, { kind: PaymentKind; method: string; account: string; units: bigint }>;
    orders: SummaryOrderShare[];
    refunds: SummaryRefundShare[];
    edits: SummaryEditShare[];
    items: Map<string, { quantity: bigint; cost: bigint | null }>;
  }
  const groups = new Map<string, Group>();
  // The rate (and the store currency beside it) must not depend on the order documents come in: the same order can
  // be here as a sale and as edits (rates move between them), so ties are broken too.
  const ranksFirst = (a: [number, number, string], b: [number, number, string]) =>
    a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
  const groupFor = (key: SummaryKey, doc: SalesDocument, editKey?: string): Group => {
    const id = summaryKeyId(key);
    const rank: [number, number, string] = [doc.source.orderId, editKey === undefined ? 0 : 1, editKey ?? ''];
    let group = groups.get(id);
    if (!group) {
      group = {
        key, scale: doc.currency.scale, storeCurrency: doc.currency.storeCurrency, exchangeRate: doc.currency.exchangeRate, rateOf: rank,
        sales: new Map(), credits: new Map(), payments: new Map(), payouts: new Map(), orders: [], refunds: [], edits: [], items: new Map(),
      };
      groups.set(id, group);
    }
    if (group.scale !== doc.currency.scale) throw new Error(`summary ${id}: currency ${key.currency} with scales ${group.scale} and ${doc.currency.scale}`);
    if (ranksFirst(rank, group.rateOf)) {
      group.rateOf = rank;
      group.storeCurrency = doc.currency.storeCurrency;
      group.exchangeRate = doc.currency.exchangeRate;
    }
    return group;
  };
  const seenOrders = new Set<string>();
  for (const doc of input.sales) {
    const key: SummaryKey = { date: doc.date, currency: doc.currency.code, method: summaryMethodOf(doc) };
    const once = `${doc.source.orderId}`;
    if (seenOrders.has(once)) throw new Error(`order ${doc.source.orderId} given twice to one summary run`);
    seenOrders.add(once);
    const group = groupFor(key, doc);
    const scale = group.scale;
    addLines(group.sales, doc.lines, doc.tracking ?? null, scale);
    for (const p of doc.payments) addMoney(group.payments, p.kind, p.method, p.account, parseUnits(p.amount, scale));
    addItems(group.items, doc.lines, 1n);
    const paid = formatUnits(sum(doc.payments.map((p) => parseUnits(p.amount, scale))), scale);
    group.orders.push({ orderId: doc.source.orderId, number: doc.number, net: doc.totals.net, tax: doc.totals.tax, total: doc.totals.total, paid });
  }
  const seenEdits = new Set<string>();
  for (const edit of input.edits ?? []) {
    if (seenEdits.has(edit.key)) throw new Error(`edit ${edit.key} given twice to one summary run`);
    seenEdits.add(edit.key);
    const { before, after } = edit;
    // The summary (and customer) that holds the order's receivable: its method as booked.
    const key: SummaryKey = { date: edit.date, currency: after.currency.code, method: summaryMethodOf(before ?? after) };
    if (before && before.currency.code !== after.currency.code) throw new Error(`edit ${edit.key}: order ${edit.orderId} changed currency`);
    const group = groupFor(key, after, edit.key);
    const scale = group.scale;
    // The difference, line group by line group: what the order is now, less what the books hold for it.
    const delta = new Map<string, LineAcc>();
    addLines(delta, after.lines, after.tracking ?? null, scale);
    if (before) addLines(delta, before.lines, before.tracking ?? null, scale, -1n);
    for (const [id, d] of delta) {
      if (d.net === 0n && d.tax === 0n && d.gross === 0n && d.discount === 0n) continue;
      const editId = `edit:${id}`;
      const acc = group.sales.get(editId) ?? { line: { ...d.line, description: `Changes to earlier orders: ${d.line.description}`, edit: true as const }, discount: 0n, net: 0n, tax: 0n, gross: 0n, count: 0 };
      acc.discount += d.discount;
      acc.net += d.net;
      acc.tax += d.tax;
      acc.gross += d.gross;
      acc.count += 1;
      group.sales.set(editId, acc);
    }
    const money = new Map<string, { kind: PaymentKind; method: string; account: string; units: bigint }>();
    for (const p of after.payments) addMoney(money, p.kind, p.method, p.account, parseUnits(p.amount, scale));
    for (const p of before?.payments ?? []) addMoney(money, p.kind, p.method, p.account, -parseUnits(p.amount, scale));
    for (const m of money.values()) {
      // More taken is a payment of the day of the change; less is money paid back.
      if (m.units > 0n) addMoney(group.payments, m.kind, m.method, m.account, m.units);
      else if (m.units < 0n) addMoney(group.payouts, m.kind, m.method, m.account, -m.units);
    }
    addItems(group.items, after.lines, 1n);
    if (before) addItems(group.items, before.lines, -1n);
    const diff = (field: 'net' | 'tax' | 'total') => formatUnits(parseUnits(after.totals[field], scale) - (before ? parseUnits(before.totals[field], scale) : 0n), scale);
    const paidDiff = sum(after.payments.map((p) => parseUnits(p.amount, scale))) - sum((before?.payments ?? []).map((p) => parseUnits(p.amount, scale)));
    group.edits.push({ key: edit.key, orderId: edit.orderId, number: after.number, orderDate: (before ?? after).date, net: diff('net'), tax: diff('tax'), total: diff('total'), paid: formatUnits(paidDiff, scale) });
  }
  const seenRefunds = new Set<number>();
  for (const refund of input.refunds ?? []) {
    if (seenRefunds.has(refund.refundId)) throw new Error(`refund ${refund.refundId} given twice to one summary run`);
    seenRefunds.add(refund.refundId);
    const key: SummaryKey = { date: refund.date, currency: refund.sale.currency.code, method: summaryMethodOf(refund.sale) };
    const group = groupFor(key, refund.sale);
    if (refund.credit) addLines(group.credits, refund.credit.lines, refund.sale.tracking ?? null, group.scale);
    for (const p of refund.payouts) addMoney(group.payouts, p.kind, p.method, p.account, parseUnits(p.amount, group.scale));
    const paidOut = formatUnits(sum(refund.payouts.map((p) => parseUnits(p.amount, group.scale))), group.scale);
    group.refunds.push({ orderId: refund.orderId, refundId: refund.refundId, tax: refund.credit?.tax ?? formatUnits(0n, group.scale), total: refund.credit?.total ?? formatUnits(0n, group.scale), paidOut });
  }
  return [...groups.values()]
    .sort((a, b) => a.key.date.localeCompare(b.key.date) || a.key.currency.localeCompare(b.key.currency) || a.key.method.localeCompare(b.key.method))
    .map((g) => {
      const f = (v: bigint) => formatUnits(v, g.scale);
      const sales = finishLines(g.sales, g.scale);
      const credits = finishLines(g.credits, g.scale);
      const total = (lines: SummaryLine[], field: 'net' | 'tax' | 'gross') => sum(lines.map((l) => parseUnits(l[field], g.scale)));
      const paid = sum([...g.payments.values()].map((p) => p.units));
      const paidOut = sum([...g.payouts.values()].map((p) => p.units));
      const received = paid - paidOut;
      return {
        key: g.key, scale: g.scale, storeCurrency: g.storeCurrency, exchangeRate: g.exchangeRate,
        sales, credits,
        payments: finishMoney(g.payments, g.scale),
        payouts: finishMoney(g.payouts, g.scale),
        totals: {
          sales: { net: f(total(sales, 'net')), tax: f(total(sales, 'tax')), gross: f(total(sales, 'gross')) },
          credits: { net: f(total(credits, 'net')), tax: f(total(credits, 'tax')), gross: f(total(credits, 'gross')) },
          received: f(received),
          due: f(total(sales, 'gross') - total(credits, 'gross') - received),
        },
        orders: g.orders.sort((a, b) => a.orderId - b.orderId),
        refunds: g.refunds.sort((a, b) => a.refundId - b.refundId),
        ...(g.edits.length > 0 ? { edits: g.edits.sort((a, b) => a.orderId - b.orderId || a.key.localeCompare(b.key)) } : {}),
        items: [...g.items]
          .filter(([, i]) => i.quantity !== 0n || (i.cost !== null && i.cost !== 0n))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([itemId, i]) => ({ itemId, quantity: String(i.quantity), cost: i.cost === null ? null : formatUnits(i.cost, 4) })),
      };
    });
}

/**
 * Which way an order of `date` is posted: in summary mode from `summaryFrom` on, per order before it. Decided by
 * the day alone, so a day is never posted both ways.
 */
export function postingModeFor(settings: { mode: 'per_order' | 'daily_summary'; summaryFrom: string | null }, date: string): 'per_order' | 'daily_summary' {
  if (settings.mode !== 'daily_summary') return 'per_order';
  return settings.summaryFrom === null || date >= settings.summaryFrom ? 'daily_summary' : 'per_order';
}

/**
 * The idempotency key of a summary's posting: one per (store, day, currency, method, version). A refresh of an open
 * day updates the document posted under the same key; `version` moves only when a closed day needs a new document.
 */
export function summaryPostingKey(storeHash: string, key: SummaryKey, version: number): string {
  return `${storeHash}:summary:${key.date}:${key.currency}:${encodeURIComponent(key.method)}:v${version}`;
}
