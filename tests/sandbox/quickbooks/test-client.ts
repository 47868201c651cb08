// Small HTTP helpers for the QuickBooks sandbox's own tests (and for anyone driving it from a script).
import { startQuickBooksSandbox, type QuickBooksSandboxOptions, type StartedQuickBooksSandbox } from './server';

export const APP = {
  clientId: 'ledgerbridge-quickbooks-test',
  clientSecret: 'quickbooks-test-secret',
  redirectUri: 'http://127.0.0.1:3999/api/connections/quickbooks/callback',
};

export async function startTestSandbox(options: QuickBooksSandboxOptions = {}): Promise<StartedQuickBooksSandbox> {
  return startQuickBooksSandbox({
    port: 0,
    clients: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri], name: 'Ledgerbridge' }],
    ...options,
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const jsonPost = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A client for one company: `api('POST', '/invoice', body, 'requestid=1')`. */
export function apiClient(base: string, token: string, realmId: string) {
  return (method: string, path: string, body?: unknown, query = 'minorversion=75') =>
    call(`${base}/quickbooks/v3/company/${realmId}${path}${path.includes('?') ? '&' : '?'}${query}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}
export type Api = ReturnType<typeof apiClient>;

export async function newCompany(base: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await call(`${base}/__sandbox/quickbooks/companies`, jsonPost({ name: 'Acme Outdoor Inc', country: 'US', currency: 'USD', ...body }));
  if (r.status !== 201) throw new Error(`company: ${r.status} ${r.text}`);
  return r.json.realmId as string;
}

export async function adminToken(base: string, realmId: string): Promise<string> {
  const r = await call(`${base}/__sandbox/quickbooks/companies/${realmId}/tokens`, jsonPost({}));
  if (r.status !== 201) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.access_token as string;
}

/** A company and a client for it, in one line. */
export async function companyApi(base: string, body: Record<string, unknown> = {}): Promise<{ realmId: string; api: Api }> {
  const realmId = await newCompany(base, body);
  return { realmId, api: apiClient(base, await adminToken(base, realmId), realmId) };
}

export async function admin(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return call(`${base}/__sandbox/quickbooks${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Runs the consent flow as a person would (GET the page, submit its form) and returns the redirect. */
export async function consent(base: string, params: { scope?: string; state?: string; realmId?: string; action?: 'connect' | 'cancel' } = {}): Promise<URL> {
  const q = new URLSearchParams({
    client_id: APP.clientId,
    response_type: 'code',
    scope: params.scope ?? 'com.intuit.quickbooks.accounting',
    redirect_uri: APP.redirectUri,
    state: params.state ?? 'state-123',
  });
  const page = await call(`${base}/quickbooks/connect/oauth2?${q}`);
  if (page.status !== 200) throw new Error(`authorize: ${page.status} ${page.text}`);
  const request = /name="request" value="([^"]+)"/.exec(page.text)?.[1];
  const first = /<option value="([^"]+)"/.exec(page.text)?.[1];
  const form = new URLSearchParams({ request: request ?? '', realmId: params.realmId ?? first ?? '', action: params.action ?? 'connect' });
  const r = await call(`${base}/quickbooks/connect/oauth2/consent`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (r.status !== 302) throw new Error(`consent: ${r.status} ${r.text}`);
  return new URL(r.headers.get('location') ?? '');
}

export async function tokenRequest(base: string, form: Record<string, string>, secret = APP.clientSecret): Promise<Reply> {
  return call(`${base}/quickbooks/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${APP.clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** An inventory item, a service item and a customer, the usual cast of a sales test. */
export async function seedSales(api: Api, customerName = 'Jane Shopper'): Promise<{ customerId: string; widgetId: string; serviceId: string }> {
  const customer = await api('POST', '/customer', { DisplayName: customerName, PrimaryEmailAddr: { Address: 'jane@example.com' } });
  const widget = await api('POST', '/item', {
    Name: 'Widget',
    Sku: 'WID-1',
    Type: 'Inventory',
    TrackQtyOnHand: true,
    QtyOnHand: 10,
    InvStartDate: '2024-01-01',
    UnitPrice: 25,
    IncomeAccountRef: { value: '1' },
    AssetAccountRef: { value: '6' },
    ExpenseAccountRef: { value: '7' },
  });
  const service = await api('POST', '/item', { Name: 'Gift wrap', Type: 'Service', UnitPrice: 5, IncomeAccountRef: { value: '1' } });
  if (customer.status !== 200 || widget.status !== 200 || service.status !== 200) throw new Error(`seed: ${customer.text} ${widget.text} ${service.text}`);
  return { customerId: customer.json.Customer.Id, widgetId: widget.json.Item.Id, serviceId: service.json.Item.Id };
}
