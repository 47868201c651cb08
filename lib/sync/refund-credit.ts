/**
 * A BigCommerce refund → the credit that books it and the money paid out for it. Pure.
 *
 * What is credited is what was sold, in the terms it was sold in: a refunded product unit is credited at the net
 * amount and discount share the booked document gave that unit (cumulative shares, so refunding every unit in
 * several refunds credits exactly the line), shipping, handling, wrapping and fees by the amount BigCommerce
 * refunded (in the order's price basis), an ORDER-level amount to the sales account without tax ("When item_type is set to ORDER, tax is not
 * re-calculated": BigCommerce, orders.v3.yml TaxExemptItem). The tax is the tax BigCommerce computed for the refund
 * (`total_tax`), spread over the credited lines by the tax each carried, and the credit totals the refund's
 * `total_amount` to the cent: what the lines do not explain is a visible rounding line, never silence.
 *
 * The money goes back out of the account it came into, per refund payment: store credit to the store-credit
 * account, gift certificates to theirs, anything else (the gateway, or an offline refund) out of the account the
 * order's gateway payment went to.
 */
import type { BcRefund } from '@/lib/bigcommerce/client/model';
import { allocate, divRoundHalfUp, formatUnits, parseUnits, sum } from '@/lib/money';
import type { DocumentLine, DocumentPayment, SalesDocument } from './sales-document';
import type { SyncSettings } from './settings';

export interface RefundCredit {
  lines: DocumentLine[];
  /** = refund.totalAmount at the document's scale. */
  total: string;
  /** = refund.totalTax at the document's scale. */
  tax: string;
  /** Things the merchant should know (a rounding line, an item the document does not hold). */
  notes: string[];
}

export interface RefundPayout {
  /** BigCommerce refund payment id (stable: part of the payout's idempotency key). */
  paymentId: number;
  providerId: string;
  method: string;
  kind: DocumentPayment['kind'];
  account: string;
  amount: string;
  offline: boolean;
}

const u = (value: string, scale: number) => parseUnits(value, scale);

/** Cumulative share: the part of `whole` that units (done, done + now] of `of` carry. */
function unitShare(whole: bigint, of: bigint, done: bigint, now: bigint): bigint {
  if (of <= 0n) return 0n;
  return divRoundHalfUp(whole * (done + now), of) - divRoundHalfUp(whole * done, of);
}

function lineLike(base: DocumentLine | null, patch: Partial<DocumentLine> & Pick<DocumentLine, 'kind' | 'sourceId' | 'description' | 'account'>): DocumentLine {
  return {
    sku: null, itemId: null, options: [], quantity: '1', unitPrice: '0', discount: '0', net: '0', tax: '0', gross: '0',
    taxCode: null, taxLabel: null, unitCost: null,
    ...(base ?? {}),
    ...patch,
  };
}

/**
 * An order-level refund amount over the revenue accounts of the sale's product lines, in proportion to their net:
 * one part when every product went to one account (or the sale has none: `accounts.sales`), else one part per
 * account ("refund:order:<account>"), the parts summing to the amount exactly.
 */
export function orderLevelShares(
  sale: Pick<SalesDocument, 'lines' | 'currency'>,
  amount: bigint,
  salesAccount: string,
): Array<{ sourceId: string; account: string; amount: bigint; revenueRule?: { index: number; label: string } }> {
  const byAccount = new Map<string, { net: bigint; revenueRule?: { index: number; label: string } }>();
  for (const line of sale.lines) {
    if (line.kind !== 'product') continue;
    const entry = byAccount.get(line.account) ?? { net: 0n, ...(line.revenueRule ? { revenueRule: line.revenueRule } : {}) };
    entry.net += parseUnits(line.net, sale.currency.scale);
    byAccount.set(line.account, entry);
  }
  const accounts = [...byAccount.entries()].filter(([, e]) => e.net > 0n);
  if (accounts.length <= 1) {
    const [only] = accounts;
    return [{ sourceId: 'refund:order', account: only?.[0] ?? salesAccount, amount, ...(only?.[1].revenueRule ? { revenueRule: only[1].revenueRule } : {}) }];
  }
  const amounts = allocate(amount, accounts.map(([, e]) => e.net));
  return accounts.map(([account, e], i) => ({ sourceId: `refund:order:${account}`, account, amount: amounts[i]!, ...(e.revenueRule ? { revenueRule: e.revenueRule } : {}) }));
}

/** Units of each product line refunded by the refunds before this one (BigCommerce lists refunds by id ascending). */
function unitsRefundedBefore(earlier: readonly BcRefund[]): Map<string, bigint> {
  const units = new Map<string, bigint>();
  for (const refund of earlier) {
    for (const item of refund.items) {
      if (item.itemType !== 'PRODUCT' || item.quantity === null) continue;
      const key = `product:${item.itemId}`;
      units.set(key, (units.get(key) ?? 0n) + BigInt(item.quantity));
    }
  }
  return units;
}

/** The credit for one refund of an order whose booked sale is `sale`. `earlier`: the order's refunds before it. */
export function refundCredit(input: { sale: SalesDocument; refund: BcRefund; earlier: readonly BcRefund[]; settings: SyncSettings }): RefundCredit {
  const { sale, refund, settings } = input;
  const scale = sale.currency.scale;
  const fmt = (v: bigint) => formatUnits(v, scale);
  const notes: string[] = [];
  const before = unitsRefundedBefore(input.earlier);
  const bySource = new Map(sale.lines.map((l) => [l.sourceId, l]));
  const productNet = sum(sale.lines.filter((l) => l.kind === 'product' || l.kind === 'gift_certificate').map((l) => u(l.net, scale)));
  let productNetRefunded = 0n;
  let productNetBefore = 0n;
  for (const [sourceId, done] of before) {
    const line = bySource.get(sourceId);
    if (line) productNetBefore += unitShare(u(line.net, scale), BigInt(line.quantity), 0n, done);
  }

  /** Each credited part with the tax it carried when sold (the weight for the refund's tax). */
  const parts: Array<{ line: DocumentLine; net: bigint; taxWeight: bigint }> = [];

  for (const item of refund.items) {
    const reason = item.reason ? ` (${item.reason})` : '';
    if (item.itemType === 'PRODUCT') {
      const sourceId = `product:${item.itemId}`;
      const line = bySource.get(sourceId);
      const quantity = BigInt(item.quantity ?? 0);
      if (!line || quantity <= 0n) {
        notes.push(`BigCommerce refunded order product ${item.itemId}, which the posted document does not hold; its amount is on the rounding line.`);
        continue;
      }
      const of = BigInt(line.quantity);
      const done = before.get(sourceId) ?? 0n;
      before.set(sourceId, done + quantity);
      const net = unitShare(u(line.net, scale), of, done, quantity);
      productNetRefunded += net;
      parts.push({
        line: lineLike(line, {
          kind: line.kind, sourceId, description: `Refund: ${line.description}${reason}`, account: line.account,
          quantity: String(quantity), discount: fmt(unitShare(u(line.discount, scale), of, done, quantity)),
        }),
        net,
        taxWeight: unitShare(u(line.tax, scale), of, done, quantity),
      });
      continue;
    }
    const amount = item.requestedAmount === null ? 0n : u(item.requestedAmount, scale);
    if (item.itemType === 'ORDER') {
      // Not taxed: BigCommerce does not recalculate tax for an order-level amount. It comes off the revenue the sale
      // was booked on: spread over the product lines' accounts (revenue rules) in proportion to their net.
      for (const share of orderLevelShares(sale, amount, settings.accounts.sales)) {
        parts.push({
          line: lineLike(null, {
            kind: 'discount', sourceId: share.sourceId, description: `Refund (order level)${reason}`, account: share.account,
            ...(share.revenueRule ? { revenueRule: share.revenueRule } : {}),
          }),
          net: share.amount,
          taxWeight: 0n,
        });
      }
      continue;
    }
    if (item.itemType === 'TAX') {
      parts.push({ line: lineLike(null, { kind: 'rounding', sourceId: 'refund:tax', description: `Tax refund${reason}`, account: settings.accounts.rounding }), net: 0n, taxWeight: amount });
      continue;
    }
    const sourceId =
      item.itemType === 'SHIPPING' ? 'shipping'
      : item.itemType === 'HANDLING' ? (bySource.has('handling') ? 'handling' : 'shipping')
      : item.itemType === 'GIFT_WRAPPING' ? (bySource.has('wrapping') ? 'wrapping' : 'shipping')
      : bySource.has(`fee:${item.itemId}`) ? `fee:${item.itemId}` : ([...bySource.keys()].find((k) => k.startsWith('fee:')) ?? `fee:${item.itemId}`);
    const line = bySource.get(sourceId) ?? null;
    const kind = item.itemType === 'SHIPPING' ? 'shipping' : item.itemType === 'HANDLING' ? 'handling' : item.itemType === 'GIFT_WRAPPING' ? 'wrapping' : 'fee';
    const account = line?.account ?? (kind === 'fee' ? settings.accounts.fees : kind === 'shipping' ? settings.accounts.shipping : kind === 'handling' ? settings.accounts.handling : settings.accounts.wrapping);
    // A charge refunded by amount: BigCommerce's amount is in the order's price basis (ex tax on a tax-exclusive
    // order, inc tax on a tax-inclusive one: BigCommerce's refunds guide, docs/store-operations/orders/refunds.mdx),
    // and the tax of that part of the charge is in proportion.
    const inclusive = sale.amountsAre === 'inclusive';
    const basis = line ? u(inclusive ? line.gross : line.net, scale) : 0n;
    const tax = line ? u(line.tax, scale) : 0n;
    const taxShare = basis > 0n ? divRoundHalfUp(tax * amount, basis) : 0n;
    parts.push({
      line: lineLike(line, { kind, sourceId, description: `Refund: ${line?.description ?? kind}${reason}`, account, quantity: '1', discount: '0' }),
      net: inclusive ? amount - taxShare : amount,
      taxWeight: taxShare,
    });
  }

  // A discount booked as one line ("single_line") is credited in proportion to the product value refunded.
  const discountLine = bySource.get('discount');
  if (discountLine && discountLine.kind === 'discount' && productNetRefunded !== 0n) {
    const discount = u(discountLine.net, scale);
    const share = unitShare(discount, productNet, productNetBefore, productNetRefunded);
    if (share !== 0n) {
      parts.push({ line: lineLike(discountLine, { kind: 'discount', sourceId: 'discount', description: 'Refund: share of discounts', account: discountLine.account }), net: share, taxWeight: 0n });
    }
  }

  const total = u(refund.totalAmount, scale);
  const totalTax = u(refund.totalTax ?? '0', scale);
  const weights = parts.map((p) => (p.taxWeight > 0n ? p.taxWeight : 0n));
  const taxes = sum(weights) > 0n ? allocate(totalTax, weights) : parts.map(() => 0n);
  const taxPlaced = sum(taxes);
  const lines = parts.map((p, i) => {
    const tax = taxes[i]!;
    return { ...p.line, net: fmt(p.net), tax: fmt(tax), gross: fmt(p.net + tax) };
  });
  const restTax = totalTax - taxPlaced;
  const rest = total - sum(lines.map((l) => u(l.gross, scale)));
  if (rest !== 0n || restTax !== 0n) {
    lines.push(
      lineLike(null, {
        kind: 'rounding', sourceId: `rounding:refund:${refund.id}`, description: 'Refund rounding', account: settings.accounts.rounding,
        net: fmt(rest - restTax), tax: fmt(restTax), gross: fmt(rest),
      }),
    );
    notes.push(
      `BigCommerce refunded ${fmt(total)} ${sale.currency.code} (tax ${fmt(totalTax)}); the refunded items come to ${fmt(total - rest)} (tax ${fmt(taxPlaced)}), so a rounding line of ${fmt(rest)} (tax ${fmt(restTax)}) was added.`,
    );
  }
  return { lines, total: fmt(total), tax: fmt(totalTax), notes };
}

/** BigCommerce's payment provider ids for store credit and gift certificates (refund payments carry them). */
const STORE_CREDIT = /^store_?credit$/i;
const GIFT_CERTIFICATE = /^gift_?certificate$/i;

/**
 * The money paid out for a refund, one payout per refund payment, from the account the money came into. A declined
 * refund payment moved no money and is left out.
 */
export function refundPayouts(input: { sale: SalesDocument; payments: readonly DocumentPayment[]; refund: BcRefund; settings: SyncSettings }): RefundPayout[] {
  const scale = input.sale.currency.scale;
  const gateway = input.payments.find((p) => p.kind === 'gateway');
  return input.refund.payments
    .filter((p) => !p.declined && u(p.amount, scale) > 0n)
    .map((p) => {
      const base = { paymentId: p.id, providerId: p.providerId, amount: formatUnits(u(p.amount, scale), scale), offline: p.offline };
      if (STORE_CREDIT.test(p.providerId)) return { ...base, kind: 'store_credit' as const, method: 'Store Credit', account: input.settings.payments.storeCreditAccount };
      if (GIFT_CERTIFICATE.test(p.providerId)) return { ...base, kind: 'gift_certificate' as const, method: 'Gift Certificate', account: input.settings.payments.giftCertificateAccount };
      return {
        ...base,
        kind: 'gateway' as const,
        method: gateway?.method ?? (p.providerId || 'Refund'),
        account: gateway?.account ?? input.settings.payments.defaultAccount,
      };
    });
}
