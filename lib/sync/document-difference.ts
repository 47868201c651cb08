/**
 * Differences between what the books hold for an order and what they should hold. Pure.
 * - `saleDifference`: a locked document's order was edited: what was added (to book as an adjustment invoice) and
 *   what was removed (an adjustment credit), line by line (by source id), so the booked sale plus the adjustments
 *   equals the order as it is now.
 * - `remainingSale`: what of the sale is not credited yet (a cancellation of a paid order reverses exactly that).
 * - `documentOf`: a sales document of the order for a set of lines (adjustment invoices), its totals their sums.
 */
import { formatUnits, parseUnits, sum } from '@/lib/money';
import type { DocumentLine, SalesDocument } from './sales-document';

const ZERO_LINE = { net: 0n, tax: 0n, quantity: 0n };

function amounts(line: DocumentLine, scale: number) {
  return { net: parseUnits(line.net, scale), tax: parseUnits(line.tax, scale), quantity: /^-?\d+$/.test(line.quantity) ? BigInt(line.quantity) : 0n };
}

function byKey(lines: readonly DocumentLine[]): Map<string, DocumentLine[]> {
  const map = new Map<string, DocumentLine[]>();
  for (const line of lines) map.set(line.sourceId, [...(map.get(line.sourceId) ?? []), line]);
  return map;
}

function total(lines: readonly DocumentLine[] | undefined, scale: number) {
  const list = lines ?? [];
  return {
    net: sum(list.map((l) => parseUnits(l.net, scale))),
    tax: sum(list.map((l) => parseUnits(l.tax, scale))),
    quantity: sum(list.map((l) => amounts(l, scale).quantity)),
  };
}

function withAmounts(template: DocumentLine, net: bigint, tax: bigint, quantity: bigint, scale: number, description: string): DocumentLine {
  const fmt = (v: bigint) => formatUnits(v, scale);
  const units = template.kind === 'product' || template.kind === 'gift_certificate';
  // An amount that moved without units (a price change, what rounding left) moves no stock and no cost.
  const withoutUnits = units && quantity <= 0n;
  return {
    ...template,
    ...(withoutUnits ? { itemId: null, sku: null, unitCost: null } : {}),
    description,
    quantity: units && quantity > 0n ? String(quantity) : '1',
    discount: fmt(0n),
    net: fmt(net),
    tax: fmt(tax),
    gross: fmt(net + tax),
  };
}

export interface SaleDifference {
  /** Positive amounts: book as an adjustment invoice. */
  added: DocumentLine[];
  /** Positive amounts: book as an adjustment credit. */
  removed: DocumentLine[];
}

/** What changed between the sale as booked and the sale as the order says now, line by line. */
export function saleDifference(booked: SalesDocument, next: SalesDocument): SaleDifference {
  const scale = booked.currency.scale;
  const before = byKey(booked.lines);
  const after = byKey(next.lines);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const added: DocumentLine[] = [];
  const removed: DocumentLine[] = [];
  for (const key of keys) {
    const b = before.has(key) ? total(before.get(key), scale) : ZERO_LINE;
    const a = after.has(key) ? total(after.get(key), scale) : ZERO_LINE;
    const template = (after.get(key) ?? before.get(key))![0]!;
    const dNet = a.net - b.net;
    const dTax = a.tax - b.tax;
    const dQuantity = a.quantity - b.quantity;
    if (dNet === 0n && dTax === 0n) continue;
    // Each amount goes where its sign says; a line whose net rose while its tax fell (a new tax rate) is in both.
    const up = { net: dNet > 0n ? dNet : 0n, tax: dTax > 0n ? dTax : 0n };
    const down = { net: dNet < 0n ? -dNet : 0n, tax: dTax < 0n ? -dTax : 0n };
    if (up.net !== 0n || up.tax !== 0n) added.push(withAmounts(template, up.net, up.tax, dQuantity, scale, `Added after posting: ${template.description}`));
    if (down.net !== 0n || down.tax !== 0n) removed.push(withAmounts(template, down.net, down.tax, -dQuantity, scale, `Removed after posting: ${template.description}`));
  }
  return { added, removed };
}

/**
 * What of the sale the credits have not reversed yet, line by line. What the credits hold beyond the sale's own
 * lines (refund rounding, order-level amounts) comes off as one line, so the remaining total is exact.
 */
export function remainingSale(sale: SalesDocument, credits: readonly (readonly DocumentLine[])[], roundingAccount: string): DocumentLine[] {
  const scale = sale.currency.scale;
  const credited = byKey(credits.flat());
  const lines: DocumentLine[] = [];
  for (const [key, saleLines] of byKey(sale.lines)) {
    const s = total(saleLines, scale);
    const c = total(credited.get(key), scale);
    const net = s.net - c.net;
    const tax = s.tax - c.tax;
    if (net === 0n && tax === 0n) continue;
    lines.push(withAmounts(saleLines[0]!, net, tax, s.quantity - c.quantity, scale, saleLines[0]!.description));
  }
  const saleKeys = new Set(sale.lines.map((l) => l.sourceId));
  const other = total(credits.flat().filter((l) => !saleKeys.has(l.sourceId)), scale);
  if (other.net !== 0n || other.tax !== 0n) {
    const fmt = (v: bigint) => formatUnits(v, scale);
    lines.push({
      kind: 'rounding', sourceId: 'rounding:credited', description: 'Less amounts credited beyond the sold lines', sku: null, itemId: null, options: [],
      quantity: '1', unitPrice: fmt(-other.net), discount: fmt(0n), net: fmt(-other.net), tax: fmt(-other.tax), gross: fmt(-(other.net + other.tax)),
      account: roundingAccount, taxCode: null, taxLabel: null, unitCost: null,
    });
  }
  return lines;
}

/** Σ gross and Σ tax of lines, at `scale`, as decimal strings. */
export function linesTotal(lines: readonly DocumentLine[], scale: number): { total: string; tax: string; net: string } {
  const t = total(lines, scale);
  return { total: formatUnits(t.net + t.tax, scale), tax: formatUnits(t.tax, scale), net: formatUnits(t.net, scale) };
}

/** A document of the order holding `lines` (an adjustment invoice): same customer, currency and source. */
export function documentOf(base: SalesDocument, input: { lines: DocumentLine[]; number: string; date: string; memo: string }): SalesDocument {
  const scale = base.currency.scale;
  const t = linesTotal(input.lines, scale);
  return {
    ...base,
    kind: 'invoice',
    number: input.number,
    date: input.date,
    dueDate: input.date > base.dueDate ? input.date : base.dueDate,
    lines: input.lines,
    totals: { net: t.net, tax: t.tax, total: t.total, discount: formatUnits(0n, scale), due: t.total },
    payments: [],
    notes: [],
    memo: input.memo,
  };
}
