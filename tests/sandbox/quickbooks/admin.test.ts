// The admin contract tools outside the project rely on, and the sandbox mounted under /quickbooks on the BigCommerce
// sandbox's port beside Xero, as `npm run sandbox` and the demo serve it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '../bigcommerce/server';
import { createXeroSandbox } from '../xero/server';
import { createQuickBooksSandbox } from './server';
import { admin, apiClient, call } from './test-client';

describe('QuickBooks admin contract, mounted beside Xero on the BigCommerce sandbox', () => {
  let bc: BigCommerceSandbox;
  beforeAll(async () => {
    const xero = createXeroSandbox({ clients: [{ clientId: 'x', clientSecret: 's', redirectUris: ['http://127.0.0.1:1/x'] }] });
    const quickbooks = createQuickBooksSandbox({ clients: [{ clientId: 'q', clientSecret: 's', redirectUris: ['http://127.0.0.1:1/q'], name: 'Ledgerbridge' }] });
    bc = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }], mounts: [...xero.mounts, ...quickbooks.mounts] });
  });
  afterAll(async () => {
    await bc?.close();
  });

  it('POST /companies → {realmId}; POST /companies/{realmId}/tokens → {access_token}; GET .../entities/{Entity} → {items}', async () => {
    const created = await admin(bc.url, 'POST', '/companies', { name: 'Contract Co', country: 'US', currency: 'USD', ast: true, multicurrency: false });
    expect(created.status).toBe(201);
    const realmId = created.json.realmId as string;
    expect(realmId).toMatch(/^\d+$/);
    const token = await admin(bc.url, 'POST', `/companies/${realmId}/tokens`);
    expect(token.status).toBe(201);
    const api = apiClient(bc.url, token.json.access_token, realmId);
    expect((await api('POST', '/customer', { DisplayName: 'Listed' })).status).toBe(200);
    const listed = await admin(bc.url, 'GET', `/companies/${realmId}/entities/Customer`);
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((c: { DisplayName: string }) => c.DisplayName)).toEqual(['Listed']);
    const accounts = await admin(bc.url, 'GET', `/companies/${realmId}/entities/Account`);
    expect(accounts.json.items.map((a: { Name: string }) => a.Name)).toEqual(
      expect.arrayContaining(['Sales of Product Income', 'Shipping Income', 'Discounts given', 'Undeposited Funds', 'Checking', 'Inventory Asset', 'Cost of Goods Sold', 'Accounts Receivable (A/R)']),
    );
    expect((await admin(bc.url, 'GET', `/companies/${realmId}/entities/TaxCode`)).json.items.map((t: { Id: string }) => t.Id)).toEqual(['TAX', 'NON']);
  });

  it('refuses a bad company body, an unknown company and an unknown entity', async () => {
    expect((await admin(bc.url, 'POST', '/companies', { name: 'No country', currency: 'USD' })).status).toBe(422);
    expect((await admin(bc.url, 'POST', '/companies/1/tokens')).status).toBe(404);
    const realmId = (await admin(bc.url, 'POST', '/companies', { name: 'Other', country: 'GB', currency: 'GBP' })).json.realmId;
    expect((await admin(bc.url, 'GET', `/companies/${realmId}/entities/Widget`)).status).toBe(404);
  });

  it('revokes the grants of a company (the merchant disconnects), leaving Xero and BigCommerce paths alone', async () => {
    const realmId = (await admin(bc.url, 'POST', '/companies', { name: 'Disconnecting', country: 'US', currency: 'USD' })).json.realmId;
    const token = (await admin(bc.url, 'POST', `/companies/${realmId}/tokens`)).json.access_token;
    expect((await admin(bc.url, 'POST', '/revoke', { realmId })).json.revokedGrants).toBe(1);
    expect((await apiClient(bc.url, token, realmId)('GET', '/preferences')).status).toBe(401);
    expect((await call(`${bc.url}/xero/identity/.well-known/openid-configuration`)).status).toBe(200);
    expect((await call(`${bc.url}/quickbooks/.well-known/openid_configuration`)).json.token_endpoint).toBe(`${bc.url}/quickbooks/oauth2/v1/tokens/bearer`);
    expect((await call(`${bc.url}/quickbooksx`)).status).toBe(404);
  });
});
