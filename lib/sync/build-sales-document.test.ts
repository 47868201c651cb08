import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderSchema, orderTaxesSchema } from '@/lib/bigcommerce/schemas/orders';
import { parseUnits, sum } from '@/lib/money';
import { buildSalesDocument, type BuildLookups } from './build-sales-document';
import { documentContentHash } from './content-hash';
import type { SalesDocument } from './sales-document';
import { parseSettings } from './settings';

const casesDir = path.resolve(import.meta.dirname, '../../tests/fixtures/orders/cases');

interface LineExpect { net?: string; tax?: string; gross?: string; discount?: string }
interface Expect {
  ok: boolean;
  kind?: string;
  number?: string;
  reference?: string;
  total?: string;
  tax?: string;
  discount?: string;
  due?: string;
  amountsAre?: string;
  lineCount?: number;
  lines?: Record<string, LineExpect>;
  noLine?: string[];
  taxCodes?: Record<string, string>;
  accounts?: Record<string, string>;
  items?: Record<string, string | null>;
  kinds?: Record<string, string>;
  descriptions?: Record<string, string>;
  customer?: Record<string, unknown>;
  currency?: Record<string, unknown>;
  payments?: [string, string, string][];
  notes?: string[];
  problems?: string[];
  messageIncludes?: string;
}
interface Fixture {
  name: string;
  description: string;
  order: unknown;
  taxes: unknown;
  settings: unknown;
  lookups: { items?: Record<string, string>; customer?: BuildLookups['customer']; limits?: BuildLookups['limits'] };
  expect: Expect;
}

const fixtures: Fixture[] = readdirSync(casesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(casesDir, f), 'utf8')) as Fixture);

function run(fx: Fixture) {
  const order = orderSchema.parse(fx.order);
  const parsed = parseSettings(fx.settings);
  if (!parsed.ok) throw new Error(`fixture settings invalid: ${JSON.stringify(parsed.problems)}`);
  const lookups: BuildLookups = {
    storeHash: 'abc123',
    limits: fx.lookups.limits ?? { documentNumberMaxLength: 64 },
    items: new Map(Object.entries(fx.lookups.items ?? {}).map(([sku, id]) => [sku, { id }])),
    customer: fx.lookups.customer,
    taxes: fx.taxes ? orderTaxesSchema.parse(fx.taxes) : null,
  };
  return { order, result: buildSalesDocument(order, parsed.settings, lookups) };
}

const line = (doc: SalesDocument, sourceId: string) => {
  const found = doc.lines.find((l) => l.sourceId === sourceId);
  if (!found) throw new Error(`no line ${sourceId} in ${doc.lines.map((l) => l.sourceId).join(', ')}`);
  return found;
};

describe('order fixtures → sales documents', () => {
  it('has at least 30 realistic cases', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  for (const fx of fixtures) {
    it(`${fx.name}: ${fx.description}`, () => {
      const { order, result } = run(fx);
      const e = fx.expect;
      if (!e.ok) {
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.problems.map((p) => p.code)).toEqual(e.problems);
        if (e.messageIncludes) expect(result.problems.map((p) => p.message).join('\n')).toContain(e.messageIncludes);
        return;
      }
      if (!result.ok) throw new Error(`expected a document, got ${JSON.stringify(result.problems)}`);
      const doc = result.document;
      const scale = doc.currency.scale;
      const u = (v: string) => parseUnits(v, scale);

      // Ties out to the cent with BigCommerce's own totals, line by line and in total.
      expect(sum(doc.lines.map((l) => u(l.gross)))).toBe(parseUnits(order.total_inc_tax, scale));
      expect(sum(doc.lines.map((l) => u(l.tax)))).toBe(parseUnits(order.total_tax, scale));
      for (const l of doc.lines) expect(u(l.net) + u(l.tax), l.sourceId).toBe(u(l.gross));
      expect(doc.totals.total).toBe(doc.lines.length ? doc.totals.total : '0');
      expect(u(doc.totals.total)).toBe(parseUnits(order.total_inc_tax, scale));
      expect(u(doc.totals.tax)).toBe(parseUnits(order.total_tax, scale));
      if (!e.notes?.includes('rounding_line_added')) expect(doc.lines.some((l) => l.kind === 'rounding')).toBe(false);
      // Every discount BigCommerce gave is on the document, exactly.
      const orderDiscount = parseUnits(order.discount_amount, scale) + parseUnits(order.coupon_discount, scale);
      const lineDiscounts = sum(doc.lines.map((l) => u(l.discount)));
      const discountLine = sum(doc.lines.filter((l) => l.kind === 'discount').map((l) => -u(l.gross)));
      expect(lineDiscounts + discountLine).toBe(orderDiscount);
      expect(u(doc.totals.discount)).toBe(orderDiscount);
      expect(doc.reference).toBe(`BigCommerce order #${order.id}`);
      expect(doc.source.orderUrl).toBe(`https://store-abc123.mybigcommerce.com/manage/orders/${order.id}`);
      expect(documentContentHash(doc)).toMatch(/^v1:sha256:[0-9a-f]{64}$/);

      if (e.kind) expect(doc.kind).toBe(e.kind);
      if (e.number) expect(doc.number).toBe(e.number);
      else expect(doc.number).toBe(`BC-${order.id}`);
      if (e.reference) expect(doc.reference).toBe(e.reference);
      if (e.total) expect(doc.totals.total).toBe(e.total);
      if (e.tax) expect(doc.totals.tax).toBe(e.tax);
      if (e.discount) expect(doc.totals.discount).toBe(e.discount);
      if (e.due) expect(doc.totals.due).toBe(e.due);
      if (e.amountsAre) expect(doc.amountsAre).toBe(e.amountsAre);
      if (e.lineCount !== undefined) expect(doc.lines).toHaveLength(e.lineCount);
      for (const [id, want] of Object.entries(e.lines ?? {})) expect(line(doc, id), id).toMatchObject(want);
      for (const id of e.noLine ?? []) expect(doc.lines.find((l) => l.sourceId === id)).toBeUndefined();
      for (const [id, code] of Object.entries(e.taxCodes ?? {})) expect(line(doc, id).taxCode, id).toBe(code);
      for (const [id, account] of Object.entries(e.accounts ?? {})) expect(line(doc, id).account, id).toBe(account);
      for (const [id, item] of Object.entries(e.items ?? {})) expect(line(doc, id).itemId, id).toBe(item);
      for (const [id, kind] of Object.entries(e.kinds ?? {})) expect(line(doc, id).kind, id).toBe(kind);
      for (const [id, text] of Object.entries(e.descriptions ?? {})) expect(line(doc, id).description, id).toBe(text);
      if (e.customer) expect(doc.customer).toMatchObject(e.customer);
      if (e.currency) expect(doc.currency).toMatchObject(e.currency);
      if (e.payments) expect(doc.payments.map((p) => [p.kind, p.amount, p.account])).toEqual(e.payments);
      if (e.notes) expect(doc.notes.map((n) => n.code)).toEqual(expect.arrayContaining(e.notes));
    });
  }
});

describe('buildSalesDocument details', () => {
  const base = fixtures.find((f) => f.name.startsWith('01-'))!;

  it('keeps the shipping contact and billing details on the document', () => {
    const { result } = run(base);
    if (!result.ok) throw new Error('expected ok');
    expect(result.document.shippingContacts[0]).toMatchObject({ firstName: 'Jane', street1: '123 Main Street', method: 'Flat Rate' });
    expect(result.document.customer.billingAddress).toMatchObject({ city: 'Austin', email: 'janedoe@example.com' });
    expect(result.document.date).toBe('2024-03-05');
  });

  it('dates the document in the store time zone', () => {
    const { order } = run(base);
    const parsed = parseSettings({ document: { timeZone: 'Asia/Tokyo' } });
    if (!parsed.ok) throw new Error('settings');
    const result = buildSalesDocument(order, parsed.settings, { limits: { documentNumberMaxLength: 64 }, items: new Map() });
    expect(result.ok && result.document.date).toBe('2024-03-06');
  });

  it('gives the same content hash for the same order and a new one when an amount changes', () => {
    const a = run(base).result;
    const b = run(base).result;
    const changed = run({ ...base, order: { ...(base.order as object), status_id: 2 } }).result;
    if (!a.ok || !b.ok || !changed.ok) throw new Error('expected ok');
    expect(documentContentHash(a.document)).toBe(documentContentHash(b.document));
    // A status change alone does not change the content.
    expect(documentContentHash(changed.document)).toBe(documentContentHash(a.document));
    const moved = { ...a.document, lines: a.document.lines.map((l, i) => (i === 0 ? { ...l, description: 'edited' } : l)) };
    expect(documentContentHash(moved)).not.toBe(documentContentHash(a.document));
    // Finding the customer posting created (linked now, new before) is not a change of the order...
    const linked = { ...a.document, customer: { ...a.document.customer, match: 'linked' as const, remoteId: '42', displayName: 'Someone (BC 7)' } };
    expect(documentContentHash(linked)).toBe(documentContentHash(a.document));
    // ...but a different billing address is.
    const moved2 = { ...a.document, customer: { ...a.document.customer, billingAddress: { ...a.document.customer.billingAddress, city: 'Elsewhere' } } };
    expect(documentContentHash(moved2)).not.toBe(documentContentHash(a.document));
  });

  it('asks for the line items when the order came without them', () => {
    const order = { ...(base.order as Record<string, unknown>), consignments: { url: 'u', resource: '/orders/101/consignments' } };
    const { result } = run({ ...base, order });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.code).toBe('line_items_not_loaded');
  });
});
