// The query language, batch (with per-item faults) and change data capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from './query';
import type { StartedQuickBooksSandbox } from './server';
import { companyApi, seedSales, startTestSandbox, type Api } from './test-client';

const q = (text: string) => `/query?query=${encodeURIComponent(text)}`;

describe('QuickBooks query language', () => {
  let qb: StartedQuickBooksSandbox;
  let api: Api;
  beforeAll(async () => {
    qb = await startTestSandbox();
    ({ api } = await companyApi(qb.url));
    for (const [name, email] of [['Alice Adams', 'alice@shop.test'], ['Bob Brown', 'bob@shop.test'], ['Carol Chen', 'carol@other.test'], ['Dan Doe', 'dan@shop.test']] as const) {
      await api('POST', '/customer', { DisplayName: name, PrimaryEmailAddr: { Address: email } });
    }
    const dan = (await api('GET', q("select * from Customer where DisplayName = 'Dan Doe'"))).json.QueryResponse.Customer[0];
    await api('POST', '/customer', { Id: dan.Id, SyncToken: dan.SyncToken, sparse: true, Active: false });
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('parses node-quickbooks\' and Intuit\'s forms', () => {
    expect(parseQuery("select * from customer where DisplayName = 'O\\'Brien' startposition 1 maxresults 1000")).toMatchObject({ entity: 'Customer', where: [{ field: 'DisplayName', op: '=', values: ["O'Brien"] }], max: 1000 });
    expect(parseQuery('SELECT COUNT(*) FROM Invoice WHERE TotalAmt > 10 AND Balance <= 5')).toMatchObject({ entity: 'Invoice', count: true, where: [{ op: '>' }, { op: '<=' }] });
    expect(() => parseQuery("select * from Customer where DisplayName = 'a' or DisplayName = 'b'")).toThrow(/4000 Error parsing query/);
    expect(() => parseQuery('select * from Widgets')).toThrow(/4000/);
  });

  it('filters by =, IN, LIKE on a reference-like field, and answers only active names unless Active is named', async () => {
    const byEmail = await api('GET', q("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'bob@shop.test'"));
    expect(byEmail.json.QueryResponse.Customer.map((c: { DisplayName: string }) => c.DisplayName)).toEqual(['Bob Brown']);
    const inList = await api('GET', q("select * from Customer where DisplayName IN ('Alice Adams', 'Carol Chen', 'Nobody')"));
    expect(inList.json.QueryResponse.Customer).toHaveLength(2);
    const like = await api('GET', q("select * from Customer where PrimaryEmailAddr LIKE '%@shop.test'"));
    expect(like.json.QueryResponse.Customer.map((c: { DisplayName: string }) => c.DisplayName)).toEqual(['Alice Adams', 'Bob Brown']);
    const all = await api('GET', q("select * from Customer where Active IN (true, false) and PrimaryEmailAddr LIKE '%@shop.test'"));
    expect(all.json.QueryResponse.Customer).toHaveLength(3);
    const none = await api('GET', q("select * from Customer where DisplayName = 'Zed'"));
    expect(none.json.QueryResponse).toEqual({});
  });

  it('counts, orders, pages (startposition is 1-based) and projects', async () => {
    expect((await api('GET', q('select count(*) from Customer'))).json.QueryResponse).toEqual({ totalCount: 3 });
    const page = await api('GET', q('select * from Customer orderby DisplayName desc startposition 2 maxresults 1'));
    expect(page.json.QueryResponse).toMatchObject({ startPosition: 2, maxResults: 1 });
    expect(page.json.QueryResponse.Customer[0].DisplayName).toBe('Bob Brown');
    const projected = await api('POST', '/query', undefined, `minorversion=75&query=${encodeURIComponent('select Id, DisplayName from Customer maxresults 1')}`);
    expect(Object.keys(projected.json.QueryResponse.Customer[0]).sort()).toEqual(['DisplayName', 'Id', 'MetaData', 'SyncToken', 'domain', 'sparse']);
  });

  it('compares numbers and dates, and refuses an unknown field (4001)', async () => {
    const { serviceId, customerId } = await seedSales(api, 'Query buyer');
    for (const [doc, amount, date] of [['Q-1', 10, '2025-01-05'], ['Q-2', 40, '2025-02-05'], ['Q-3', 70, '2025-03-05']] as const) {
      await api('POST', '/invoice', { DocNumber: doc, TxnDate: date, CustomerRef: { value: customerId }, Line: [{ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: serviceId }, TaxCodeRef: { value: 'NON' } } }] });
    }
    const mid = await api('GET', q("select * from Invoice where TotalAmt > 20 and TxnDate < '2025-03-01'"));
    expect(mid.json.QueryResponse.Invoice.map((i: { DocNumber: string }) => i.DocNumber)).toEqual(['Q-2']);
    const recent = await api('GET', q("select count(*) from Invoice where MetaData.LastUpdatedTime > '2020-01-01T00:00:00-08:00'"));
    expect(recent.json.QueryResponse.totalCount).toBe(3);
    const bad = await api('GET', q("select * from Invoice where Colour = 'red'"));
    expect(bad.status).toBe(400);
    expect(bad.json.Fault.Error[0]).toMatchObject({ code: '4001', Message: 'Invalid query' });
  });

  it('filters items on Sku even while no item has one (Item.Sku is documented filterable)', async () => {
    const { api: fresh } = await companyApi(qb.url, { name: 'No Sku Co' });
    const item = (await fresh('POST', '/item', { Name: 'Keyboard', Type: 'Service', IncomeAccountRef: { value: '1' } })).json.Item;
    const noneYet = await fresh('GET', q("select * from Item where Sku IN ('KB-1', 'MS-2')"));
    expect(noneYet.status).toBe(200);
    expect(noneYet.json.QueryResponse).toEqual({});
    await fresh('POST', '/item', { Id: item.Id, SyncToken: item.SyncToken, sparse: true, Sku: 'KB-1' });
    const found = await fresh('GET', q("select * from Item where Sku IN ('KB-1', 'MS-2')"));
    expect(found.json.QueryResponse.Item.map((i: { Id: string }) => i.Id)).toEqual([item.Id]);
  });
});

describe('QuickBooks batch and CDC', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startTestSandbox();
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('runs each batch item on its own, answering entities, query responses and per-item faults by bId', async () => {
    const { api } = await companyApi(qb.url);
    await api('POST', '/customer', { DisplayName: 'Taken' });
    const r = await api('POST', '/batch', {
      BatchItemRequest: [
        { bId: 'c1', operation: 'create', Customer: { DisplayName: 'Batch One' } },
        { bId: 'c2', operation: 'create', Customer: { DisplayName: 'Taken' } },
        { bId: 'q1', Query: "select * from Customer where DisplayName = 'Taken'" },
        { bId: 'i1', operation: 'create', Invoice: { CustomerRef: { value: '999' }, Line: [] } },
      ],
    });
    expect(r.status).toBe(200);
    const [c1, c2, q1, i1] = r.json.BatchItemResponse;
    expect(c1).toMatchObject({ bId: 'c1', Customer: { DisplayName: 'Batch One' } });
    expect(c2).toMatchObject({ bId: 'c2', Fault: { type: 'ValidationFault', Error: [{ code: '6240' }] } });
    expect(q1.QueryResponse.Customer[0].DisplayName).toBe('Taken');
    expect(i1.Fault.Error[0].code).toBe('2500');
  });

  it('voids with operation update + optionsData void, and refuses more than 30 items', async () => {
    const { api } = await companyApi(qb.url);
    const { serviceId } = await seedSales(api);
    const sr = (await api('POST', '/salesreceipt', { Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: serviceId } } }] })).json.SalesReceipt;
    const v = await api('POST', '/batch', { BatchItemRequest: [{ bId: 'v', operation: 'update', optionsData: 'void', SalesReceipt: { Id: sr.Id, SyncToken: sr.SyncToken, sparse: true } }] });
    expect(v.json.BatchItemResponse[0].SalesReceipt.TotalAmt).toBe(0);
    const many = Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, operation: 'create', Customer: { DisplayName: `Many ${i}` } }));
    const tooMany = await api('POST', '/batch', { BatchItemRequest: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.Fault.Error[0].element).toBe('BatchItemRequest');
  });

  it('reports changes since a time, deleted ones with status Deleted, and refuses more than 30 days back', async () => {
    const { api } = await companyApi(qb.url);
    const { serviceId } = await seedSales(api);
    const since = new Date(qb.sandbox.clock.now()).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const c = (await api('POST', '/customer', { DisplayName: 'Changed Later' })).json.Customer;
    const sr = (await api('POST', '/salesreceipt', { Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: serviceId } } }] })).json.SalesReceipt;
    await api('POST', '/salesreceipt?operation=delete', { Id: sr.Id, SyncToken: sr.SyncToken });
    const r = await api('GET', `/cdc?entities=Customer,SalesReceipt,Invoice&changedSince=${encodeURIComponent(since)}`);
    const [customers, receipts, invoices] = r.json.CDCResponse[0].QueryResponse;
    expect(customers.Customer.map((x: { Id: string }) => x.Id)).toEqual([c.Id]);
    expect(receipts.SalesReceipt).toEqual([expect.objectContaining({ Id: sr.Id, status: 'Deleted' })]);
    expect(invoices).toEqual({});
    const old = new Date(qb.sandbox.clock.now() - 31 * 86_400_000).toISOString();
    expect((await api('GET', `/cdc?entities=Customer&changedSince=${encodeURIComponent(old)}`)).status).toBe(400);
  });
});
