// The sandbox driven by node-quickbooks, a client nobody here wrote, so the wire shapes (lower-case paths,
// ?operation=update with sparse bodies, include=void, its query strings, requestid, batch, CDC, token refresh and
// revoke) are a real client's. Pointing it at the sandbox: its module-level URLs (V3_ENDPOINT_BASE_URL, TOKEN_URL,
// REVOKE_URL) are plain properties; setOauthVersion('2.0') is never called (it would fetch Intuit's discovery
// document): the constructor's oauthversion '2.0' is enough.
import QuickBooks, { type BatchItemRequest, type QuickBooksCallback } from 'node-quickbooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedQuickBooksSandbox } from './server';
import { APP, consent, startTestSandbox, tokenRequest } from './test-client';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls a node-quickbooks method; rejects with the Intuit body of a refusal (axios error → response.data). */
function p<T = Any>(fn: (cb: QuickBooksCallback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, data) => (err ? reject((err as Any).response?.data ?? err) : resolve(data as T))));
}

async function fault(promise: Promise<unknown>): Promise<Any> {
  try {
    await promise;
  } catch (body) {
    return body as Any;
  }
  throw new Error('expected a refusal');
}

describe('node-quickbooks against the sandbox', () => {
  let sb: StartedQuickBooksSandbox;
  let qbo: QuickBooks;
  let realmId: string;
  beforeAll(async () => {
    sb = await startTestSandbox();
    QuickBooks.V3_ENDPOINT_BASE_URL = `${sb.url}/quickbooks/v3/company/`;
    QuickBooks.TOKEN_URL = `${sb.url}/quickbooks/oauth2/v1/tokens/bearer`;
    QuickBooks.REVOKE_URL = `${sb.url}/quickbooks/oauth2/v1/tokens/revoke`;
    const back = await consent(sb.url);
    realmId = back.searchParams.get('realmId')!;
    const t = await tokenRequest(sb.url, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP.redirectUri });
    qbo = new QuickBooks(APP.clientId, APP.clientSecret, t.json.access_token, false, realmId, true, false, '75', '2.0', t.json.refresh_token);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('creates, reads and sparse-updates a customer; a stale SyncToken comes back as Fault 5010', async () => {
    const created = await p<Any>((cb) => qbo.createCustomer({ DisplayName: 'Node Customer', PrimaryEmailAddr: { Address: 'node@example.com' } } as Any, cb));
    const read = await p<Any>((cb) => qbo.getCustomer(created.Id, cb));
    expect(read.DisplayName).toBe('Node Customer');
    const updated = await p<Any>((cb) => qbo.updateCustomer({ Id: created.Id, SyncToken: created.SyncToken, CompanyName: 'Node Co' } as Any, cb));
    expect(updated).toMatchObject({ SyncToken: '1', CompanyName: 'Node Co', PrimaryEmailAddr: { Address: 'node@example.com' } });
    const stale = await fault(p((cb) => qbo.updateCustomer({ Id: created.Id, SyncToken: '0', CompanyName: 'Lost' } as Any, cb)));
    expect(stale.Fault.Error[0].code).toBe('5010');
  });

  it('finds with its criteria forms: equals, IN, LIKE, count and paging', async () => {
    for (const name of ['Shop Alpha', 'Shop Beta', 'Other Gamma']) await p((cb) => qbo.createCustomer({ DisplayName: name } as Any, cb));
    const eq = await p<Any>((cb) => qbo.findCustomers({ DisplayName: 'Shop Beta' } as Any, cb));
    expect(eq.QueryResponse.Customer.map((c: Any) => c.DisplayName)).toEqual(['Shop Beta']);
    const inList = await p<Any>((cb) => qbo.findCustomers({ DisplayName: ['Shop Alpha', 'Other Gamma'] } as Any, cb));
    expect(inList.QueryResponse.Customer).toHaveLength(2);
    const like = await p<Any>((cb) => qbo.findCustomers([{ field: 'DisplayName', value: 'Shop%', operator: 'LIKE' }] as Any, cb));
    expect(like.QueryResponse.Customer.map((c: Any) => c.DisplayName).sort()).toEqual(['Shop Alpha', 'Shop Beta']);
    const count = await p<Any>((cb) => qbo.findCustomers({ count: true } as Any, cb));
    expect(count.QueryResponse.totalCount).toBeGreaterThanOrEqual(3);
    const paged = await p<Any>((cb) => qbo.findCustomers([{ field: 'limit', value: 2 }, { field: 'fetchAll', value: true }] as Any, cb));
    expect(paged.QueryResponse.Customer.length).toBe(count.QueryResponse.totalCount);
  });

  it('sells inventory with a sales receipt, voids it with include=void and deletes an invoice by id', async () => {
    const item = await p<Any>((cb) =>
      qbo.createItem({ Name: 'Node Widget', Type: 'Inventory', TrackQtyOnHand: true, QtyOnHand: 5, InvStartDate: '2024-01-01', IncomeAccountRef: { value: '1' }, AssetAccountRef: { value: '6' }, ExpenseAccountRef: { value: '7' } } as Any, cb),
    );
    const line = { Amount: 20, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 2, UnitPrice: 10, TaxCodeRef: { value: 'NON' } } };
    const sr = await p<Any>((cb) => qbo.createSalesReceipt({ DocNumber: 'NODE-1', Line: [line] } as Any, cb));
    expect(sr.TotalAmt).toBe(20);
    expect((await p<Any>((cb) => qbo.getItem(item.Id, cb))).QtyOnHand).toBe(3);
    const voided = await p<Any>((cb) => qbo.updateSalesReceipt({ Id: sr.Id, SyncToken: sr.SyncToken, void: true } as Any, cb));
    expect(voided.TotalAmt).toBe(0);
    expect((await p<Any>((cb) => qbo.getItem(item.Id, cb))).QtyOnHand).toBe(5);
    const customer = await p<Any>((cb) => qbo.createCustomer({ DisplayName: 'Invoice Buyer' } as Any, cb));
    const inv = await p<Any>((cb) => qbo.createInvoice({ CustomerRef: { value: customer.Id }, Line: [line] } as Any, cb));
    const voidedInv = await p<Any>((cb) => qbo.voidInvoice(inv.Id, cb));
    expect(voidedInv.Invoice.PrivateNote).toBe('Voided');
    const deleted = await p<Any>((cb) => qbo.deleteInvoice(inv.Id, cb));
    expect(deleted.Invoice.status).toBe('Deleted');
  });

  it('replays a requestid, runs a batch with a per-item fault, and reports changes by CDC', async () => {
    const since = new Date(sb.sandbox.clock.now() - 1000);
    const a = await p<Any>((cb) => qbo.createCustomer({ DisplayName: 'Idempotent Buyer', requestId: 'node-req-1' } as Any, cb));
    const b = await p<Any>((cb) => qbo.createCustomer({ DisplayName: 'Idempotent Buyer', requestId: 'node-req-1' } as Any, cb));
    expect(b.Id).toBe(a.Id);
    const batch = await p<Any>((cb) =>
      qbo.batch([{ bId: '1', operation: 'create', Customer: { DisplayName: 'Batch Buyer' } }, { bId: '2', operation: 'create', Customer: { DisplayName: 'Batch Buyer' } }] as BatchItemRequest[], cb),
    );
    expect(batch.BatchItemResponse[0].Customer.DisplayName).toBe('Batch Buyer');
    expect(batch.BatchItemResponse[1].Fault.Error[0].code).toBe('6240');
    const changes = await p<Any>((cb) => (qbo as Any).changeDataCapture(['Customer'], since, cb));
    const names = changes.CDCResponse[0].QueryResponse[0].Customer.map((c: Any) => c.DisplayName);
    expect(names).toEqual(expect.arrayContaining(['Idempotent Buyer', 'Batch Buyer']));
  });

  it('refreshes (the refresh token rotates), then revokes: the API answers 401 afterwards', async () => {
    const before = qbo.refreshToken;
    const refreshed = await p<Any>((cb) => qbo.refreshAccessToken(cb));
    expect(refreshed).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(qbo.refreshToken).not.toBe(before);
    expect((await p<Any>((cb) => qbo.getCompanyInfo(realmId, cb))).CompanyName).toBe('Sandbox Company_US_1');
    const token = qbo.token;
    await p((cb) => qbo.revokeAccess(true, cb));
    qbo.token = token;
    const denied = await fault(p((cb) => qbo.getCompanyInfo(realmId, cb)));
    expect(denied.fault.error[0].code).toBe('3200');
  });
});
