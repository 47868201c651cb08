// The Xero sandbox mounted on the BigCommerce sandbox's port, as `npm run sandbox` and the demo will serve it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '../bigcommerce/server';
import { createXeroSandbox } from './server';
import { adminToken, apiClient, call, newTenant } from './test-client';

describe('mounted under /xero on the BigCommerce sandbox', () => {
  let bc: BigCommerceSandbox;
  beforeAll(async () => {
    const xero = createXeroSandbox({ clients: [{ clientId: 'app', clientSecret: 's', redirectUris: ['http://127.0.0.1:1/cb'] }] });
    bc = await startBigCommerceSandbox({ port: 0, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }], mounts: xero.mounts });
  });
  afterAll(async () => {
    await bc?.close();
  });

  it('serves the admin API, identity and the Accounting API, and leaves other paths to BigCommerce', async () => {
    const tenantId = await newTenant(bc.url, 'Mounted Org', 'GBP');
    const token = await adminToken(bc.url, tenantId);
    const org = await apiClient(bc.url, token, tenantId)('GET', '/Organisation');
    expect(org.status).toBe(200);
    expect(org.json.Organisations[0].Name).toBe('Mounted Org');
    const conns = await call(`${bc.url}/xero/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect(conns.json[0].tenantId).toBe(tenantId);
    const unknown = await call(`${bc.url}/xero/nope`);
    expect(unknown.status).toBe(404);
    const notXero = await call(`${bc.url}/xerox`);
    expect(notXero.json).toMatchObject({ status: 404 });
  });
});
