import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderSchema, orderTaxesSchema } from '@/lib/bigcommerce/schemas/orders';
import { formatUnits, parseUnits, sum } from '@/lib/money';
import { buildSalesDocument, type BuildLookups } from '../build-sales-document';
import type { SalesDocument } from '../sales-document';
import { parseSettings } from '../settings';
import { buildDailySummaries, postingModeFor, summaryMethodOf, summaryPostingKey, UNPAID_METHOD, type SummaryEdit, type SummaryRefund } from './daily-summary';
import { summaryContentHash, summaryDayClosed } from './post-summaries';

const casesDir = path.resolve(import.meta.dirname, '../../../tests/fixtures/orders/cases');

/** Every fixture order of the accounting core that builds (the held and failing cases build no document). */
const fixtureDocuments: SalesDocument[] = readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => {
    const fx = JSON.parse(readFileSync(path.join(casesDir, f), 'utf8')) as {
      order: unknown; settings: unknown; taxes: unknown; lookups: { items?: Record<string, string>; customer?: BuildLookups['customer']; limits?: BuildLookups['limits'] };
    };
    const parsed = parseSettings(fx.settings);
    if (!parsed.ok) throw new Error(`${f}: fixture settings invalid`);
    const built = buildSalesDocument(orderSchema.parse(fx.order), parsed.settings, {
      storeHash: 'abc123',
      limits: fx.lookups.limits ?? { documentNumberMaxLength: 64 },
      items: new Map(Object.entries(fx.lookups.items ?? {}).map(([sku, id]) => [sku, { id }])),
      customer: fx.lookups.customer,
      taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null,
    });
    return built.ok ? [built.document] : [];
  });

const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03'];
const METHODS = ['Credit Card', 'PayPal', 'Cash on Delivery'];

/** Fixture orders placed on random days, paid with random methods, some refunded in part on a later day. */
const dayArb = fc.array(
  fc.record({
    fixture: fc.nat({ max: fixtureDocuments.length - 1 }),
    day: fc.nat({ max: DAYS.length - 1 }),
    method: fc.nat({ max: METHODS.length - 1 }),
    unpaid: fc.boolean(),
    refund: fc.option(fc.record({ line: fc.nat(), permille: fc.integer({ min: 1, max: 1000 }), later: fc.nat({ max: 2 }) })),
  }),
  { minLength: 1, maxLength: 40 },
);

function scenario(spec: { fixture: number; day: number; method: number; unpaid: boolean; refund: { line: number; permille: number; later: number } | null }[]) {
  const sales: SalesDocument[] = [];
  const refunds: SummaryRefund[] = [];
  spec.forEach((s, i) => {
    const base = fixtureDocuments[s.fixture]!;
    const orderId = 1_000 + i;
    const doc: SalesDocument = {
      ...base,
      number: `BC-${orderId}`,
      date: DAYS[s.day]!,
      source: { ...base.source, orderId },
      payments: s.unpaid ? [] : base.payments.map((p) => (p.kind === 'gateway' ? { ...p, method: METHODS[s.method]! } : p)),
    };
    sales.push(doc);
    if (s.refund) {
      const scale = doc.currency.scale;
      const line = doc.lines[s.refund.line % doc.lines.length]!;
      const net = (parseUnits(line.net, scale) * BigInt(s.refund.permille)) / 1000n;
      const tax = (parseUnits(line.tax, scale) * BigInt(s.refund.permille)) / 1000n;
      const f = (v: bigint) => formatUnits(v, scale);
      refunds.push({
        orderId, refundId: 50_000 + i, date: DAYS[Math.min(DAYS.length - 1, s.day + s.refund.later)]!, sale: doc,
        credit: { lines: [{ ...line, net: f(net), tax: f(tax), gross: f(net + tax), discount: '0' }], total: f(net + tax), tax: f(tax) },
        payouts: doc.payments[0] ? [{ paymentId: 1, providerId: 'gw', method: doc.payments[0].method, kind: doc.payments[0].kind, account: doc.payments[0].account, amount: f(net + tax), offline: false }] : [],
      });
    }
  });
  return { sales, refunds };
}

const units = (value: string, scale: number) => parseUnits(value, scale);

/**
 * Orders of the first day whose summary was closed, then changed on a later day (into another fixture order of the same
 * currency: other lines, accounts, tax rates and payments), some more than once, and orders first seen after their day
 * closed (`before` null).
 */
const editArb = fc.record({
  orders: dayArb,
  edits: fc.array(fc.record({ order: fc.nat(), into: fc.nat({ max: fixtureDocuments.length - 1 }), day: fc.integer({ min: 1, max: DAYS.length - 1 }), late: fc.boolean() }), { maxLength: 12 }),
});

function editScenario(spec: { orders: Parameters<typeof scenario>[0]; edits: { order: number; into: number; day: number; late: boolean }[] }) {
  const { sales, refunds } = scenario(spec.orders);
  const edits: SummaryEdit[] = [];
  const current = new Map(sales.map((d) => [d.source.orderId, d]));
  const kept = [...sales];
  spec.edits.forEach((e, i) => {
    const base = kept[e.order % kept.length]!;
    const orderId = base.source.orderId;
    const into = fixtureDocuments[e.into]!;
    if (into.currency.code !== base.currency.code) return;
    const before = e.late && !edits.some((x) => x.orderId === orderId) ? null : current.get(orderId)!;
    const after: SalesDocument = { ...into, number: base.number, date: base.date, source: { ...into.source, orderId } };
    // An order first seen late is in no day of its own: it leaves the sales of its day.
    if (before === null) sales.splice(sales.indexOf(base), 1);
    edits.push({ orderId, key: `e${i}`, date: DAYS[e.day]!, before, after });
    current.set(orderId, after);
  });
  return { sales, refunds, edits };
}

describe('daily summaries', () => {
  it('the accounting core fixtures build documents to summarise', () => {
    expect(fixtureDocuments.length).toBeGreaterThan(20);
    expect(new Set(fixtureDocuments.map((d) => d.currency.code)).size).toBeGreaterThan(1);
  });

  it('each order is in exactly one summary, its own day, currency and method; lines, tax and payments are its orders\' sums to the cent', () => {
    fc.assert(
      fc.property(dayArb, (spec) => {
        const { sales, refunds } = scenario(spec);
        const summaries = buildDailySummaries({ sales, refunds });
        // Every order once, in the summary of its key.
        const placed = summaries.flatMap((s) => s.orders.map((o) => ({ orderId: o.orderId, key: s.key })));
        expect(placed.map((p) => p.orderId).sort((a, b) => a - b)).toEqual(sales.map((d) => d.source.orderId));
        for (const p of placed) {
          const doc = sales.find((d) => d.source.orderId === p.orderId)!;
          expect(p.key).toEqual({ date: doc.date, currency: doc.currency.code, method: summaryMethodOf(doc) });
        }
        expect(summaries.flatMap((s) => s.refunds.map((r) => r.refundId)).sort()).toEqual(refunds.map((r) => r.refundId).sort());
        for (const s of summaries) {
          const scale = s.scale;
          const docs = sales.filter((d) => s.orders.some((o) => o.orderId === d.source.orderId));
          const credits = refunds.filter((r) => s.refunds.some((x) => x.refundId === r.refundId));
          for (const l of [...s.sales, ...s.credits]) expect(units(l.gross, scale)).toBe(units(l.net, scale) + units(l.tax, scale));
          // The day's money and tax are the sum of the orders' documents.
          expect(units(s.totals.sales.net, scale)).toBe(sum(docs.map((d) => units(d.totals.net, scale))));
          expect(units(s.totals.sales.tax, scale)).toBe(sum(docs.map((d) => units(d.totals.tax, scale))));
          expect(units(s.totals.sales.gross, scale)).toBe(sum(docs.map((d) => units(d.totals.total, scale))));
          expect(units(s.totals.credits.gross, scale)).toBe(sum(credits.map((r) => units(r.credit?.total ?? '0', scale))));
          expect(units(s.totals.credits.tax, scale)).toBe(sum(credits.map((r) => units(r.credit?.tax ?? '0', scale))));
          // Tax per rate exactly as charged: per tax label, the summary's tax is the orders' lines' tax.
          const labels = new Set(docs.flatMap((d) => d.lines.map((l) => l.taxLabel)));
          for (const label of labels) {
            expect(sum(s.sales.filter((l) => l.taxLabel === label).map((l) => units(l.tax, scale))))
              .toBe(sum(docs.flatMap((d) => d.lines.filter((l) => l.taxLabel === label).map((l) => units(l.tax, scale)))));
          }
          // Per revenue account, likewise.
          for (const account of new Set(docs.flatMap((d) => d.lines.map((l) => l.account)))) {
            expect(sum(s.sales.filter((l) => l.account === account).map((l) => units(l.net, scale))))
              .toBe(sum(docs.flatMap((d) => d.lines.filter((l) => l.account === account).map((l) => units(l.net, scale)))));
          }
          // Payments per clearing account, and the balance owing.
          for (const account of new Set(docs.flatMap((d) => d.payments.map((p) => p.account)))) {
            const paid = sum(docs.flatMap((d) => d.payments.filter((p) => p.account === account).map((p) => units(p.amount, scale))));
            expect(sum(s.payments.filter((p) => p.account === account).map((p) => units(p.amount, scale)))).toBe(paid);
          }
          const received = sum(s.payments.map((p) => units(p.amount, scale))) - sum(s.payouts.map((p) => units(p.amount, scale)));
          expect(units(s.totals.received, scale)).toBe(received);
          expect(units(s.totals.due, scale)).toBe(units(s.totals.sales.gross, scale) - units(s.totals.credits.gross, scale) - received);
        }
        // The order of the input changes nothing.
        expect(buildDailySummaries({ sales: [...sales].reverse(), refunds: [...refunds].reverse() })).toEqual(summaries);
      }),
      { numRuns: 150 },
    );
  });

  it('late edits are their own lines in the summary of the day of the change: each summary\'s lines, tax and money equal the sum of its orders\' and edits\' shares to the cent', () => {
    fc.assert(
      fc.property(editArb, (spec) => {
        const { sales, refunds, edits } = editScenario(spec);
        const summaries = buildDailySummaries({ sales, refunds, edits });
        // Every edit once, in the summary of its day, under the method that booked the order.
        const placed = summaries.flatMap((s) => (s.edits ?? []).map((e) => ({ key: e.key, summary: s.key })));
        expect(placed.map((p) => p.key).sort()).toEqual(edits.map((e) => e.key).sort());
        for (const p of placed) {
          const edit = edits.find((e) => e.key === p.key)!;
          expect(p.summary).toEqual({ date: edit.date, currency: edit.after.currency.code, method: summaryMethodOf(edit.before ?? edit.after) });
        }
        for (const s of summaries) {
          const u = (v: string) => units(v, s.scale);
          const shares = [...s.orders, ...(s.edits ?? [])];
          for (const l of s.sales) expect(u(l.gross)).toBe(u(l.net) + u(l.tax));
          // The summary's lines and tax are the sum of its orders' and edits' shares.
          expect(sum(s.sales.map((l) => u(l.net)))).toBe(sum(shares.map((o) => u(o.net))));
          expect(sum(s.sales.map((l) => u(l.tax)))).toBe(sum(shares.map((o) => u(o.tax))));
          expect(sum(s.sales.map((l) => u(l.gross)))).toBe(sum(shares.map((o) => u(o.total))));
          expect(u(s.totals.sales.gross)).toBe(sum(shares.map((o) => u(o.total))));
          // Money: what the orders and edits took, less what the refunds (and reductions) paid back.
          const received = sum(s.payments.map((p) => u(p.amount))) - sum(s.payouts.map((p) => u(p.amount)));
          expect(received).toBe(sum(shares.map((o) => u(o.paid ?? '0'))) - sum(s.refunds.map((r) => u(r.paidOut ?? '0'))));
          // Each edit share is exactly after − before.
          for (const share of s.edits ?? []) {
            const edit = edits.find((e) => e.key === share.key)!;
            expect(u(share.total)).toBe(u(edit.after.totals.total) - (edit.before ? u(edit.before.totals.total) : 0n));
            expect(u(share.tax)).toBe(u(edit.after.totals.tax) - (edit.before ? u(edit.before.totals.tax) : 0n));
          }
          // Edits are lines of their own, after the day's sales.
          const firstEdit = s.sales.findIndex((l) => l.edit);
          if (firstEdit >= 0) expect(s.sales.slice(firstEdit).every((l) => l.edit && l.description.startsWith('Changes to earlier orders: '))).toBe(true);
          if (!(s.edits ?? []).length) expect(s.sales.some((l) => l.edit)).toBe(false);
        }
        // Across all days, per revenue account and tax rate: the books hold what the orders are now, to the cent.
        const byScale = new Map<string, number>();
        for (const s of summaries) byScale.set(s.key.currency, s.scale);
        const now = [...new Map([...sales, ...edits.map((e) => e.after)].map((d) => [d.source.orderId, d])).values()];
        for (const [currency, scale] of byScale) {
          const u = (v: string) => units(v, scale);
          const docs = now.filter((d) => d.currency.code === currency);
          const lines = summaries.filter((s) => s.key.currency === currency).flatMap((s) => s.sales);
          for (const label of new Set(docs.flatMap((d) => d.lines.map((l) => l.taxLabel)))) {
            expect(sum(lines.filter((l) => l.taxLabel === label).map((l) => u(l.tax)))).toBe(sum(docs.flatMap((d) => d.lines.filter((l) => l.taxLabel === label).map((l) => u(l.tax)))));
          }
          for (const account of new Set(docs.flatMap((d) => d.lines.map((l) => l.account)))) {
            expect(sum(lines.filter((l) => l.account === account).map((l) => u(l.net)))).toBe(sum(docs.flatMap((d) => d.lines.filter((l) => l.account === account).map((l) => u(l.net)))));
          }
        }
        expect(buildDailySummaries({ sales: [...sales].reverse(), refunds, edits: [...edits].reverse() })).toEqual(summaries);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('a day is closed once one of its summaries is, or once posted and the close hours have passed; a day never posted stays open', () => {
    const at = (iso: string) => ({ now: new Date(iso), timeZone: 'America/New_York', closeHours: 24 });
    // 2026-11-01 ends at 2026-11-02T05:00Z in New York (EST); closed 24 hours later.
    expect(summaryDayClosed({ posted: true, closed: false }, '2026-11-01', at('2026-11-03T04:59:59Z'))).toBe(false);
    expect(summaryDayClosed({ posted: true, closed: false }, '2026-11-01', at('2026-11-03T05:00:00Z'))).toBe(true);
    expect(summaryDayClosed({ posted: false, closed: false }, '2026-11-01', at('2026-12-01T00:00:00Z'))).toBe(false);
    expect(summaryDayClosed({ posted: true, closed: true }, '2026-11-01', at('2026-11-01T12:00:00Z'))).toBe(true);
  });

  it('a summary stored before the shares carried payments hashes the same (open days are not posted again for that alone); a change of money does not', () => {
    const { sales, refunds } = scenario([{ fixture: 0, day: 0, method: 0, unpaid: false, refund: { line: 0, permille: 500, later: 0 } }]);
    const [summary] = buildDailySummaries({ sales, refunds });
    const older = { ...summary!, orders: summary!.orders.map(({ paid: _p, ...o }) => o), refunds: summary!.refunds.map(({ paidOut: _o, ...r }) => r) };
    expect(summaryContentHash(older)).toBe(summaryContentHash(summary!));
    const scale = summary!.scale;
    const paidMore = { ...summary!, payments: summary!.payments.map((p, i) => (i === 0 ? { ...p, amount: formatUnits(parseUnits(p.amount, scale) + 1n, scale) } : p)) };
    expect(summaryContentHash(paidMore)).not.toBe(summaryContentHash(summary!));
  });

  it('a refund goes into the summary of the day it happened, never its order\'s day', () => {
    const { sales, refunds } = scenario([{ fixture: 0, day: 0, method: 0, unpaid: false, refund: { line: 0, permille: 500, later: 2 } }]);
    const summaries = buildDailySummaries({ sales, refunds });
    expect(summaries.map((s) => [s.key.date, s.orders.length, s.refunds.length])).toEqual([['2026-11-01', 1, 0], ['2026-11-03', 0, 1]]);
  });

  it('an order is summarised under its largest card payment; unpaid orders under "Unpaid"', () => {
    const doc = fixtureDocuments.find((d) => d.payments.length > 0)!;
    const pay = (kind: 'gateway' | 'store_credit', method: string, amount: string) => ({ kind, method, amount, account: '1010', date: doc.date, reference: null });
    expect(summaryMethodOf({ ...doc, payments: [pay('store_credit', 'Store Credit', '90.00'), pay('gateway', 'PayPal', '5.00'), pay('gateway', 'Card', '9.00')] })).toBe('Card');
    expect(summaryMethodOf({ ...doc, payments: [pay('store_credit', 'Store Credit', '90.00')] })).toBe('Store Credit');
    expect(summaryMethodOf({ ...doc, payments: [] })).toBe(UNPAID_METHOD);
  });

  it('one order given twice is a bug, never a doubled day', () => {
    const doc = fixtureDocuments[0]!;
    expect(() => buildDailySummaries({ sales: [doc, doc] })).toThrow(/given twice/);
  });

  it('the mode is decided by the day alone: before the switch date per order, from it on in summaries', () => {
    fc.assert(fc.property(fc.constantFrom(...DAYS), fc.option(fc.constantFrom(...DAYS)), (day, from) => {
      const mode = postingModeFor({ mode: 'daily_summary', summaryFrom: from }, day);
      expect(mode).toBe(from === null || day >= from ? 'daily_summary' : 'per_order');
      expect(postingModeFor({ mode: 'per_order', summaryFrom: from }, day)).toBe('per_order');
    }));
  });

  it('one posting key per store, day, currency, method and version', () => {
    const key = { date: '2026-11-01', currency: 'USD', method: 'Credit Card' };
    expect(summaryPostingKey('abc', key, 1)).toBe('abc:summary:2026-11-01:USD:Credit%20Card:v1');
    expect(summaryPostingKey('abc', key, 2)).not.toBe(summaryPostingKey('abc', key, 1));
    expect(summaryPostingKey('abc', { ...key, method: 'PayPal' }, 1)).not.toBe(summaryPostingKey('abc', key, 1));
  });
});
