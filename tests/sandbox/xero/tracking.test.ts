// Tracking categories and draft invoices in the Xero sandbox: categories and options created through the API (Xero's
// limits and uniqueness rules), lines tracked by name, drafts that take no payment, and every answer checked against
// ../shared/specs/xero/xero_accounting.yaml where the spec is present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XeroSpecValidator, xeroSpecsAvailable } from './openapi';
import type { StartedXeroSandbox } from './server';
import { adminToken, apiClient, newTenant, startTestSandbox, type Reply } from './test-client';

let sx: StartedXeroSandbox;
let api: ReturnType<typeof apiClient>;
const specs = xeroSpecsAvailable ? new XeroSpecValidator() : null;

/** The status, then (when the spec is here) the body against the documented response. */
function conforms(reply: Reply, specPath: string, method: string, status: number) {
  expect(reply.status, reply.text.slice(0, 500)).toBe(status);
  if (specs) expect(specs.validateResponse('xero_accounting.yaml', specPath, method, status, reply.json)).toEqual([]);
}

const invoice = (over: Record<string, unknown> = {}) => ({
  Type: 'ACCREC',
  Contact: { Name: 'Ada Lovelace' },
  Date: '2026-03-02',
  DueDate: '2026-03-02',
  LineAmountTypes: 'Exclusive',
  LineItems: [{ Description: 'Mug', Quantity: 2, UnitAmount: 12.5, AccountCode: '200', TaxType: 'NONE' }],
  ...over,
});

beforeAll(async () => {
  sx = await startTestSandbox({ limits: { minute: 10_000 } });
  const tenantId = await newTenant(sx.url, 'Tracking Ltd', 'USD');
  api = apiClient(sx.url, await adminToken(sx.url, tenantId), tenantId);
});
afterAll(async () => {
  await sx?.close();
});

describe('tracking categories', () => {
  let regionId = '';

  it('a category is created through PUT /TrackingCategories and its options through PUT …/Options', async () => {
    const made = await api('PUT', '/TrackingCategories', { Name: 'Region' });
    conforms(made, '/TrackingCategories', 'put', 200);
    expect(made.json.TrackingCategories[0]).toMatchObject({ Name: 'Region', Status: 'ACTIVE', Options: [] });
    regionId = made.json.TrackingCategories[0].TrackingCategoryID;

    const options = await api('PUT', `/TrackingCategories/${regionId}/Options`, { Options: [{ Name: 'North' }, { Name: 'South' }] });
    conforms(options, '/TrackingCategories/{TrackingCategoryID}/Options', 'put', 200);
    expect(options.json.Options.map((o: { Name: string }) => o.Name)).toEqual(['North', 'South']);

    const listed = await api('GET', '/TrackingCategories');
    conforms(listed, '/TrackingCategories', 'get', 200);
    const names = listed.json.TrackingCategories.map((c: { Name: string; Options: Array<{ Name: string }> }) => `${c.Name}: ${c.Options.map((o) => o.Name).join(', ')}`);
    expect(names).toEqual(['Sales Channel: Online Store, Marketplace, Wholesale', 'Region: North, South']);
  });

  it('refuses a duplicate name, a third active category, a duplicate option and an unknown category', async () => {
    const duplicate = await api('PUT', '/TrackingCategories', { Name: 'region' });
    conforms(duplicate, '/TrackingCategories', 'put', 400);
    expect(duplicate.json.Elements[0].ValidationErrors[0].Message).toBe("A tracking category named 'region' already exists.");

    const third = await api('PUT', '/TrackingCategories', { Name: 'Department' });
    expect(third.status).toBe(400);
    expect(third.json.Elements[0].ValidationErrors[0].Message).toBe('An organisation can have at most 2 active tracking categories.');

    const option = await api('PUT', `/TrackingCategories/${regionId}/Options`, { Name: 'north' });
    conforms(option, '/TrackingCategories/{TrackingCategoryID}/Options', 'put', 400);
    expect(option.json.Elements[0].ValidationErrors[0].Message).toBe("The option 'north' already exists in 'Region'.");

    const tooLong = await api('PUT', `/TrackingCategories/${regionId}/Options`, { Name: 'x'.repeat(101) });
    expect(tooLong.json.Elements[0].ValidationErrors[0].Message).toBe('Tracking option name must not be longer than 100 characters.');

    expect((await api('PUT', '/TrackingCategories/00000000-0000-0000-0000-000000000000/Options', { Name: 'East' })).status).toBe(404);
    // Nothing of the refused requests was kept.
    const listed = await api('GET', '/TrackingCategories');
    expect(listed.json.TrackingCategories.find((c: { Name: string }) => c.Name === 'Region').Options).toHaveLength(2);
  });

  it('needs the accounting.settings scope', async () => {
    const tenantId = await newTenant(sx.url, 'Scoped Ltd', 'USD');
    const token = await adminToken(sx.url, tenantId, { scopes: ['accounting.invoices'] });
    const reply = await apiClient(sx.url, token, tenantId)('PUT', '/TrackingCategories', { Name: 'Region' });
    expect(reply.status).toBe(401);
  });
});

describe('tracked lines and draft invoices', () => {
  it('a draft invoice keeps its status, books each line to the named tracking option, and validates against the spec', async () => {
    const lines = [
      { Description: 'Mug', Quantity: 2, UnitAmount: 12.5, AccountCode: '200', TaxType: 'NONE', Tracking: [{ Name: 'Sales Channel', Option: 'Online Store' }] },
      { Description: 'Shipping', Quantity: 1, UnitAmount: 5, AccountCode: '210', TaxType: 'NONE', Tracking: [{ Name: 'Sales Channel', Option: 'Online Store' }, { Name: 'Region', Option: 'North' }] },
    ];
    const made = await api('PUT', '/Invoices', { Invoices: [invoice({ InvoiceNumber: 'BC-1', Status: 'DRAFT', LineItems: lines })] }, { query: 'summarizeErrors=false' });
    conforms(made, '/Invoices', 'put', 200);
    const id = made.json.Invoices[0].InvoiceID;
    const read = await api('GET', `/Invoices/${id}`);
    conforms(read, '/Invoices/{InvoiceID}', 'get', 200);
    const doc = read.json.Invoices[0];
    expect(doc).toMatchObject({ Status: 'DRAFT', Total: 30, AmountDue: 30 });
    expect(doc.LineItems.map((l: { Tracking: Array<{ Name: string; Option: string; TrackingOptionID: string }> }) => l.Tracking.map((t) => `${t.Name}=${t.Option}`))).toEqual([
      ['Sales Channel=Online Store'],
      ['Sales Channel=Online Store', 'Region=North'],
    ]);
    expect(doc.LineItems[0].Tracking[0].TrackingOptionID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a line naming an option that does not exist is refused with Xero\'s message', async () => {
    const bad = await api(
      'PUT',
      '/Invoices',
      { Invoices: [invoice({ InvoiceNumber: 'BC-2', LineItems: [{ Description: 'Mug', Quantity: 1, UnitAmount: 5, AccountCode: '200', TaxType: 'NONE', Tracking: [{ Name: 'Sales Channel', Option: 'Pop-up shop' }] }] })] },
      { query: 'summarizeErrors=false' },
    );
    conforms(bad, '/Invoices', 'put', 200);
    expect(bad.json.Invoices[0]).toMatchObject({ HasErrors: true, ValidationErrors: [{ Message: "Tracking category 'Sales Channel' with option 'Pop-up shop' does not exist." }] });
  });

  it('a draft takes no payment; once approved it does', async () => {
    const made = await api('PUT', '/Invoices', { Invoices: [invoice({ InvoiceNumber: 'BC-3', Status: 'DRAFT' })] }, { query: 'summarizeErrors=false' });
    const id = made.json.Invoices[0].InvoiceID;
    const payment = { Invoice: { InvoiceID: id }, Account: { Code: '090' }, Date: '2026-03-02', Amount: 25 };
    const refused = await api('PUT', '/Payments', { Payments: [payment] }, { query: 'summarizeErrors=false' });
    conforms(refused, '/Payments', 'put', 200);
    expect(refused.json.Payments[0].ValidationErrors).toEqual([{ Message: 'Payments can only be made against Authorised documents' }]);
    const approved = await api('POST', `/Invoices/${id}`, { Invoices: [{ InvoiceID: id, Status: 'AUTHORISED' }] });
    conforms(approved, '/Invoices/{InvoiceID}', 'post', 200);
    const paid = await api('PUT', '/Payments', { Payments: [payment] }, { query: 'summarizeErrors=false' });
    expect(paid.json.Payments[0]).toMatchObject({ Amount: 25, StatusAttributeString: 'OK' });
    expect((await api('GET', `/Invoices/${id}`)).json.Invoices[0].Status).toBe('PAID');
  });
});
