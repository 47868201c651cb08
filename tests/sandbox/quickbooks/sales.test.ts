// The rules a connector posting web orders runs into: Automated Sales Tax recalculating (and its override), UK VAT
// codes, multicurrency refusal, inventory moved by sales and refunds, payments and credit memos applied to invoices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedQuickBooksSandbox } from './server';
import { companyApi, seedSales, startTestSandbox } from './test-client';

const sale = (itemId: string, qty: number, price: number, extra: Record<string, unknown> = {}) => ({
  Amount: qty * price,
  DetailType: 'SalesItemLineDetail',
  SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: qty, UnitPrice: price, ...extra },
});

describe('QuickBooks sales rules', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startTestSandbox();
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('AST recalculates tax from the ship-to state when the store\'s tax is not sent as TotalTax, and keeps it when it is', async () => {
    const { api } = await companyApi(qb.url, { name: 'AST Co', ast: true });
    const { widgetId } = await seedSales(api);
    const order = {
      DocNumber: 'BC-1001',
      TxnDate: '2025-03-01',
      ShipAddr: { Line1: '1 Main St', City: 'Albany', CountrySubDivisionCode: 'NY', PostalCode: '12207', Country: 'US' },
      Line: [sale(widgetId, 2, 25, { TaxCodeRef: { value: 'TAX' } }), { Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: 'SHIPPING_ITEM_ID' }, TaxCodeRef: { value: 'NON' } } }],
    };
    // The store charged 8.875% (NYC) = 4.44; without the override QuickBooks' own rate (sandbox: NY 4%) wins.
    const forgot = await api('POST', '/salesreceipt', order);
    expect(forgot.json.SalesReceipt.TxnTaxDetail.TotalTax).toBe(2);
    expect(forgot.json.SalesReceipt.TotalAmt).toBe(62);
    const kept = await api('POST', '/salesreceipt', { ...order, DocNumber: 'BC-1002', TxnTaxDetail: { TotalTax: 4.44 } });
    expect(kept.json.SalesReceipt.TxnTaxDetail.TotalTax).toBe(4.44);
    expect(kept.json.SalesReceipt.TotalAmt).toBe(64.44);
    // California falls back to the company's state when there is no ship-to.
    const { ShipAddr: _s, ...noShip } = order;
    expect((await api('POST', '/invoice', { ...noShip, DocNumber: 'BC-1003', CustomerRef: { value: (await api('POST', '/customer', { DisplayName: 'CA buyer' })).json.Customer.Id } })).json.Invoice.TxnTaxDetail.TotalTax).toBe(3.63);
  });

  it('refuses a US line tax code other than TAX/NON (6100)', async () => {
    const { api } = await companyApi(qb.url, { name: 'US codes Co', ast: true });
    const { widgetId } = await seedSales(api, 'Buyer 2');
    const r = await api('POST', '/salesreceipt', { TxnDate: '2025-01-02', Line: [sale(widgetId, 1, 25, { TaxCodeRef: { value: '20.0% S' } })] });
    expect(r.json.Fault.Error[0].code).toBe('6100');
  });

  it('computes UK VAT per line code, exclusive and inclusive', async () => {
    const { api } = await companyApi(qb.url, { name: 'UK Ltd', country: 'GB', currency: 'GBP' });
    const { widgetId, serviceId } = await seedSales(api, 'UK buyer');
    const codes = (await api('GET', `/query?query=${encodeURIComponent('select * from TaxCode')}`)).json.QueryResponse.TaxCode as Array<{ Id: string; Name: string }>;
    const std = codes.find((c) => c.Name === '20.0% S')!.Id;
    const reduced = codes.find((c) => c.Name === '5.0% R')!.Id;
    expect(codes.map((c) => c.Name)).toEqual(['20.0% S', '5.0% R', '0.0% Z', 'Exempt']);
    const excl = await api('POST', '/salesreceipt', { TxnDate: '2025-01-02', GlobalTaxCalculation: 'TaxExcluded', Line: [sale(widgetId, 2, 25, { TaxCodeRef: { value: std } }), sale(serviceId, 1, 5, { TaxCodeRef: { value: reduced } })] });
    expect(excl.json.SalesReceipt.TxnTaxDetail.TotalTax).toBe(10.25);
    expect(excl.json.SalesReceipt.TotalAmt).toBe(65.25);
    // TaxInclusive: Amount stays the net, the gross rides in TaxInclusiveAmt (Intuit's reference; see tax.ts).
    const incl = await api('POST', '/salesreceipt', { TxnDate: '2025-01-02', GlobalTaxCalculation: 'TaxInclusive', Line: [sale(widgetId, 1, 20, { TaxCodeRef: { value: std }, TaxInclusiveAmt: 24 })] });
    expect(incl.json.SalesReceipt.TxnTaxDetail.TotalTax).toBe(4);
    expect(incl.json.SalesReceipt.TotalAmt).toBe(24);
    expect(incl.json.SalesReceipt.Line[0]).toMatchObject({ Amount: 20, SalesItemLineDetail: { TaxInclusiveAmt: 24 } });
    const missing = await api('POST', '/salesreceipt', { TxnDate: '2025-01-02', Line: [sale(widgetId, 1, 24)] });
    expect(missing.json.Fault.Error[0].code).toBe('6000');
  });

  it('refuses a foreign currency in a single-currency company and takes it with multicurrency on', async () => {
    const single = await companyApi(qb.url, { name: 'Single Co' });
    const { serviceId } = await seedSales(single.api, 'Euro buyer');
    const r = await single.api('POST', '/salesreceipt', { CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.1, Line: [sale(serviceId, 1, 5)] });
    expect(r.status).toBe(400);
    expect(r.json.Fault.Error[0]).toMatchObject({ code: '6000', element: 'CurrencyRef' });
    const multi = await companyApi(qb.url, { name: 'Multi Co', multicurrency: true });
    const eurCustomer = (await multi.api('POST', '/customer', { DisplayName: 'Euro Kunde', CurrencyRef: { value: 'EUR' } })).json.Customer;
    const item = (await multi.api('POST', '/item', { Name: 'Svc', Type: 'Service', IncomeAccountRef: { value: '1' } })).json.Item;
    const ok = await multi.api('POST', '/invoice', { CustomerRef: { value: eurCustomer.Id }, CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.1, Line: [sale(item.Id, 1, 100, { TaxCodeRef: { value: 'NON' } })] });
    expect(ok.json.Invoice).toMatchObject({ TotalAmt: 100, HomeTotalAmt: 110, CurrencyRef: { value: 'EUR' } });
    const mismatch = await multi.api('POST', '/invoice', { CustomerRef: { value: eurCustomer.Id }, Line: [sale(item.Id, 1, 100)] });
    expect(mismatch.json.Fault.Error[0].code).toBe('6000');
  });

  it('moves QtyOnHand: sales take out, refunds and credit memos put back, voids and deletes reverse; no sale before InvStartDate', async () => {
    const { api } = await companyApi(qb.url, { name: 'Stock Co' });
    const { widgetId, customerId } = await seedSales(api, 'Stock buyer');
    const qty = async () => (await api('GET', `/item/${widgetId}`)).json.Item.QtyOnHand;
    const sr = (await api('POST', '/salesreceipt', { TxnDate: '2025-02-01', Line: [sale(widgetId, 3, 25)] })).json.SalesReceipt;
    expect(await qty()).toBe(7);
    const inv = (await api('POST', '/invoice', { TxnDate: '2025-02-01', CustomerRef: { value: customerId }, Line: [sale(widgetId, 2, 25)] })).json.Invoice;
    expect(await qty()).toBe(5);
    await api('POST', '/refundreceipt', { TxnDate: '2025-02-02', DepositToAccountRef: { value: '5' }, Line: [sale(widgetId, 1, 25)] });
    expect(await qty()).toBe(6);
    await api('POST', '/creditmemo', { TxnDate: '2025-02-02', CustomerRef: { value: customerId }, Line: [sale(widgetId, 1, 25)] });
    expect(await qty()).toBe(7);
    await api('POST', '/salesreceipt?operation=update&include=void', { Id: sr.Id, SyncToken: sr.SyncToken, sparse: true });
    expect(await qty()).toBe(10);
    await api('POST', '/invoice?operation=delete', { Id: inv.Id, SyncToken: inv.SyncToken });
    expect(await qty()).toBe(12);
    const early = await api('POST', '/salesreceipt', { TxnDate: '2023-12-31', Line: [sale(widgetId, 1, 25)] });
    expect(early.json.Fault.Error[0].code).toBe('6000');
    const refundWithoutAccount = await api('POST', '/refundreceipt', { TxnDate: '2025-02-02', Line: [sale(widgetId, 1, 25)] });
    expect(refundWithoutAccount.json.Fault.Error[0]).toMatchObject({ code: '2020', element: 'DepositToAccountRef' });
  });

  it('applies payments and credit memos to invoices through LinkedTxn and keeps balances', async () => {
    const { api } = await companyApi(qb.url, { name: 'AR Co' });
    const { serviceId, customerId } = await seedSales(api, 'AR buyer');
    const inv = (await api('POST', '/invoice', { CustomerRef: { value: customerId }, Line: [sale(serviceId, 10, 10, { TaxCodeRef: { value: 'NON' } })] })).json.Invoice;
    const cm = (await api('POST', '/creditmemo', { CustomerRef: { value: customerId }, Line: [sale(serviceId, 3, 10, { TaxCodeRef: { value: 'NON' } })] })).json.CreditMemo;
    expect(cm.RemainingCredit).toBe(30);
    const pay = await api('POST', '/payment', {
      CustomerRef: { value: customerId },
      TotalAmt: 50,
      Line: [
        { Amount: 80, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] },
        { Amount: 30, LinkedTxn: [{ TxnId: cm.Id, TxnType: 'CreditMemo' }] },
      ],
    });
    expect(pay.json.Payment).toMatchObject({ TotalAmt: 50, UnappliedAmt: 0 });
    const after = (await api('GET', `/invoice/${inv.Id}`)).json.Invoice;
    expect(after.Balance).toBe(20);
    expect(after.LinkedTxn).toEqual([{ TxnId: pay.json.Payment.Id, TxnType: 'Payment' }]);
    expect((await api('GET', `/creditmemo/${cm.Id}`)).json.CreditMemo.RemainingCredit).toBe(0);
    expect((await api('GET', `/customer/${customerId}`)).json.Customer.Balance).toBe(20);
    const over = await api('POST', '/payment', { CustomerRef: { value: customerId }, TotalAmt: 25, Line: [{ Amount: 25, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }] });
    expect(over.json.Fault.Error[0].code).toBe('6000');
    const voided = await api('POST', '/payment?operation=update&include=void', { Id: pay.json.Payment.Id, SyncToken: pay.json.Payment.SyncToken, sparse: true });
    expect(voided.json.Payment.TotalAmt).toBe(0);
    expect((await api('GET', `/invoice/${inv.Id}`)).json.Invoice.Balance).toBe(100);
  });

  it('answers a lapsed company read-only: reads work, writes get 6190', async () => {
    const { api, realmId } = await companyApi(qb.url, { name: 'Lapsed Co' });
    await fetch(`${qb.url}/__sandbox/quickbooks/companies/${realmId}/subscription`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'EXPIRED' }) });
    expect((await api('GET', `/companyinfo/${realmId}`)).json.CompanyInfo.NameValue).toContainEqual({ Name: 'SubscriptionStatus', Value: 'EXPIRED' });
    const w = await api('POST', '/customer', { DisplayName: 'Too late' });
    expect(w.status).toBe(400);
    expect(w.json.Fault.Error[0]).toMatchObject({ code: '6190', Message: 'Invalid Company Status' });
  });
});
