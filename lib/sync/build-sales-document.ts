/**
 * BigCommerce order + settings + lookups → the canonical sales document, or the problems that stop it.
 * Pure: every piece of remote data (items by SKU, customer matches, tax details) arrives in `lookups`.
 *
 * Money: BigCommerce gives four-place decimal strings. We keep each component exact at four places, then
 * round the parts of each sum together (largest remainder) so that rounding never invents or loses a cent,
 * and tie the result to BigCommerce's own totals (total_inc_tax, total_tax). Tax is never recomputed.
 */
import {
  embeddedFees,
  embeddedLineItems,
  embeddedShippingConsignments,
  type BcBillingAddress,
  type BcOrder,
  type BcOrderFee,
  type BcOrderProduct,
  type BcOrderTax,
} from '@/lib/bigcommerce/schemas/orders';
import {
  allocate,
  compareDecimal,
  currencyScale,
  formatUnits,
  MoneyParseError,
  parseUnits,
  roundParts,
  sum,
} from '@/lib/money';
import {
  SALES_DOCUMENT_SCHEMA_VERSION,
  type BuildResult,
  type DocumentCustomer,
  type DocumentKind,
  type DocumentLine,
  type DocumentNote,
  type DocumentPayment,
  type LineKind,
  type PostalAddress,
  type Problem,
  type SalesDocument,
  type ShippingContact,
} from './sales-document';
import { channelTracking, revenueAccountFor, revenueRulesNeedCatalog, type ProductClassification } from './revenue-rules';
import { orderPayments } from './order-payments';
import type { SyncSettings } from './settings';
import { customerNameFrom, fitTo, renderTemplate, type LineToken, type ReferenceToken } from './templates';
import { deliveryAddressFor, personNameOf, shipsToAnotherPerson } from './delivery';

/** Four places: the precision of BigCommerce money strings. */
const WIRE_SCALE = 4;

export interface RemoteCustomerCandidate {
  remoteId: string;
  displayName: string;
  /** The BigCommerce customer this accounting customer is linked to, if any. */
  bcCustomerId: number | null;
}

export interface BuildLookups {
  /** For the deep link back to the order. */
  storeHash?: string | null;
  /** Store default currency from GET /v2/store, used when the order does not say. */
  storeCurrency?: string | null;
  /** Name of the accounting system for messages ("Xero", "the built-in ledger"). */
  providerName?: string;
  /** From the provider's declared limits. */
  limits: { documentNumberMaxLength: number; customerNameMaxLength?: number; referenceMaxLength?: number; lineDescriptionMaxLength?: number };
  /** SKU → accounting item, exact match. SKUs absent from the map have no item. */
  items: ReadonlyMap<string, { id: string }>;
  customer?: {
    /** The accounting customer already linked to order.customer_id (from our own link table). */
    linked?: { remoteId: string } | null;
    /** Accounting customers with the order's billing email. */
    byEmail?: readonly RemoteCustomerCandidate[];
    /** The shared guest customer when it already exists. */
    sharedGuest?: { remoteId: string } | null;
  };
  /** GET /v2/orders/{id}/taxes?details=true; required when settings.tax needs mapping. */
  taxes?: readonly BcOrderTax[] | null;
  /** Line items when the order was fetched without include=consignments.line_items. */
  lineItems?: readonly BcOrderProduct[] | null;
  /** Fees when the order was fetched without include=fees. */
  fees?: readonly BcOrderFee[] | null;
  /**
   * The catalog's categories and brand by product id (GET /v3/catalog/products?id:in=...); required when a revenue
   * rule looks at categories or brands (`revenueRulesNeedCatalog`). A product absent from it is not in the catalog.
   */
  products?: ReadonlyMap<number, ProductClassification> | null;
}

/** Product ids of the order's line items, for the catalog lookup a revenue rule by category or brand needs. */
export function orderProductIds(order: BcOrder, lineItems?: readonly BcOrderProduct[] | null): number[] {
  const products = embeddedLineItems(order) ?? lineItems ?? [];
  return [...new Set(products.filter((p) => p.type !== 'giftcertificate' && p.product_id > 0).map((p) => p.product_id))];
}

/** SKUs of the order's line items, for the item lookup that precedes building. */
export function orderSkus(order: BcOrder, lineItems?: readonly BcOrderProduct[] | null): string[] {
  const products = embeddedLineItems(order) ?? lineItems ?? [];
  return [...new Set(products.filter((p) => p.type !== 'giftcertificate').map((p) => (p.sku ?? '').trim()).filter(Boolean))];
}

interface DraftLine {
  kind: LineKind;
  sourceId: string;
  description: string;
  sku: string | null;
  itemId: string | null;
  options: { name: string; value: string }[];
  quantity: string;
  unitPrice: string;
  account: string;
  revenueRule?: DocumentLine['revenueRule'];
  taxCode: string | null;
  taxLabel: string | null;
  unitCost: string | null;
  /** Four-place amounts in the document's mode (inc or ex tax), before discount. */
  pre4: bigint;
  discount4: bigint;
  tax4: bigint;
}

export function buildSalesDocument(order: BcOrder, settings: SyncSettings, lookups: BuildLookups): BuildResult {
  try {
    return build(order, settings, lookups);
  } catch (error) {
    if (error instanceof MoneyParseError) {
      return { ok: false, problems: [{ code: 'invalid_amount', message: `Order ${order.id} has an amount we cannot read: ${error.message}` }] };
    }
    throw error;
  }
}

function build(order: BcOrder, settings: SyncSettings, lookups: BuildLookups): BuildResult {
  const problems: Problem[] = [];
  const notes: DocumentNote[] = [];
  const provider = lookups.providerName ?? 'your accounting system';

  const code = order.default_currency_code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) {
    return { ok: false, problems: [{ code: 'unsupported_currency', message: `Order ${order.id} has no valid currency code ("${order.default_currency_code}").` }] };
  }
  const scale = currencyScale(code);
  const p4 = (v: string) => parseUnits(v, WIRE_SCALE);
  const fmt = (units: bigint) => formatUnits(units, scale);
  const inclusive = order.is_tax_inclusive_pricing;

  const products = embeddedLineItems(order) ?? lookups.lineItems ?? null;
  if (products === null) {
    return {
      ok: false,
      problems: [{ code: 'line_items_not_loaded', message: `Order ${order.id} was loaded without its line items; it will be loaded again.` }],
    };
  }
  const fees = embeddedFees(order) ?? lookups.fees ?? [];

  // ---- taxes detail: rates per line, for tax-code mapping ----
  const needMapping = settings.tax.requireMapping;
  if (needMapping && !lookups.taxes) {
    throw new Error('buildSalesDocument: settings.tax.requireMapping needs lookups.taxes (GET /v2/orders/{id}/taxes?details=true)');
  }
  const ratesFor = (type: BcOrderTax['line_item_type'], productId?: number) =>
    (lookups.taxes ?? []).filter(
      (t) => t.line_item_type === type && (productId === undefined || t.order_product_id === String(productId)),
    );
  const resolveTaxCode = (sourceId: string, tax4: bigint, rates: readonly BcOrderTax[]): { taxCode: string | null; taxLabel: string | null } => {
    const applied = rates.filter((r) => p4(r.line_amount) !== 0n || p4(r.rate) !== 0n);
    const label = applied.length ? applied.map((r) => `${r.name} ${trimZeros(r.rate)}%`).join(' + ') : null;
    if (tax4 === 0n) return { taxCode: settings.tax.zeroTaxCode, taxLabel: label };
    if (applied.length === 0) {
      if (needMapping) {
        problems.push({
          code: 'unmapped_tax_rate',
          sourceId,
          message: `BigCommerce charged tax on ${sourceId} but did not say which tax rate; map a default tax code on the Mappings page, then retry the order.`,
        });
      }
      return { taxCode: settings.tax.defaultTaxCode, taxLabel: label };
    }
    // The rate carrying the most tax decides the code when a line has several (state + county).
    const main = [...applied].sort((a, b) => compareDecimal(b.line_amount, a.line_amount))[0]!;
    const mapping = settings.tax.mappings.find(
      (m) =>
        (m.name === undefined || m.name.toLowerCase() === main.name.trim().toLowerCase()) &&
        (m.rate === undefined || compareDecimal(m.rate, main.rate) === 0),
    );
    if (mapping) return { taxCode: mapping.taxCode, taxLabel: label };
    if (needMapping) {
      problems.push({
        code: 'unmapped_tax_rate',
        sourceId,
        message: `Tax rate "${main.name}" (${trimZeros(main.rate)}%) is not mapped to a tax code in ${provider}. Map it on the Mappings page, then retry the order.`,
      });
    }
    return { taxCode: settings.tax.defaultTaxCode, taxLabel: label };
  };

  // ---- product lines ----
  const lineDescription = (p: BcOrderProduct, options: { name: string; value: string }[]) => {
    const text = renderTemplate<LineToken>(settings.lines.descriptionTemplate, {
      name: p.name, sku: (p.sku ?? '').trim(), options: options.map((o) => `${o.name}: ${o.value}`).join(', '),
      productId: String(p.product_id), quantity: String(p.quantity),
    });
    const fitted = fitTo(text, lookups.limits.lineDescriptionMaxLength);
    if (fitted.cut) notes.push({ code: 'text_truncated', message: `The description of "${p.name}" is longer than the ${lookups.limits.lineDescriptionMaxLength} characters ${provider} allows; it was shortened.` });
    return fitted.text;
  };
  if (revenueRulesNeedCatalog(settings) && !lookups.products) {
    throw new Error('buildSalesDocument: a revenue rule by category or brand needs lookups.products (GET /v3/catalog/products)');
  }
  const channelId = order.channel_id ?? null;
  const drafts: DraftLine[] = [];
  for (const p of products) {
    const sourceId = `product:${p.id}`;
    const sku = (p.sku ?? '').trim();
    const isGiftCertificate = p.type === 'giftcertificate';
    let itemId: string | null = null;
    if (!isGiftCertificate && sku) {
      const item = lookups.items.get(sku);
      if (item) itemId = item.id;
      else if (settings.items.missingSku === 'fail') {
        problems.push({ code: 'missing_sku', sourceId, message: `Unable to find item for SKU ${sku} in ${provider}. Create the item (or fix the SKU in BigCommerce), then retry the order.` });
      } else {
        notes.push({ code: 'sku_without_item', message: `No item for SKU ${sku} in ${provider}; the line was posted to the sales account without an item.` });
      }
    } else if (!isGiftCertificate) {
      notes.push({ code: 'no_sku', message: `"${p.name}" has no SKU; the line was posted to the sales account without an item.` });
    }
    const tax4 = p4(p.total_tax);
    const options = p.product_options.map((o) => ({ name: o.display_name, value: o.display_value }));
    const revenue = isGiftCertificate ? null : revenueAccountFor(settings, { channelId, product: lookups.products?.get(p.product_id) ?? null });
    drafts.push({
      kind: isGiftCertificate ? 'gift_certificate' : 'product',
      sourceId,
      description: lineDescription(p, options),
      sku: sku || null,
      itemId,
      options,
      quantity: String(p.quantity),
      unitPrice: formatUnits(p4(inclusive ? p.price_inc_tax : p.price_ex_tax), WIRE_SCALE),
      account: revenue?.account ?? settings.accounts.giftCertificatesSold,
      ...(revenue?.rule ? { revenueRule: revenue.rule } : {}),
      ...resolveTaxCode(sourceId, tax4, ratesFor('item', p.id)),
      unitCost: p.cost_price_ex_tax !== undefined && p4(p.cost_price_ex_tax) > 0n ? formatUnits(p4(p.cost_price_ex_tax), WIRE_SCALE) : null,
      pre4: p4(inclusive ? p.total_inc_tax : p.total_ex_tax),
      discount4: sum(p.applied_discounts.map((d) => p4(d.amount))),
      tax4,
    });
  }
  const productDrafts = [...drafts];

  // ---- discounts not carried by applied_discounts: spread by price share ----
  const orderDiscount4 = p4(order.discount_amount) + p4(order.coupon_discount);
  const applied4 = sum(productDrafts.map((d) => d.discount4));
  const unallocated4 = orderDiscount4 - applied4;
  if (unallocated4 > 0n && productDrafts.length > 0) {
    const weights = productDrafts.map((d) => (d.pre4 > 0n ? d.pre4 : 0n));
    const shares = allocate(unallocated4, weights);
    productDrafts.forEach((d, i) => (d.discount4 += shares[i] ?? 0n));
  }

  // ---- shipping, handling, wrapping ----
  const charge = (kind: 'shipping' | 'handling' | 'wrapping', ex: string, inc: string, tax: string, account: string, description: string, rateType: BcOrderTax['line_item_type']) => {
    const pre4 = p4(inclusive ? inc : ex);
    const tax4 = p4(tax);
    return { kind, pre4, tax4, account, description, rates: ratesFor(rateType) };
  };
  const consignments = embeddedShippingConsignments(order) ?? [];
  const methods = [...new Set(consignments.map((c) => (c.shipping_method ?? '').trim()).filter(Boolean))];
  const charges = [
    charge('shipping', order.shipping_cost_ex_tax, order.shipping_cost_inc_tax, order.shipping_cost_tax, settings.accounts.shipping, methods.length ? `Shipping: ${methods.join(', ')}` : 'Shipping', 'shipping'),
    charge('handling', order.handling_cost_ex_tax, order.handling_cost_inc_tax, order.handling_cost_tax, settings.accounts.handling, 'Handling', 'handling'),
    charge('wrapping', order.wrapping_cost_ex_tax, order.wrapping_cost_inc_tax, order.wrapping_cost_tax, settings.accounts.wrapping, 'Gift wrapping', 'gift-wrapping'),
  ];
  const chargeLines = settings.lines.combineShippingHandlingWrapping
    ? [{
        kind: 'shipping' as const,
        pre4: sum(charges.map((c) => c.pre4)),
        tax4: sum(charges.map((c) => c.tax4)),
        account: settings.accounts.shipping,
        description: charges.filter((c) => c.pre4 !== 0n || c.tax4 !== 0n).length > 1 ? 'Shipping, handling and gift wrapping' : charges[0]!.description,
        rates: charges.flatMap((c) => c.rates),
      }]
    : charges;
  for (const c of chargeLines) {
    if (c.pre4 === 0n && c.tax4 === 0n) continue;
    drafts.push({
      kind: c.kind, sourceId: c.kind, description: c.description, sku: null, itemId: null, options: [], quantity: '1',
      unitPrice: formatUnits(c.pre4, WIRE_SCALE), account: c.account, ...resolveTaxCode(c.kind, c.tax4, c.rates),
      unitCost: null, pre4: c.pre4, discount4: 0n, tax4: c.tax4,
    });
  }

  // ---- fees ----
  for (const f of fees) {
    const pre4 = p4(inclusive ? f.cost_inc_tax : f.cost_ex_tax);
    const tax4 = p4(f.cost_tax);
    if (pre4 === 0n && tax4 === 0n) continue;
    const sourceId = `fee:${f.id}`;
    drafts.push({
      kind: 'fee', sourceId, description: f.display_name_merchant || f.display_name_customer || 'Fee', sku: null, itemId: null,
      options: [], quantity: '1', unitPrice: formatUnits(pre4, WIRE_SCALE), account: settings.accounts.fees,
      ...resolveTaxCode(sourceId, tax4, []), unitCost: null, pre4, discount4: 0n, tax4,
    });
  }

  if (productDrafts.length === 0 && drafts.length === 0) {
    problems.push({ code: 'no_line_items', message: `Order ${order.id} has no line items, so there is nothing to post.` });
  }

  // ---- round every sum's parts together ----
  const singleDiscountLine = settings.lines.discounts === 'single_line';
  const preC = roundParts(drafts.map((d) => d.pre4), WIRE_SCALE, scale);
  const discC = roundParts(drafts.map((d) => d.discount4), WIRE_SCALE, scale);
  const taxC = roundParts(drafts.map((d) => d.tax4), WIRE_SCALE, scale);
  // BigCommerce reports a line's tax before order-level discounts but charges the order's tax after them (the
  // discount lowers the taxable amount). The tax the discounts removed is taken off the discounted lines in
  // proportion to their discount, so every line keeps its own tax and the parts sum to BigCommerce's total tax.
  const chargedTax = parseUnits(order.total_tax, scale);
  const removedTax = sum(taxC) - chargedTax;
  const discountOnLines = sum(discC);
  if (removedTax > 0n && discountOnLines > 0n && removedTax <= discountOnLines) {
    const cut = allocate(removedTax, discC.map((d) => (d > 0n ? d : 0n)));
    cut.forEach((c, i) => (taxC[i] = taxC[i]! - c));
  }
  const lines: DocumentLine[] = drafts.map((d, i) => {
    const discount = singleDiscountLine ? 0n : discC[i]!;
    const amount = preC[i]! - discount;
    const tax = taxC[i]!;
    const net = inclusive ? amount - tax : amount;
    return {
      kind: d.kind, sourceId: d.sourceId, description: d.description, sku: d.sku, itemId: d.itemId, options: d.options,
      quantity: d.quantity, unitPrice: d.unitPrice, discount: fmt(discount), net: fmt(net), tax: fmt(tax), gross: fmt(net + tax),
      account: d.account, ...(d.revenueRule ? { revenueRule: d.revenueRule } : {}), taxCode: d.taxCode, taxLabel: d.taxLabel, unitCost: d.unitCost,
    };
  });
  const discountTotal = sum(discC);
  if (singleDiscountLine && discountTotal !== 0n) {
    lines.push(fixedLine('discount', 'discount', 'Discounts', -discountTotal, 0n, settings.accounts.discounts, fmt));
  }

  // ---- tie out to BigCommerce's own totals ----
  const expectedTotal = parseUnits(order.total_inc_tax, scale);
  const expectedTax = parseUnits(order.total_tax, scale);
  const linesTotal = sum(lines.map((l) => parseUnits(l.gross, scale)));
  const linesTax = sum(lines.map((l) => parseUnits(l.tax, scale)));
  const diffTotal = expectedTotal - linesTotal;
  const diffTax = expectedTax - linesTax;
  if (diffTotal !== 0n || diffTax !== 0n) {
    // Each line may honestly differ from BigCommerce's rounding by less than one minor unit; more than that
    // means the order's totals and its lines disagree (an edited order, an unknown charge) and we must not guess.
    const tolerance = BigInt(Math.max(1, lines.length));
    if (abs(diffTotal) <= tolerance && abs(diffTax) <= tolerance) {
      lines.push(fixedLine('rounding', 'rounding', 'Rounding', diffTotal - diffTax, diffTax, settings.accounts.rounding, fmt));
      notes.push({
        code: 'rounding_line_added',
        message: `BigCommerce's totals (${fmt(expectedTotal)} ${code}, tax ${fmt(expectedTax)}) differ from the sum of its lines (${fmt(linesTotal)}, tax ${fmt(linesTax)}); a rounding line of ${fmt(diffTotal)} (tax ${fmt(diffTax)}) was added.`,
      });
    } else {
      problems.push({
        code: 'totals_mismatch',
        message: `Order ${order.id} does not add up: BigCommerce's total is ${fmt(expectedTotal)} ${code} with ${fmt(expectedTax)} tax, but its lines come to ${fmt(linesTotal)} with ${fmt(linesTax)} tax. The order is held and nothing was posted; check the order in BigCommerce, then retry.`,
      });
    }
  }

  // ---- numbering ----
  const number = `${settings.document.numberPrefix}${order.id}`;
  if (number.length > lookups.limits.documentNumberMaxLength) {
    problems.push({
      code: 'number_too_long',
      message: `Document number "${number}" is longer than the ${lookups.limits.documentNumberMaxLength} characters ${provider} allows. Shorten the number prefix in Settings, then retry.`,
    });
  }

  // ---- dates ----
  const created = new Date(order.date_created);
  if (Number.isNaN(created.getTime())) {
    problems.push({ code: 'invalid_amount', message: `Order ${order.id} has an unreadable creation date "${order.date_created}".` });
  }
  if (problems.length > 0) return { ok: false, problems };

  const date = localDate(created, settings.document.timeZone);
  const dueDate = addDays(date, settings.document.dueDays);

  // ---- payments ----
  const total = expectedTotal;
  const storeCredit = parseUnits(order.store_credit_amount, scale);
  const giftCertificates = parseUnits(order.gift_certificate_amount, scale);
  const paid = orderPayments(
    { total, storeCredit, giftCertificates, paymentStatus: order.payment_status, paymentMethod: order.payment_method ?? '' },
    settings.payments,
  );
  if (paid.authorizedNotCaptured) {
    notes.push({ code: 'authorized_not_captured', message: 'The payment is authorized but not captured; the document stays unpaid until it is captured.' });
  }
  const gatewayReference = order.payment_provider_id == null || order.payment_provider_id === '' ? null : String(order.payment_provider_id);
  const payments: DocumentPayment[] = paid.payments.map((p) => ({
    kind: p.kind, method: p.method, account: p.account, amount: fmt(p.amount), date, reference: p.kind === 'gateway' ? gatewayReference : null,
  }));
  const paidTotal = sum(payments.map((p) => parseUnits(p.amount, scale)));

  // ---- kind ----
  let kind: DocumentKind;
  const wanted = settings.document.kind;
  if (wanted === 'auto') kind = paidTotal === total ? 'sales_receipt' : 'invoice';
  else if (wanted === 'sales_receipt' && paidTotal !== total) {
    kind = 'invoice';
    notes.push({ code: 'sales_receipt_unpaid', message: 'The order is not fully paid, so it was posted as an invoice instead of a sales receipt.' });
  } else kind = wanted;

  const storeCurrency = (order.store_default_currency_code || lookups.storeCurrency || code).toUpperCase();
  const rate = storeCurrency === code ? '1' : trimZeros(order.store_default_to_transactional_exchange_rate ?? '1');

  const document: SalesDocument = {
    schemaVersion: SALES_DOCUMENT_SCHEMA_VERSION,
    kind,
    number,
    reference: documentReference(order, settings, lookups, date, notes, provider),
    source: {
      platform: 'bigcommerce',
      orderId: order.id,
      orderUrl: lookups.storeHash ? `https://store-${lookups.storeHash}.mybigcommerce.com/manage/orders/${order.id}` : null,
      statusId: order.status_id,
      channelId: order.channel_id ?? null,
      createdAt: created.toISOString(),
    },
    date,
    dueDate,
    currency: { code, scale, storeCurrency, exchangeRate: rate },
    amountsAre: inclusive ? 'inclusive' : 'exclusive',
    customer: resolveCustomer(order, settings, lookups, consignments[0] ? address(consignments[0]) : undefined),
    shippingContacts: consignments.map((c) => ({ id: c.id, method: (c.shipping_method ?? '').trim(), ...address(c) }) satisfies ShippingContact),
    lines,
    ...channelTracking(settings, channelId),
    totals: {
      net: fmt(sum(lines.map((l) => parseUnits(l.net, scale)))),
      tax: fmt(expectedTax),
      total: fmt(total),
      discount: fmt(discountTotal),
      due: fmt(total - paidTotal),
    },
    payments,
    notes,
    memo: (order.customer_message ?? '').trim(),
  };
  const check = checkTotals(document, order);
  if (!check.ok) return { ok: false, problems: check.problems };
  return { ok: true, document };
}

/** The reference template filled in for the order, within the system's limit (a note says when it was cut). */
function documentReference(order: BcOrder, settings: SyncSettings, lookups: BuildLookups, date: string, notes: DocumentNote[], provider: string): string {
  const billing = order.billing_address;
  const text = renderTemplate<ReferenceToken>(settings.document.referenceTemplate, {
    orderId: String(order.id),
    channel: order.channel_id == null ? '' : String(order.channel_id),
    customerName: `${billing.first_name ?? ''} ${billing.last_name ?? ''}`.trim() || (billing.company ?? '').trim(),
    email: (billing.email ?? '').trim(),
    date,
    paymentMethod: (order.payment_method ?? '').trim(),
  });
  const fitted = fitTo(text, lookups.limits.referenceMaxLength);
  if (fitted.cut) notes.push({ code: 'text_truncated', message: `The reference "${text}" is longer than the ${lookups.limits.referenceMaxLength} characters ${provider} allows; it was shortened.` });
  return fitted.text;
}

function fixedLine(kind: LineKind, sourceId: string, description: string, net: bigint, tax: bigint, account: string, fmt: (u: bigint) => string): DocumentLine {
  return {
    kind, sourceId, description, sku: null, itemId: null, options: [], quantity: '1', unitPrice: fmt(net), discount: fmt(0n),
    net: fmt(net), tax: fmt(tax), gross: fmt(net + tax), account, taxCode: null, taxLabel: null, unitCost: null,
  };
}

/**
 * The totals check, run on every document before anything is posted: each line's gross = net + tax, the
 * totals are the sums of the lines, total = BigCommerce total_inc_tax, tax = total_tax, payments ≤ total.
 */
export function checkTotals(document: SalesDocument, order: Pick<BcOrder, 'id' | 'total_inc_tax' | 'total_tax'>): { ok: true } | { ok: false; problems: Problem[] } {
  const scale = document.currency.scale;
  const u = (v: string) => parseUnits(v, scale);
  const fail = (message: string) => ({ ok: false as const, problems: [{ code: 'totals_mismatch' as const, message: `Order ${order.id} is held: ${message}` }] });
  for (const line of document.lines) {
    if (u(line.net) + u(line.tax) !== u(line.gross)) return fail(`line ${line.sourceId} does not add up (${line.net} + ${line.tax} ≠ ${line.gross}).`);
  }
  const total = sum(document.lines.map((l) => u(l.gross)));
  const tax = sum(document.lines.map((l) => u(l.tax)));
  const net = sum(document.lines.map((l) => u(l.net)));
  if (total !== u(document.totals.total) || tax !== u(document.totals.tax) || net !== u(document.totals.net)) {
    return fail('the document totals are not the sum of its lines.');
  }
  if (total !== parseUnits(order.total_inc_tax, scale)) return fail(`the document total ${document.totals.total} differs from BigCommerce's total ${order.total_inc_tax}.`);
  if (tax !== parseUnits(order.total_tax, scale)) return fail(`the document tax ${document.totals.tax} differs from BigCommerce's tax ${order.total_tax}.`);
  const paid = sum(document.payments.map((p) => u(p.amount)));
  if (paid > total || total - paid !== u(document.totals.due)) return fail('the payments exceed the document total.');
  return { ok: true };
}

function resolveCustomer(order: BcOrder, settings: SyncSettings, lookups: BuildLookups, shipping: PostalAddress | undefined): DocumentCustomer {
  const billing = address(order.billing_address);
  const email = billing.email.trim() || null;
  const maxName = lookups.limits.customerNameMaxLength ?? 100;
  const personName = customerNameFrom(settings.customers.nameTemplate, billing);
  const baseName = (personName || billing.company || email || (order.customer_id ? `BigCommerce customer ${order.customer_id}` : 'Guest')).slice(0, maxName);
  const delivery = deliveryAddressFor(billing, shipping);
  const common = { email, company: billing.company, phone: billing.phone, billingAddress: billing };
  // A shopper's own customer keeps where their orders go (named customers are shared: nothing of one order goes on them).
  const own = delivery ? { ...common, deliveryAddress: delivery } : common;
  const byEmail = email === null ? [] : (lookups.customer?.byEmail ?? []);
  const isGuest = order.customer_id === 0;

  // Found by name when posting: the lookups' shared guest is a different customer.
  if (settings.customers.mode === 'single') {
    return { match: 'single', remoteId: null, bcCustomerId: null, displayName: settings.customers.singleName.slice(0, maxName), ...common, company: '', phone: '', email: null };
  }
  // Saasu's rule: shipped to another person by name, the order is that person's, with the shipping address as theirs.
  // No email: a shipping address's email is the buyer's, and the books would send the recipient's invoices to it.
  if (settings.customers.shippingNameContact && shipping && shipsToAnotherPerson(billing, shipping)) {
    return {
      match: 'recipient', remoteId: null, bcCustomerId: null, displayName: personNameOf(shipping).slice(0, maxName),
      email: null, company: shipping.company, phone: shipping.phone, billingAddress: shipping,
    };
  }
  if (settings.customers.mode === 'company' && billing.company) {
    return { match: 'company', remoteId: null, bcCustomerId: null, displayName: billing.company.slice(0, maxName), ...common, email: null };
  }
  if (isGuest && settings.customers.guests === 'shared') {
    return {
      match: 'shared_guest', remoteId: lookups.customer?.sharedGuest?.remoteId ?? null, bcCustomerId: null,
      displayName: settings.customers.sharedGuestName.slice(0, maxName), ...common, email: null,
    };
  }
  if (!isGuest && lookups.customer?.linked) {
    return { match: 'linked', remoteId: lookups.customer.linked.remoteId, bcCustomerId: order.customer_id, displayName: baseName, ...own };
  }
  const bcCustomerId = isGuest ? null : order.customer_id;
  // An accounting customer linked to a different BigCommerce customer is someone else who shares the email.
  const candidate = settings.customers.matchByEmail || isGuest
    ? byEmail.find((c) => c.bcCustomerId === null || c.bcCustomerId === bcCustomerId)
    : undefined;
  if (candidate) {
    return { match: 'email', remoteId: candidate.remoteId, bcCustomerId, displayName: candidate.displayName, ...own };
  }
  // Someone else already uses this email: keep the new customer's name unique (QuickBooks DisplayName, Xero Name).
  const nameTaken = byEmail.length > 0;
  const suffix = bcCustomerId !== null ? ` (BC ${bcCustomerId})` : email ? ` (${email})` : '';
  const displayName = nameTaken ? `${baseName.slice(0, Math.max(1, maxName - suffix.length))}${suffix}` : baseName;
  return { match: 'new', remoteId: null, bcCustomerId, displayName, ...own };
}

function address(a: Pick<BcBillingAddress, 'first_name' | 'last_name' | 'street_1' | 'city' | 'state' | 'zip' | 'country' | 'country_iso2'> & {
  company?: string | null; street_2?: string | null; phone?: string | null; email?: string | null;
}): PostalAddress {
  return {
    firstName: a.first_name.trim(), lastName: a.last_name.trim(), company: (a.company ?? '').trim(), street1: a.street_1,
    street2: a.street_2 ?? '', city: a.city, state: a.state, zip: a.zip, country: a.country, countryIso2: a.country_iso2,
    phone: (a.phone ?? '').trim(), email: (a.email ?? '').trim(),
  };
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function trimZeros(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** YYYY-MM-DD of an instant in an IANA time zone. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
export function localDate(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
