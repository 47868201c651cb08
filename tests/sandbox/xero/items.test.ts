// Items as Xero keeps them: prices at 2 places unless unitdp=4, tracked only with both inventory accounts, the
// documented length limits, batches that report each element, updates that keep what they do not name.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XeroSpecValidator, xeroSpecsAvailable } from './openapi';
import type { StartedXeroSandbox } from './server';
import { adminToken, apiClient, newTenant, startTestSandbox } from './test-client';

let sx: StartedXeroSandbox;
let api: ReturnType<typeof apiClient>;
const specs = xeroSpecsAvailable ? new XeroSpecValidator() : null;

beforeAll(async () => {
  sx = await startTestSandbox({ limits: { minute: 100_000, day: 1_000_000 } });
});
afterAll(async () => {
  await sx?.close();
});
beforeEach(async () => {
  const tenantId = await newTenant(sx.url, `Items ${Math.random()}`, 'NZD');
  api = apiClient(sx.url, await adminToken(sx.url, tenantId), tenantId);
});

const conforms = (path: string, method: string, reply: { status: number; json: unknown }) => {
  if (specs) expect(specs.validateResponse('xero_accounting.yaml', path, method, reply.status, reply.json)).toEqual([]);
};

describe('items', () => {
  it('keeps UnitPrice at 2 places unless the request says unitdp=4', async () => {
    await api('PUT', '/Items', { Items: [{ Code: 'TWO', SalesDetails: { UnitPrice: 12.3456, AccountCode: '200' } }] });
    await api('PUT', '/Items', { Items: [{ Code: 'FOUR', SalesDetails: { UnitPrice: 12.3456, AccountCode: '200' } }] }, { query: 'unitdp=4' });
    const four = await api('GET', '/Items', undefined, { query: 'unitdp=4' });
    const price = (code: string, reply: typeof four) => reply.json.Items.find((i: { Code: string }) => i.Code === code).SalesDetails.UnitPrice;
    expect([price('TWO', four), price('FOUR', four)]).toEqual([12.35, 12.3456]);
    const two = await api('GET', '/Items');
    expect(price('FOUR', two)).toBe(12.35);
    conforms('/Items', 'get', four);
  });

  it('tracks an item only with an inventory asset account and a COGS account, and refuses a COGS account alone', async () => {
    const r = await api(
      'PUT',
      '/Items',
      {
        Items: [
          { Code: 'T', InventoryAssetAccountCode: '630', PurchaseDetails: { COGSAccountCode: '310' }, IsTrackedAsInventory: true },
          { Code: 'U', IsTrackedAsInventory: true },
          { Code: 'C', PurchaseDetails: { COGSAccountCode: '310' } },
          { Code: 'P', InventoryAssetAccountCode: '630', PurchaseDetails: { COGSAccountCode: '310', AccountCode: '429' } },
        ],
      },
      { query: 'summarizeErrors=false' },
    );
    expect(r.status).toBe(200);
    const [t, u, c, p] = r.json.Items;
    expect([t.IsTrackedAsInventory, u.IsTrackedAsInventory]).toEqual([true, false]);
    expect(c.ValidationErrors[0].Message).toMatch(/InventoryAssetAccountCode is required/);
    expect(p.ValidationErrors[0].Message).toMatch(/cannot have a purchase AccountCode/);
    conforms('/Items', 'put', r);
  });

  it('refuses names over 50 and descriptions over 4,000 characters, element by element', async () => {
    const r = await api(
      'PUT',
      '/Items',
      { Items: [{ Code: 'OK', Name: 'n'.repeat(50), Description: 'd'.repeat(4000) }, { Code: 'N', Name: 'n'.repeat(51) }, { Code: 'D', Description: 'd'.repeat(4001) }] },
      { query: 'summarizeErrors=false' },
    );
    expect(r.json.Items.map((i: { ValidationErrors?: unknown[] }) => i.ValidationErrors?.length ?? 0)).toEqual([0, 1, 1]);
    expect((await api('GET', '/Items')).json.Items.map((i: { Code: string }) => i.Code)).toEqual(['OK']);
  });

  it('updates by ItemID and Code, keeping the fields a request does not name', async () => {
    const made = await api('PUT', '/Items', { Items: [{ Code: 'MUG', Name: 'Mug', Description: 'Old', SalesDetails: { UnitPrice: 10, AccountCode: '200', TaxType: 'OUTPUT2' } }] });
    const id = made.json.Items[0].ItemID;
    const updated = await api('POST', '/Items', { Items: [{ ItemID: id, Code: 'MUG', Description: 'New' }] }, { query: 'summarizeErrors=false&unitdp=4' });
    expect(updated.json.Items[0]).toMatchObject({ Name: 'Mug', Description: 'New', SalesDetails: { UnitPrice: 10, AccountCode: '200', TaxType: 'OUTPUT2' } });
    conforms('/Items', 'post', updated);
    const unsold = await api('POST', `/Items/${id}`, { Items: [{ Code: 'MUG', IsSold: false }] });
    expect(unsold.json.Items[0].Description).toBeUndefined();
    expect(unsold.json.Items[0].SalesDetails).toEqual({});
  });
});
