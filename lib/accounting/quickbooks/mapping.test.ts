import path from 'node:path';
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { loadQuickBooksFixtures } from '@/tests/support/quickbooks-fixtures';
import type { CompanySettings } from './company';
import { checkCurrency, checkDocNumber, displayNames, documentBody, entityFor, exchangeRateOf, genericItemName, requestIdOf, BATCH_REQUEST_ID_MAX } from './mapping';
import { batchRequestId } from './batch';
import { encodeJson } from './wire';

const cases = path.resolve(import.meta.dirname, '../../../tests/fixtures/orders/cases');
const us: CompanySettings = { name: 'Acme US', country: 'US', homeCurrency: 'USD', multicurrency: true, automatedSalesTax: true, subscription: 'SUBSCRIBED', classes: true, departments: true };
const uk: CompanySettings = { ...us, name: 'Acme UK', country: 'GB', homeCurrency: 'GBP', automatedSalesTax: false };

type Line = { Amount: number; SalesItemLineDetail: { Qty: number; UnitPrice: number; TaxCodeRef: { value: string }; TaxInclusiveAmt?: number; ClassRef?: { value: string } } };
type Body = { DocNumber: string; Line: Line[]; TxnTaxDetail: { TotalTax: number }; GlobalTaxCalculation?: string; DepositToAccountRef?: { value: string }; ExchangeRate?: number };

const cents = (n: number | string) => new Big(String(n)).times(100).round(0).toNumber();
const itemOf = () => '99';

describe('documentBody on the order fixtures', () => {
  const fixtures = loadQuickBooksFixtures(cases).filter((f) => f.document);
  it.each(fixtures.map((f) => [f.file, f] as const))('%s posts Σ line amounts + TotalTax = the order total, to the cent (US, AST)', (_file, f) => {
    const document = f.document!;
    const company = { ...us, homeCurrency: document.currency.code };
    const m = documentBody(document, { entity: entityFor(document), company, customerId: '7', itemOf, tracking: null });
    expect(m.ok, JSON.stringify(!m.ok && m.error)).toBe(true);
    if (!m.ok) return;
    const body = JSON.parse(encodeJson(m.value)) as Body;
    const net = body.Line.reduce((s, l) => s + cents(l.Amount), 0);
    expect(net + cents(body.TxnTaxDetail.TotalTax)).toBe(cents(document.totals.total));
    expect(cents(body.TxnTaxDetail.TotalTax)).toBe(cents(f.order.total_tax));
    for (const l of body.Line) {
      // QuickBooks' rule 6070: Amount = Qty × UnitPrice, to the cent.
      expect(cents(new Big(l.SalesItemLineDetail.UnitPrice).times(l.SalesItemLineDetail.Qty).round(2, Big.roundHalfUp).toString())).toBe(cents(l.Amount));
      expect(['TAX', 'NON']).toContain(l.SalesItemLineDetail.TaxCodeRef.value);
    }
    expect(body.DocNumber.length).toBeLessThanOrEqual(21);
    expect(body.GlobalTaxCalculation).toBeUndefined();
  });

  it('a VAT-inclusive order in a UK company: net amounts, gross in TaxInclusiveAmt, TaxInclusive, the store\'s VAT', () => {
    const f = loadQuickBooksFixtures(cases, { tax: { defaultTaxCode: '1', zeroTaxCode: '3' } }).find((x) => x.file.startsWith('11-'))!;
    const m = documentBody(f.document!, { entity: 'SalesReceipt', company: uk, customerId: '7', itemOf, tracking: null });
    const body = m.ok ? (JSON.parse(encodeJson(m.value)) as Body) : null;
    expect(body?.GlobalTaxCalculation).toBe('TaxInclusive');
    expect(body!.Line.reduce((s, l) => s + cents(l.SalesItemLineDetail.TaxInclusiveAmt!), 0)).toBe(cents(f.order.total_inc_tax));
    expect(body!.Line.reduce((s, l) => s + cents(l.Amount), 0) + cents(body!.TxnTaxDetail.TotalTax)).toBe(cents(f.order.total_inc_tax));
    expect(body!.Line.every((l) => ['1', '3'].includes(l.SalesItemLineDetail.TaxCodeRef.value))).toBe(true);
  });

  it('a line without a tax code outside the US is refused before sending, naming the mappings page', () => {
    const f = loadQuickBooksFixtures(cases).find((x) => x.file.startsWith('11-'))!;
    const document = { ...f.document!, lines: f.document!.lines.map((l) => ({ ...l, taxCode: null })) };
    const m = documentBody(document, { entity: 'Invoice', company: uk, customerId: '7', itemOf, tracking: null });
    expect(!m.ok && m.error.kind).toBe('validation');
    expect(!m.ok && m.error.message).toMatch(/mappings page/);
  });

  it('a paid sales receipt goes into the payment\'s clearing account; Class on each line, Department on the document', () => {
    const f = loadQuickBooksFixtures(cases, { kind: 'auto' }).find((x) => x.file.startsWith('36-'))!;
    expect(entityFor(f.document!)).toBe('SalesReceipt');
    const m = documentBody(f.document!, { entity: 'SalesReceipt', company: us, customerId: '7', itemOf, tracking: { category: 'Class', optionId: '3' } });
    const body = m.ok ? (JSON.parse(encodeJson(m.value)) as Body) : null;
    expect(body?.DepositToAccountRef).toEqual({ value: f.document!.payments[0]!.account });
    expect(body!.Line.every((l) => l.SalesItemLineDetail.ClassRef?.value === '3')).toBe(true);
    const d = documentBody(f.document!, { entity: 'Invoice', company: us, customerId: '7', itemOf, tracking: { category: 'Department', optionId: '2' } });
    expect(d.ok && d.value.DepartmentRef).toEqual({ value: '2' });
  });
});

describe('limits', () => {
  it('DocNumber over 21 characters is a validation failure that says how to fix it', () => {
    const r = checkDocNumber('BC-STORE-EU-000123456789');
    expect(!r.ok && r.error).toMatchObject({ kind: 'validation', fields: [{ field: 'DocNumber' }] });
    expect(!r.ok && r.error.message).toMatch(/at most 21.*Shorten the number prefix/);
    expect(checkDocNumber('BC-123456789012345678').ok).toBe(true);
  });

  it('requestid: the key when it fits, else a hash of it that always fits (50; 36 for batches)', () => {
    expect(requestIdOf('abc123:218:document:1')).toBe('abc123:218:document:1');
    const long = `abc123:218:document:1:${'x'.repeat(60)}`;
    expect(requestIdOf(long).length).toBeLessThanOrEqual(50);
    expect(requestIdOf(long)).toBe(requestIdOf(long));
    expect(requestIdOf(long)).not.toBe(requestIdOf(`${long}y`));
    expect(requestIdOf('abc123:218:document:1', BATCH_REQUEST_ID_MAX)).toBe('abc123:218:document:1');
    expect(batchRequestId('lbd', ['a', 'b']).length).toBeLessThanOrEqual(36);
  });

  it('a foreign-currency order without multicurrency is refused with what to turn on', () => {
    const r = checkCurrency('EUR', { homeCurrency: 'USD', multicurrency: false });
    expect(!r.ok && r.error.kind).toBe('validation');
    expect(!r.ok && r.error.message).toMatch(/Turn on multicurrency/);
    expect(checkCurrency('EUR', { homeCurrency: 'USD', multicurrency: true }).ok).toBe(true);
  });

  it('ExchangeRate is home units per unit of the order currency, only when the store\'s currency is the home one', () => {
    expect(exchangeRateOf({ currency: { code: 'EUR', scale: 2, storeCurrency: 'USD', exchangeRate: '0.8' } }, { homeCurrency: 'USD' })).toBe('1.25');
    expect(exchangeRateOf({ currency: { code: 'EUR', scale: 2, storeCurrency: 'GBP', exchangeRate: '1.1' } }, { homeCurrency: 'USD' })).toBeNull();
  });
});

describe('names', () => {
  it('a taken name is retried as "Jane Doe (BC 1042)", with the currency for a twin', () => {
    expect(displayNames({ displayName: 'Jane Doe', bcCustomerId: 1042, email: 'j@x.com' }, null)).toEqual(['Jane Doe', 'Jane Doe (BC 1042)']);
    expect(displayNames({ displayName: 'Jane Doe', bcCustomerId: null, email: 'j@x.com' }, 'EUR')).toEqual(['Jane Doe - EUR', 'Jane Doe (j@x.com) - EUR']);
    expect(genericItemName({ kind: 'shipping', account: '2' })).toBe('Shipping (BigCommerce, account 2)');
  });
});
