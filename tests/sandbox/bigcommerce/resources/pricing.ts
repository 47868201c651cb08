// Order arithmetic. Every amount is whole cents (whole yen for 0-decimal currencies) held as 1e-4 units, so all
// the totals BigCommerce reports tie exactly:
//   total_ex_tax  = subtotal_ex_tax  - discounts_ex  + shipping_ex  + handling_ex  + wrapping_ex  + fees_ex
//   total_inc_tax = subtotal_inc_tax - discounts_inc + shipping_inc + handling_inc + wrapping_inc + fees_inc
//   total_tax     = total_inc_tax - total_ex_tax = Σ taxes.line_amount + fee taxes
// and Σ line discounted_total_inc_tax + shipping + handling + wrapping + fees (inc) = total_inc_tax.
import { type Units, allocate, mulDiv } from '../money';
import type { OrderLine, OrderRecord } from './model';

/** The rounding step in units for a currency (cents, or whole units for JPY-like currencies). */
export function stepFor(currency: string): number {
  return ['JPY', 'KRW', 'VND', 'CLP', 'ISK'].includes(currency) ? 10_000 : 100;
}

/**
 * Splits an amount entered in the store's authoritative basis into ex/inc tax at `rate` (units, 825 = 8.25%).
 */
export function split(base: Units, rate: number, inclusive: boolean, step: number): { ex: Units; inc: Units } {
  if (inclusive) {
    const tax = mulDiv(base, rate, 10_000 + rate, step);
    return { ex: base - tax, inc: base };
  }
  const tax = mulDiv(base, rate, 10_000, step);
  return { ex: base, inc: base + tax };
}

export interface LineAmounts {
  total_ex: Units;
  total_inc: Units;
  total_tax: Units;
  discount: Units;
  discount_ex: Units;
  discount_inc: Units;
  /** Tax on the line after its discounts. */
  tax_after_discount: Units;
  discounted_total_inc: Units;
}

export function lineAmounts(line: OrderLine, inclusive: boolean, step: number): LineAmounts {
  const total_ex = line.price_ex * line.quantity;
  const total_inc = line.price_inc * line.quantity;
  const total_tax = total_inc - total_ex;
  const discount = line.discounts.reduce((s, d) => s + d.amount, 0);
  let discount_ex: Units;
  let discount_inc: Units;
  if (inclusive) {
    const dTax = total_inc === 0 ? 0 : mulDiv(discount, total_tax, total_inc, step);
    discount_inc = discount;
    discount_ex = discount - dTax;
  } else {
    const dTax = total_ex === 0 ? 0 : mulDiv(discount, total_tax, total_ex, step);
    discount_ex = discount;
    discount_inc = discount + dTax;
  }
  return {
    total_ex,
    total_inc,
    total_tax,
    discount,
    discount_ex,
    discount_inc,
    tax_after_discount: total_tax - (discount_inc - discount_ex),
    discounted_total_inc: total_inc - discount_inc,
  };
}

export interface OrderAmounts {
  subtotal_ex: Units;
  subtotal_inc: Units;
  discount_amount: Units;
  coupon_discount: Units;
  discounts_ex: Units;
  discounts_inc: Units;
  shipping_base: Units;
  shipping_ex: Units;
  shipping_inc: Units;
  handling_base: Units;
  handling_ex: Units;
  handling_inc: Units;
  fees_ex: Units;
  fees_inc: Units;
  total_ex: Units;
  total_inc: Units;
  total_tax: Units;
  items_total: number;
  items_shipped: number;
  lines: Map<number, LineAmounts>;
}

export function orderAmounts(order: OrderRecord): OrderAmounts {
  const step = stepFor(order.currency_code);
  const lines = new Map<number, LineAmounts>();
  let subtotal_ex = 0;
  let subtotal_inc = 0;
  let discounts_ex = 0;
  let discounts_inc = 0;
  let discount_amount = 0;
  let coupon_discount = 0;
  for (const line of order.lines) {
    const a = lineAmounts(line, order.is_tax_inclusive, step);
    lines.set(line.id, a);
    subtotal_ex += a.total_ex;
    subtotal_inc += a.total_inc;
    discounts_ex += a.discount_ex;
    discounts_inc += a.discount_inc;
    // `discount_amount` and `coupon_discount` are separate and add up to the order's discounts (the spec's own
    // example: subtotal 67.84 + shipping 12.00 - discount 5.00 - coupon 5.00 = total 69.84).
    const coupon = line.discounts.filter((d) => d.id.startsWith('coupon-')).reduce((s, d) => s + d.amount, 0);
    discount_amount += a.discount - coupon;
    coupon_discount += coupon;
  }
  const sum = <K extends 'base_cost' | 'cost_ex' | 'cost_inc' | 'handling_base' | 'handling_ex' | 'handling_inc'>(k: K) =>
    order.shipping_addresses.reduce((s, a) => s + a[k], 0);
  const shipping_ex = sum('cost_ex');
  const shipping_inc = sum('cost_inc');
  const handling_ex = sum('handling_ex');
  const handling_inc = sum('handling_inc');
  const fees_ex = order.fees.reduce((s, f) => s + f.cost_ex, 0);
  const fees_inc = order.fees.reduce((s, f) => s + f.cost_inc, 0);
  const total_ex = subtotal_ex - discounts_ex + shipping_ex + handling_ex + order.wrapping_ex + fees_ex;
  const total_inc = subtotal_inc - discounts_inc + shipping_inc + handling_inc + order.wrapping_inc + fees_inc;
  return {
    subtotal_ex,
    subtotal_inc,
    discount_amount,
    coupon_discount,
    discounts_ex,
    discounts_inc,
    shipping_base: sum('base_cost'),
    shipping_ex,
    shipping_inc,
    handling_base: sum('handling_base'),
    handling_ex,
    handling_inc,
    fees_ex,
    fees_inc,
    total_ex,
    total_inc,
    total_tax: total_inc - total_ex,
    items_total: order.lines.reduce((s, l) => s + l.quantity, 0),
    items_shipped: order.lines.reduce((s, l) => s + l.quantity_shipped, 0),
    lines,
  };
}

/**
 * Spreads an order-level discount over the lines by their share of the authoritative line totals (largest
 * remainder in whole cents), as BigCommerce spreads a manual discount by price share.
 */
export function applyOrderDiscount(
  order: OrderRecord,
  amount: Units,
  discount: { id: string; name: string; code: string | null },
): void {
  if (amount === 0 || order.lines.length === 0) return;
  const step = stepFor(order.currency_code);
  const weights = order.lines.map((l) => (order.is_tax_inclusive ? l.price_inc : l.price_ex) * l.quantity);
  const parts = allocate(amount, weights, step);
  order.lines.forEach((line, i) => {
    const part = parts[i] ?? 0;
    if (part !== 0) line.discounts.push({ ...discount, target: 'order', amount: part });
  });
}
