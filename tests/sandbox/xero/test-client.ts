// Small HTTP helpers for the Xero sandbox's own tests (and for anyone driving it from a script).
import { createHash, randomBytes } from 'node:crypto';
import { startXeroSandbox, type StartedXeroSandbox, type XeroSandboxOptions } from './server';

export const APP = {
  clientId: 'ledgerbridge-xero-test',
  clientSecret: 'xero-test-secret',
  redirectUri: 'http://127.0.0.1:3999/api/connections/xero/callback',
};

export async function startTestSandbox(options: XeroSandboxOptions = {}): Promise<StartedXeroSandbox> {
  return startXeroSandbox({
    port: 0,
    clients: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri], name: 'Ledgerbridge' }],
    ...options,
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
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

/** A client for one tenant: `api('PUT', '/Invoices', body, {query, headers})`. */
export function apiClient(base: string, token: string, tenantId: string) {
  return (method: string, path: string, body?: unknown, opts: { query?: string; headers?: Record<string, string> } = {}) =>
    call(`${base}/xero/api.xro/2.0${path}${opts.query ? `?${opts.query}` : ''}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'xero-tenant-id': tenantId,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

export async function newTenant(base: string, name = 'Acme Outdoor Ltd', currency = 'NZD'): Promise<string> {
  const r = await call(`${base}/__sandbox/xero/tenants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, currency }) });
  if (r.status !== 201) throw new Error(`tenant: ${r.status} ${r.text}`);
  return r.json.tenantId as string;
}

export async function adminToken(base: string, tenantId: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await call(`${base}/__sandbox/xero/tenants/${tenantId}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (r.status !== 201) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.access_token as string;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Runs the consent flow as a person would (GET the page, submit its form) and returns the redirect. */
export async function consent(base: string, params: { scope?: string; state?: string; challenge: string; tenantId?: string; action?: 'allow' | 'deny' }): Promise<URL> {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: APP.clientId,
    redirect_uri: APP.redirectUri,
    scope: params.scope ?? 'openid profile email offline_access accounting.invoices accounting.payments accounting.contacts accounting.settings',
    state: params.state ?? 'state-123',
    code_challenge: params.challenge,
    code_challenge_method: 'S256',
  });
  const page = await call(`${base}/xero/identity/connect/authorize?${q}`);
  if (page.status !== 200) throw new Error(`authorize: ${page.status} ${page.text}`);
  const request = /name="request" value="([^"]+)"/.exec(page.text)?.[1];
  const firstTenant = /<option value="([^"]+)"/.exec(page.text)?.[1];
  const form = new URLSearchParams({ request: request ?? '', tenantId: params.tenantId ?? firstTenant ?? '', action: params.action ?? 'allow' });
  const r = await call(`${base}/xero/identity/connect/authorize/consent`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (r.status !== 302) throw new Error(`consent: ${r.status} ${r.text}`);
  return new URL(r.headers.get('location') ?? '');
}

export async function tokenRequest(base: string, form: Record<string, string>, auth: 'basic' | 'body' = 'basic'): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`;
  else {
    body.set('client_id', APP.clientId);
    body.set('client_secret', APP.clientSecret);
  }
  return call(`${base}/xero/connect/token`, { method: 'POST', headers, body: body.toString() });
}
