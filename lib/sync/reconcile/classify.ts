/**
 * The rules of reconciliation, pure: the store's orders and refunds of a date range, the documents and payments the
 * books hold for it (read from the system itself, up to today), and our sync records (only to say why an order is not
 * in the books, and which credit we posted for which refund) → one result per day and currency, every difference
 * classed. An order is compared with its document and adjustments, wherever dated; a refund with its credit, wherever
 * dated; an order's payments by the account each went into. A payment difference has no class of its own (the CLI's
 * list is a contract): it is `changed_in_books`, its reason starting "Payments of". Money is integer minor units
 * inside, decimal strings out.
 */
import { currencyScale, formatUnits, parseUnits } from '@/lib/money';
import { localDate } from '../build-sales-document';
import { orderPayments, paymentAccountOf } from '../order-payments';
import type { BooksDocument, BooksPayment } from '../provider';
import type { SyncSettings } from '../settings';
import { REFERENCE_TOKENS } from '../templates';
import type { DayResult, Difference, DifferenceClass, RecordFact, StoreOrderFact, StoreRefundFact } from './types';

/** The store's status rules that decide which orders belong in the books (lib/sync/settings.ts `orders`). */
export interface EligibilityRules {
  importStatusIds: readonly number[];
  refundStatusIds: readonly number[];
  ignoredStatusIds: readonly number[];
  voidStatusIds: readonly number[];
  ordersFromDate: string | null;
}

export interface ReconcileInput {
  /** YYYY-MM-DD, inclusive, in `timeZone`. */
  from: string;
  to: string;
  timeZone: string;
  /** document.numberPrefix and document.referenceTemplate: how a document names its order. */
  numberPrefix: string;
  referenceTemplate: string;
  rules: EligibilityRules;
  /** The store's payment settings (lib/sync/settings.ts `payments`): which account each method pays into. */
  paymentRules: SyncSettings['payments'];
  /** The store's currency, for a day without orders and a refund of an order not read. */
  storeCurrency: string;
  /** Orders placed from..to (any status). */
  orders: readonly StoreOrderFact[];
  /** Refunds made from..to. */
  refunds: readonly StoreRefundFact[];
  /**
   * Documents dated from..to, as the books hold them, and any dated later (up to today): an adjustment or a credit
   * booked in a later, open period is compared with its order or refund; nothing dated outside the range counts on
   * its own date.
   */
  documents: readonly BooksDocument[];
  /** Payments received against documents, dated from `from` on (a capture is booked on its own, later day); null: not read. */
  payments: readonly BooksPayment[] | null;
  /** Our sync records of the orders above (and of the refunds' orders). */
  records: readonly RecordFact[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which order a document is for, told from the document alone (a person may have made it): the system's own order
 * field, else the number (`BC-1042`; a credit note `BC-1042-CR1`, an adjustment `BC-1042-ADJ1`), else the reference
 * the template renders (`BigCommerce order #1042`).
 */
export function documentOrderMatcher(numberPrefix: string, referenceTemplate: string) {
  const prefix = escapeRegExp(numberPrefix);
  const exact = new RegExp(`^${prefix}(\\d+)$`, 'i');
  const suffixed = new RegExp(`^${prefix}(\\d+)-[A-Za-z0-9-]+$`, 'i');
  let reference: RegExp | null = null;
  if (referenceTemplate.includes('{orderId}')) {
    const tokens = new RegExp(`\\{(${REFERENCE_TOKENS.join('|')})\\}`, 'g');
    let pattern = '';
    let last = 0;
    for (const match of referenceTemplate.matchAll(tokens)) {
      pattern += escapeRegExp(referenceTemplate.slice(last, match.index)) + (match[1] === 'orderId' ? '(\\d+)' : '.*?');
      last = match.index + match[0].length;
    }
    pattern += escapeRegExp(referenceTemplate.slice(last));
    // A template's bracketed part may be left out when its tokens are empty: match on the order id's own part only.
    reference = new RegExp(`^${pattern.replace(/\\\[|\\\]/g, '')}$`, 'i');
  }
  return (doc: Pick<BooksDocument, 'orderId' | 'number' | 'reference'>): { orderId: number; role: 'document' | 'related' } | null => {
    const byNumber = exact.exec(doc.number.trim());
    if (doc.orderId !== null) return { orderId: doc.orderId, role: byNumber || !suffixed.test(doc.number.trim()) ? 'document' : 'related' };
    if (byNumber) return { orderId: Number(byNumber[1]), role: 'document' };
    const related = suffixed.exec(doc.number.trim());
    if (related) return { orderId: Number(related[1]), role: 'related' };
    const byReference = reference?.exec(doc.reference.trim());
    if (byReference) return { orderId: Number(byReference[1]), role: 'document' };
    return null;
  };
}

/** The dates from..to inclusive (YYYY-MM-DD). */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end && out.length < 3700) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Whether an order belongs in the books by the store's status rules (or was posted and has moved on, e.g. shipped). */
export function isEligible(order: Pick<StoreOrderFact, 'statusId'>, date: string, record: RecordFact | undefined, rules: EligibilityRules): boolean {
  if (rules.ordersFromDate !== null && date < rules.ordersFromDate) return false;
  if (rules.ignoredStatusIds.includes(order.statusId) || rules.voidStatusIds.includes(order.statusId)) return false;
  if (rules.importStatusIds.includes(order.statusId) || rules.refundStatusIds.includes(order.statusId)) return true;
  return record !== undefined && record.remoteId !== null;
}

interface DayBucket {
  date: string;
  currency: string;
  scale: number;
  orders: number;
  total: bigint;
  tax: bigint;
  shipping: bigint;
  discount: bigint;
  refunds: bigint;
  payments: Map<string, bigint>;
  documents: number;
  booksTotal: bigint;
  booksTax: bigint;
  booksRefunds: bigint;
  booksPayments: Map<string, bigint>;
  differences: Difference[];
}

const RECORD_CLASSES: Partial<Record<RecordFact['state'], DifferenceClass>> = { pending: 'pending', failed: 'failed', held: 'held', skipped: 'skipped' };

/** An adjustment after the document was locked (lib/sync/pipeline/update-document.ts): `BC-1042-ADJ2`, its credit `BC-1042-ADJ2-CR`. */
const ADJUSTMENT = /-ADJ\d+(-CR)?$/i;

/**
 * How a payment is named on both sides: by the account it pays into, as the methods that pay into it. One account may
 * take several methods (the default account takes every method without a mapping), so the comparison is by account and
 * the label names the methods: the mapped ones, Store Credit and Gift Certificate for their accounts, and for the
 * default account the unmapped methods the store used in the range ("Other methods" when none).
 */
export function paymentLabeller(rules: SyncSettings['payments'], storeMethods: Iterable<string>): (account: string) => string {
  const names = new Map<string, Set<string>>();
  const name = (account: string, method: string) => names.set(account, (names.get(account) ?? new Set()).add(method));
  for (const m of rules.mappings) name(m.account, m.method);
  name(rules.storeCreditAccount, 'Store Credit');
  name(rules.giftCertificateAccount, 'Gift Certificate');
  let unmapped = 0;
  for (const method of storeMethods) {
    if (paymentAccountOf(method, rules) !== rules.defaultAccount || rules.mappings.some((m) => m.method.toLowerCase() === method.trim().toLowerCase())) continue;
    name(rules.defaultAccount, method.trim() || 'Unknown');
    unmapped += 1;
  }
  if (unmapped === 0 && !names.has(rules.defaultAccount)) name(rules.defaultAccount, 'Other methods');
  return (account) => {
    const methods = names.get(account);
    return methods ? [...methods].sort((a, b) => a.localeCompare(b)).join(' / ') : `Account ${account}`;
  };
}

export function reconcile(input: ReconcileInput): DayResult[] {
  const dates = new Set(datesBetween(input.from, input.to));
  const matcher = documentOrderMatcher(input.numberPrefix, input.referenceTemplate);
  const records = new Map(input.records.map((r) => [r.orderId, r]));
  const byRemoteId = new Map(input.records.filter((r) => r.remoteId).map((r) => [r.remoteId!, r.orderId]));
  // Our refund credits: the document that credits each refund, as our records posted it.
  const creditOfRefund = new Map<number, { remoteId: string | null; number: string | null }>();
  for (const r of input.records) {
    for (const c of r.credits ?? []) {
      creditOfRefund.set(c.refundId, { remoteId: c.remoteId, number: c.number });
      if (c.remoteId) byRemoteId.set(c.remoteId, r.orderId);
    }
  }
  const buckets = new Map<string, DayBucket>();
  const bucket = (date: string, currency: string): DayBucket => {
    const key = `${date} ${currency}`;
    let b = buckets.get(key);
    if (!b) {
      b = {
        date, currency, scale: currencyScale(currency), orders: 0, total: 0n, tax: 0n, shipping: 0n, discount: 0n, refunds: 0n, payments: new Map(),
        documents: 0, booksTotal: 0n, booksTax: 0n, booksRefunds: 0n, booksPayments: new Map(), differences: [],
      };
      buckets.set(key, b);
    }
    return b;
  };
  for (const date of dates) bucket(date, input.storeCurrency);
  const units = (b: DayBucket, value: string) => parseUnits(value, b.scale);
  const money = (b: DayBucket, value: bigint) => formatUnits(value, b.scale);
  const add = (b: DayBucket, orderId: number, cls: DifferenceClass, amount: bigint, reason: string) =>
    b.differences.push({ orderId, class: cls, amount: money(b, amount), reason });
  const addTo = (map: Map<string, bigint>, key: string, amount: bigint) => map.set(key, (map.get(key) ?? 0n) + amount);
  const label = paymentLabeller(input.paymentRules, input.orders.map((o) => o.paymentMethod));

  // The books' documents, each with its order where it can be told. Only documents dated in the range count on their
  // own date; an adjustment or a credit dated later counts with its order or refund (below).
  const invoicesOf = new Map<number, BooksDocument[]>();
  const adjustmentsOf = new Map<number, BooksDocument[]>();
  const creditsOf = new Map<number, BooksDocument[]>();
  const orderOfDocument = new Map<string, number>();
  const unplaced = new Set<BooksDocument>(); // counted on their own date unless an order or refund takes them
  for (const doc of input.documents) {
    const known = byRemoteId.get(doc.remoteId);
    const match = known !== undefined ? { orderId: known, role: ADJUSTMENT.test(doc.number.trim()) ? 'related' as const : 'document' as const } : matcher(doc);
    if (match) orderOfDocument.set(doc.remoteId, match.orderId);
    const inRange = dates.has(doc.date);
    if (match && match.role === 'related' && ADJUSTMENT.test(doc.number.trim())) {
      adjustmentsOf.set(match.orderId, [...(adjustmentsOf.get(match.orderId) ?? []), doc]);
      if (inRange) unplaced.add(doc);
    } else if (match && doc.kind === 'credit_note') {
      creditsOf.set(match.orderId, [...(creditsOf.get(match.orderId) ?? []), doc]);
      if (inRange) unplaced.add(doc);
    } else if (inRange) {
      const b = bucket(doc.date, doc.currency);
      if (doc.status !== 'voided' && doc.kind === 'invoice') {
        b.documents += 1;
        b.booksTotal += units(b, doc.total);
        b.booksTax += units(b, doc.tax);
      }
      if (doc.status !== 'voided' && doc.kind === 'credit_note') b.booksRefunds += units(b, doc.total);
      if (match?.role === 'document') invoicesOf.set(match.orderId, [...(invoicesOf.get(match.orderId) ?? []), doc]);
    }
  }
  // Payments, each with its order: through the document it pays, else the system's own order field.
  const documentsById = new Map(input.documents.map((d) => [d.remoteId, d]));
  const paymentsOf = new Map<number, BooksPayment[]>();
  const unplacedPayments = new Set<BooksPayment>();
  for (const payment of input.payments ?? []) {
    const doc = payment.documentId !== null ? documentsById.get(payment.documentId) : undefined;
    const byNumber = payment.documentNumber ? matcher({ orderId: null, number: payment.documentNumber, reference: '' }) : null;
    const orderId = (payment.documentId !== null ? orderOfDocument.get(payment.documentId) ?? byRemoteId.get(payment.documentId) : undefined)
      ?? payment.orderId ?? (doc ? null : byNumber?.orderId ?? null);
    if (orderId !== null) paymentsOf.set(orderId, [...(paymentsOf.get(orderId) ?? []), payment]);
    if (dates.has(payment.date)) unplacedPayments.add(payment);
  }
  const bookPayment = (b: DayBucket, payment: BooksPayment) => {
    unplacedPayments.delete(payment);
    addTo(b.booksPayments, label(payment.account), units(b, payment.amount));
  };

  // The store's side, order by order.
  const orderCurrency = new Map<number, string>();
  const orderDay = new Map<number, DayBucket>();
  for (const order of [...input.orders].sort((a, b) => a.orderId - b.orderId)) {
    const date = localDate(new Date(order.createdAt), input.timeZone);
    orderCurrency.set(order.orderId, order.currency);
    const record = records.get(order.orderId);
    if (!dates.has(date) || !isEligible(order, date, record, input.rules)) continue;
    const b = bucket(date, order.currency);
    orderDay.set(order.orderId, b);
    const total = units(b, order.total);
    b.orders += 1;
    b.total += total;
    b.tax += units(b, order.tax);
    b.shipping += units(b, order.shipping);
    b.discount += units(b, order.discount);
    const paid = orderPayments(
      { total, storeCredit: units(b, order.storeCredit), giftCertificates: units(b, order.giftCertificates), paymentStatus: order.paymentStatus, paymentMethod: order.paymentMethod },
      input.paymentRules,
    ).payments;
    for (const p of paid) addTo(b.payments, label(p.account), p.amount);

    // The order's adjustments (wherever dated) belong to its day: its sale is the document plus them.
    const adjustments = (adjustmentsOf.get(order.orderId) ?? []).filter((d) => d.currency === order.currency);
    for (const a of adjustments) {
      unplaced.delete(a);
      if (a.status === 'voided') continue;
      const sign = a.kind === 'credit_note' ? -1n : 1n;
      b.booksTotal += sign * units(b, a.total);
      b.booksTax += sign * units(b, a.tax);
    }
    const orderPaymentsInBooks = (paymentsOf.get(order.orderId) ?? []).filter((p) => p.currency === '' || p.currency === order.currency);
    for (const p of orderPaymentsInBooks) bookPayment(b, p);

    const docs = invoicesOf.get(order.orderId) ?? [];
    const live = docs.filter((d) => d.status !== 'voided');
    const recordClass = record ? RECORD_CLASSES[record.state] : undefined;
    const why = record?.message?.replace(/\s+/g, ' ').trim() || 'no reason recorded';
    if (live.length === 0 && record?.state === 'summarised') {
      // Daily summary mode: the order is in its day's summary, not a document of its own. Until the summary is posted
      // it is pending; once it is, the summary (compared by day, not by order) holds it.
      if (!record.remoteNumber) add(b, order.orderId, 'pending', total, `Kept for its day’s summary, not posted yet: ${why}`);
      continue;
    }
    if (live.length === 0) {
      if (recordClass) {
        add(b, order.orderId, recordClass, total, recordClass === 'pending' ? `Being posted: ${why}` : why);
      } else if (docs.length > 0) {
        add(b, order.orderId, 'voided_in_books', total, `${docs.map((d) => d.number).join(', ')} voided in the books.`);
      } else if (record?.remoteId) {
        add(b, order.orderId, 'voided_in_books', total, `${record.remoteNumber ?? record.remoteId} was posted but is no longer in the books (deleted, or moved to another date).`);
      } else {
        add(b, order.orderId, 'missing_in_books', total, record ? `Not in the books (our record says ${record.state}).` : 'Not in the books, and never posted by the app.');
      }
      continue;
    }
    if (recordClass === 'failed' || recordClass === 'held') add(b, order.orderId, recordClass, 0n, why);
    if (live.length > 1) {
      const ours = live.find((d) => d.remoteId === record?.remoteId) ?? live.find((d) => d.orderId !== null) ?? live[0]!;
      const extra = live.filter((d) => d !== ours);
      add(b, order.orderId, 'duplicate_in_books', extra.reduce((s, d) => s + units(b, d.total), 0n),
        `${live.length} documents for this order: ${live.map((d) => `${d.number || '(no number)'}${d.reference ? ` “${d.reference}”` : ''}`).join(', ')}.`);
    }
    const doc = live.find((d) => d.remoteId === record?.remoteId) ?? live[0]!;
    // The sale in the books: the document, plus adjustment invoices, less adjustment credits (each on its own date).
    const liveAdjustments = adjustments.filter((a) => a.status !== 'voided');
    let booksTotal = units(b, doc.total);
    let booksTax = units(b, doc.tax);
    for (const a of liveAdjustments) {
      const sign = a.kind === 'credit_note' ? -1n : 1n;
      booksTotal += sign * units(b, a.total);
      booksTax += sign * units(b, a.tax);
    }
    const storeTax = units(b, order.tax);
    if (booksTotal !== total || booksTax !== storeTax) {
      const parts = [
        booksTotal !== total ? `total ${money(b, booksTotal)} in the books, ${money(b, total)} in the store` : null,
        booksTax !== storeTax ? `tax ${money(b, booksTax)} in the books, ${money(b, storeTax)} in the store` : null,
      ].filter(Boolean);
      const named = liveAdjustments.length > 0
        ? `${doc.number} with ${liveAdjustments.map((a) => `${a.number} (${a.kind === 'credit_note' ? '-' : ''}${money(b, units(b, a.total))}, ${a.date})`).join(', ')}`
        : doc.number;
      add(b, order.orderId, 'changed_in_books', booksTotal !== total ? booksTotal - total : booksTax - storeTax, `${named}: ${parts.join('; ')}.`);
    }

    // Payments, by the account each went into: what the order paid against what the books hold for its documents
    // (money received in a sales receipt, and payments made against the documents, wherever dated). A payment the
    // books hold differently is `changed_in_books`: the amount is books − store when the sums differ (negative: a
    // payment missing or deleted in the books), else the amount paid into another account.
    // An order changed after its document was locked is compared on total and tax only: its payment status does not
    // say what the change collected, and the adjustment books no payment of its own.
    if (input.payments !== null && liveAdjustments.length === 0) {
      const expected = new Map<string, bigint>();
      for (const p of paid) addTo(expected, p.account, p.amount);
      const held = new Map<string, bigint>();
      for (const d of [doc, ...liveAdjustments]) for (const r of d.received ?? []) addTo(held, r.account, units(b, r.amount));
      for (const p of orderPaymentsInBooks) addTo(held, p.account, units(b, p.amount));
      const accounts = [...new Set([...expected.keys(), ...held.keys()])].sort();
      const differing = accounts.filter((a) => (expected.get(a) ?? 0n) !== (held.get(a) ?? 0n));
      if (differing.length > 0) {
        const sum = (m: Map<string, bigint>) => [...m.values()].reduce((s, v) => s + v, 0n);
        const net = sum(held) - sum(expected);
        const moved = differing.reduce((s, a) => s + ((held.get(a) ?? 0n) > (expected.get(a) ?? 0n) ? (held.get(a) ?? 0n) - (expected.get(a) ?? 0n) : 0n), 0n);
        const side = (m: Map<string, bigint>) =>
          [...m].filter(([, v]) => v !== 0n).map(([a, v]) => `${money(b, v)} to ${a} (${label(a)})`).join(', ') || 'nothing';
        add(b, order.orderId, 'changed_in_books', net !== 0n ? net : moved, `Payments of ${doc.number}: ${side(held)} in the books, ${side(expected)} paid in the store.`);
      }
    }
  }

  // Refunds, each against the credit that credits it, wherever that credit is dated (a credit booked in the open
  // period after a lock date is dated later): our record's credit for the refund first, then the order's other
  // credits (made by a person, or before our records knew them), oldest refund first.
  const refundsOf = new Map<number, Array<{ refundId: number; b: DayBucket; amount: bigint }>>();
  for (const refund of [...input.refunds].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.refundId - y.refundId)) {
    const date = localDate(new Date(refund.createdAt), input.timeZone);
    if (!dates.has(date)) continue;
    const currency = orderCurrency.get(refund.orderId) ?? records.get(refund.orderId)?.currency ?? input.storeCurrency;
    // A refund of an order read here that does not belong in the books (cancelled, ignored) is not the books' to credit.
    if (orderCurrency.has(refund.orderId) && !orderDay.has(refund.orderId) && !records.get(refund.orderId)?.remoteId) continue;
    const b = bucket(date, currency);
    const amount = units(b, refund.amount);
    b.refunds += amount;
    refundsOf.set(refund.orderId, [...(refundsOf.get(refund.orderId) ?? []), { refundId: refund.refundId, b, amount }]);
  }
  for (const [orderId, refunds] of refundsOf) {
    const credits = (creditsOf.get(orderId) ?? []).filter((d) => d.status !== 'voided');
    const used = new Set<BooksDocument>();
    const inRange = new Set(refunds.map((r) => r.refundId));
    // Credits our records tie to a refund outside the range are that refund's, never a pool for these.
    const elsewhere = new Set([...creditOfRefund].filter(([refundId]) => !inRange.has(refundId)).map(([, c]) => c.remoteId));
    const shortfalls: Array<{ refundId: number; b: DayBucket; amount: bigint; credited: bigint; numbers: string[] }> = [];
    for (const r of refunds) {
      const ours = creditOfRefund.get(r.refundId);
      const doc = ours ? credits.find((d) => !used.has(d) && (d.remoteId === ours.remoteId || (ours.number !== null && d.number === ours.number))) : undefined;
      let credited = 0n;
      const numbers: string[] = [];
      if (doc) {
        used.add(doc);
        unplaced.delete(doc);
        credited = units(r.b, doc.total);
        r.b.booksRefunds += credited;
        numbers.push(`${doc.number} of ${doc.date}`);
      }
      shortfalls.push({ ...r, credited, numbers });
    }
    const pool = credits
      .filter((d) => !used.has(d) && !elsewhere.has(d.remoteId))
      .sort((x, y) => x.date.localeCompare(y.date));
    let left = pool.reduce((s, d) => s + units(refunds[0]!.b, d.total), 0n);
    for (const r of shortfalls) {
      if (r.credited < r.amount && left > 0n) {
        const take = left < r.amount - r.credited ? left : r.amount - r.credited;
        left -= take;
        r.credited += take;
        r.b.booksRefunds += take;
        r.numbers.push(...pool.map((d) => `${d.number} of ${d.date}`));
      }
      if (r.credited < r.amount) {
        add(r.b, orderId, 'refund_not_credited', r.amount - r.credited,
          `Refunded ${money(r.b, r.amount)} in the store (refund ${r.refundId}), credited ${money(r.b, r.credited)} in the books${r.numbers.length ? ` (${[...new Set(r.numbers)].join(', ')})` : ''}.`);
      }
    }
    // What the pool credited beyond these refunds stays on the credits' own days (below).
    if (left === 0n) for (const d of pool) unplaced.delete(d);
    else {
      let taken = pool.reduce((s, d) => s + units(refunds[0]!.b, d.total), 0n) - left;
      for (const d of pool) {
        const value = units(refunds[0]!.b, d.total);
        if (taken >= value) {
          unplaced.delete(d);
          taken -= value;
        } else break;
      }
    }
  }

  // What no order or refund took: on its own date, as the books date it.
  for (const doc of unplaced) {
    if (doc.status === 'voided') continue;
    const b = bucket(doc.date, doc.currency);
    if (doc.kind === 'credit_note' && !ADJUSTMENT.test(doc.number.trim())) b.booksRefunds += units(b, doc.total);
    else {
      const sign = doc.kind === 'credit_note' ? -1n : 1n;
      b.booksTotal += sign * units(b, doc.total);
      b.booksTax += sign * units(b, doc.tax);
    }
  }
  for (const payment of unplacedPayments) bookPayment(bucket(payment.date, payment.currency || input.storeCurrency), payment);
  // Money received in the day's sales receipts of no order read (a person's, or of an order not in the range).
  for (const doc of input.documents) {
    if (!dates.has(doc.date) || doc.status === 'voided' || !doc.received) continue;
    const orderId = orderOfDocument.get(doc.remoteId);
    if (orderId !== undefined && orderDay.has(orderId)) continue;
    const b = bucket(doc.date, doc.currency);
    for (const r of doc.received) addTo(b.booksPayments, label(r.account), units(b, r.amount));
  }
  // And the day's orders' own sales receipts.
  for (const [orderId, b] of orderDay) {
    for (const doc of invoicesOf.get(orderId) ?? []) {
      if (doc.status === 'voided') continue;
      for (const r of doc.received ?? []) addTo(b.booksPayments, label(r.account), units(b, r.amount));
    }
    for (const a of adjustmentsOf.get(orderId) ?? []) {
      if (a.status === 'voided') continue;
      for (const r of a.received ?? []) addTo(b.booksPayments, label(r.account), units(b, r.amount));
    }
  }

  const byLabel = (b: DayBucket, m: Map<string, bigint>) =>
    Object.fromEntries([...m].filter(([, v]) => v !== 0n).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, money(b, v)]));
  return [...buckets.values()]
    .filter((b) => b.currency === input.storeCurrency || b.orders > 0 || b.documents > 0 || b.refunds > 0n || b.booksRefunds > 0n)
    .sort((a, b) => (a.date === b.date ? a.currency.localeCompare(b.currency) : a.date < b.date ? -1 : 1))
    .map((b) => ({
      date: b.date,
      currency: b.currency,
      store: {
        orders: b.orders, total: money(b, b.total), tax: money(b, b.tax), refunds: money(b, b.refunds),
        shipping: money(b, b.shipping), discounts: money(b, b.discount), payments: byLabel(b, b.payments),
      },
      books: { documents: b.documents, total: money(b, b.booksTotal), tax: money(b, b.booksTax), refunds: money(b, b.booksRefunds), payments: byLabel(b, b.booksPayments) },
      differences: b.differences.sort((x, y) => x.orderId - y.orderId || x.class.localeCompare(y.class)),
    }));
}

/** A day agrees when nothing differs. */
export const dayAgrees = (day: Pick<DayResult, 'differences'>) => day.differences.length === 0;
