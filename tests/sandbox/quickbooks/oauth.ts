// Intuit's OAuth 2.0 (developer.intuit.com, "Set up OAuth 2.0" and the Authorization FAQ), served under /quickbooks:
//   authorize  https://appcenter.intuit.com/connect/oauth2                 → /quickbooks/connect/oauth2
//   token      https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer   → /quickbooks/oauth2/v1/tokens/bearer
//   revoke     https://developer.api.intuit.com/v2/oauth2/tokens/revoke    → /quickbooks/oauth2/v1/tokens/revoke
// Facts modelled:
// - the redirect carries `code`, `state` and `realmId`; scope must include com.intuit.quickbooks.accounting; state is
//   required (Intuit's authorization request parameters);
// - the token endpoint takes HTTP Basic client credentials and a form body; it answers {token_type:"bearer",
//   expires_in:3600, refresh_token, x_refresh_token_expires_in:8726400, access_token} (intuit/oauth-jsclient README);
// - access tokens live one hour; refresh tokens 100 days rolling (x_refresh_token_expires_in 8726400 s = 101 days);
// - refresh tokens rotate on every refresh here. Intuit's docs: "When you request a fresh access token, always use the
//   refresh token returned in the most recent token_endpoint response. Your previous refresh tokens expire 24 hours
//   after you receive a new one." (quoted from the OAuth 2.0 page in IntuitDeveloper/oauth2-nodejs#2 and
//   intuit/oauth-jsclient#74; the FAQ: "Stale refresh tokens expire after 24 hours"). So the previous token keeps
//   working for 24 hours (time-scaled; `refreshGraceMs`), then {"error":"invalid_grant"}. (Real Intuit hands back
//   the same value until it is ~24 hours old; the sandbox rotates every time so a client that forgets to store the
//   new value fails within a day of sandbox time, not weeks later.)
// - revoking either token ends the grant (the connection to that company).
// Not confirmed: authorization codes living 5 minutes; the 401 error for a bad client ({"error":"invalid_client"}).
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { XeroClock } from '../xero/clock';
import { DAY, MINUTE } from '../xero/clock';
import { escapeHtml, htmlAnswer, jsonAnswer, parseForm, redirectAnswer, type Answer, type RequestCtx, type Router } from '../xero/wire';
import { authenticationFailed } from './faults';
import type { Company } from './store';

export interface QuickBooksClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name?: string;
}

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
const KNOWN_SCOPES = new Set([ACCOUNTING_SCOPE, 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address']);
export const SCRIPT_CLIENT_ID = 'quickbooks-sandbox-scripts';

export interface OAuthOptions {
  accessTokenMs?: number;
  refreshTokenMs?: number;
  /** How long a superseded refresh token still works (Intuit: 24 hours). 0 = strictly single use. */
  refreshGraceMs?: number;
}

export interface Grant {
  grantId: string;
  clientId: string;
  realmId: string;
  scopes: string[];
  revoked: boolean;
}

interface Pending {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  createdAt: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  grant: Omit<Grant, 'grantId' | 'revoked'>;
  expiresAt: number;
  used: boolean;
}

interface RefreshRecord {
  grantId: string;
  expiresAt: number;
  /** When a newer refresh token was issued from this one. */
  supersededAt?: number;
}

export class OAuth {
  readonly clients = new Map<string, QuickBooksClient>();
  readonly grants = new Map<string, Grant>();
  private readonly pending = new Map<string, Pending>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  readonly accessTokenMs: number;
  readonly refreshTokenMs: number;
  readonly refreshGraceMs: number;

  constructor(
    private readonly clock: XeroClock,
    private readonly companies: () => Company[],
    private readonly ensureCompany: () => Company,
    clients: QuickBooksClient[],
    options: OAuthOptions = {},
  ) {
    for (const c of clients) this.clients.set(c.clientId, c);
    this.clients.set(SCRIPT_CLIENT_ID, { clientId: SCRIPT_CLIENT_ID, clientSecret: randomUUID(), redirectUris: [], name: 'Sandbox scripts' });
    this.accessTokenMs = options.accessTokenMs ?? 60 * MINUTE;
    this.refreshTokenMs = options.refreshTokenMs ?? 8_726_400_000;
    this.refreshGraceMs = options.refreshGraceMs ?? DAY;
  }

  register(router: Router<RequestCtx>): void {
    router.add('GET', '/quickbooks/.well-known/openid_configuration', (ctx) => {
      const o = origin(ctx);
      return jsonAnswer(200, {
        issuer: `${o}/quickbooks`,
        authorization_endpoint: `${o}/quickbooks/connect/oauth2`,
        token_endpoint: `${o}/quickbooks/oauth2/v1/tokens/bearer`,
        revocation_endpoint: `${o}/quickbooks/oauth2/v1/tokens/revoke`,
        response_types_supported: ['code'],
        scopes_supported: [...KNOWN_SCOPES],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    });
    router.add('GET', '/quickbooks/connect/oauth2', (ctx) => this.authorize(ctx));
    router.add('POST', '/quickbooks/connect/oauth2/consent', (ctx) => this.consent(ctx));
    router.add('POST', '/quickbooks/oauth2/v1/tokens/bearer', (ctx) => this.token(ctx));
    router.add('POST', '/quickbooks/oauth2/v1/tokens/revoke', (ctx) => this.revoke(ctx));
  }

  private errorPage(title: string, detail: string): Answer {
    return htmlAnswer(400, page('Intuit: error', `<h1>${escapeHtml(title)}</h1><p id="error-detail">${escapeHtml(detail)}</p>`));
  }

  private authorize(ctx: RequestCtx): Answer {
    const q = ctx.url.searchParams;
    const client = this.clients.get(q.get('client_id') ?? '');
    if (!client || client.clientId === SCRIPT_CLIENT_ID) return this.errorPage('invalid_client', 'Unknown client_id.');
    const redirectUri = q.get('redirect_uri') ?? '';
    // An unregistered redirect_uri is never redirected to (Intuit shows its own error page).
    if (!client.redirectUris.includes(redirectUri)) return this.errorPage('invalid_request', 'The redirect_uri is not registered for this app.');
    const state = q.get('state') ?? '';
    const back = (error: string) => redirectAnswer(withQuery(redirectUri, { error, state: state || undefined }));
    if (q.get('response_type') !== 'code') return back('unsupported_response_type');
    const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (!scopes.includes(ACCOUNTING_SCOPE) || scopes.some((s) => !KNOWN_SCOPES.has(s))) return back('invalid_scope');
    if (!state) return back('invalid_request');
    if (this.companies().length === 0) this.ensureCompany();
    const pending: Pending = { id: randomUUID(), clientId: client.clientId, redirectUri, scopes, state, createdAt: this.clock.now() };
    this.pending.set(pending.id, pending);
    const options = this.companies()
      .map((c, i) => `<option value="${c.realmId}"${i === 0 ? ' selected' : ''}>${escapeHtml(c.name)}</option>`)
      .join('');
    const name = escapeHtml(client.name ?? client.clientId);
    return htmlAnswer(
      200,
      page(
        `Connect ${client.name ?? client.clientId} to QuickBooks`,
        `<h1><span id="app-name">${name}</span> wants to connect to your QuickBooks company</h1>
<form method="post" action="/quickbooks/connect/oauth2/consent">
  <input type="hidden" name="request" value="${pending.id}">
  <label for="company">Company</label>
  <select id="company" name="realmId">${options}</select>
  <p>${name} will be able to read and change your accounting data.</p>
  <button type="submit" name="action" value="connect" id="connect">Connect</button>
  <button type="submit" name="action" value="cancel" id="cancel">Cancel</button>
</form>`,
      ),
    );
  }

  private consent(ctx: RequestCtx): Answer {
    const form = parseForm(ctx.rawBody);
    const pending = this.pending.get(form.request ?? '');
    if (!pending || this.clock.now() - pending.createdAt > this.clock.scaled(30 * MINUTE)) {
      return this.errorPage('invalid_request', 'This connection request has expired; start again from the app.');
    }
    this.pending.delete(pending.id);
    if (form.action !== 'connect') return redirectAnswer(withQuery(pending.redirectUri, { error: 'access_denied', state: pending.state }));
    const company = this.companies().find((c) => c.realmId === form.realmId);
    if (!company) return this.errorPage('invalid_request', 'Choose a company.');
    const code = `AB1${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      grant: { clientId: pending.clientId, realmId: company.realmId, scopes: pending.scopes },
      expiresAt: this.clock.now() + this.clock.scaled(5 * MINUTE),
      used: false,
    });
    return redirectAnswer(withQuery(pending.redirectUri, { code, state: pending.state, realmId: company.realmId }));
  }

  /** Intuit takes the client credentials as HTTP Basic only. */
  private clientAuth(ctx: RequestCtx): QuickBooksClient | null {
    const header = ctx.req.headers.authorization ?? '';
    if (!/^basic /i.test(header)) return null;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return null;
    const client = this.clients.get(decoded.slice(0, i));
    if (!client || client.clientId === SCRIPT_CLIENT_ID || !safeEqual(client.clientSecret, decoded.slice(i + 1))) return null;
    return client;
  }

  private token(ctx: RequestCtx): Answer {
    const form = parseForm(ctx.rawBody);
    const fail = (error: string, status = 400) => jsonAnswer(status, { error }, { 'cache-control': 'no-cache, no-store' });
    const client = this.clientAuth(ctx);
    if (!client) return fail('invalid_client', 401);
    const now = this.clock.now();
    if (form.grant_type === 'authorization_code') {
      const code = this.codes.get(form.code ?? '');
      if (!code || code.clientId !== client.clientId || code.used || code.expiresAt <= now || code.redirectUri !== form.redirect_uri) return fail('invalid_grant');
      code.used = true;
      const grant: Grant = { ...code.grant, grantId: randomUUID(), revoked: false };
      this.grants.set(grant.grantId, grant);
      return jsonAnswer(200, this.issue(grant), { 'cache-control': 'no-cache, no-store' });
    }
    if (form.grant_type === 'refresh_token') {
      const record = this.refreshTokens.get(form.refresh_token ?? '');
      const grant = record && this.grants.get(record.grantId);
      if (!record || !grant || grant.revoked || grant.clientId !== client.clientId || record.expiresAt <= now) return fail('invalid_grant');
      if (record.supersededAt !== undefined && now - record.supersededAt > this.clock.scaled(this.refreshGraceMs)) return fail('invalid_grant');
      record.supersededAt ??= now;
      return jsonAnswer(200, this.issue(grant), { 'cache-control': 'no-cache, no-store' });
    }
    return fail('unsupported_grant_type');
  }

  /** A fresh access token and refresh token for a grant. Lifetimes on the wire are wall-clock seconds. */
  issue(grant: Grant): Record<string, unknown> {
    const now = this.clock.now();
    // Intuit's access tokens are opaque JWEs ("eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..."); the sandbox's look alike.
    const access = `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${randomBytes(16).toString('base64url')}.${randomBytes(48).toString('base64url')}`;
    const refresh = `AB11${randomBytes(36).toString('base64url')}`;
    this.accessTokens.set(access, { grantId: grant.grantId, expiresAt: now + this.clock.scaled(this.accessTokenMs) });
    this.refreshTokens.set(refresh, { grantId: grant.grantId, expiresAt: now + this.clock.scaled(this.refreshTokenMs) });
    return {
      token_type: 'bearer',
      expires_in: Math.max(1, Math.round(this.clock.scaled(this.accessTokenMs) / 1000)),
      refresh_token: refresh,
      x_refresh_token_expires_in: Math.max(1, Math.round(this.clock.scaled(this.refreshTokenMs) / 1000)),
      access_token: access,
    };
  }

  private revoke(ctx: RequestCtx): Answer {
    const client = this.clientAuth(ctx);
    if (!client) return jsonAnswer(401, { error: 'invalid_client' });
    // Intuit's docs send JSON {"token": ...}; node-quickbooks sends a form. Both are read.
    let token = '';
    try {
      token = String((JSON.parse(ctx.rawBody) as { token?: unknown }).token ?? '');
    } catch {
      token = parseForm(ctx.rawBody).token ?? '';
    }
    const grantId = this.refreshTokens.get(token)?.grantId ?? this.accessTokens.get(token)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (grant && grant.clientId === client.clientId) grant.revoked = true;
    return { status: 200, headers: { 'content-length': '0' }, body: '' };
  }

  /** The grant behind a bearer token, or Intuit's 401. */
  authenticate(header: string | undefined): Grant | Answer {
    const now = this.clock.now();
    const token = /^bearer /i.test(header ?? '') ? (header ?? '').slice(7).trim() : '';
    if (!token) return authenticationFailed('Authorization header missing or not a bearer token', now);
    const record = this.accessTokens.get(token);
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant) return authenticationFailed('Token invalid', now);
    if (grant.revoked) return authenticationFailed('Token revoked', now);
    if (record.expiresAt <= now) return authenticationFailed(`Token expired: ${token.slice(0, 24)}...`, now);
    return grant;
  }

  /** Admin: a grant for the scripts client (or a named one) on a company, and its tokens. */
  adminGrant(realmId: string, clientId = SCRIPT_CLIENT_ID): Record<string, unknown> {
    const grant: Grant = { grantId: randomUUID(), clientId, realmId, scopes: [ACCOUNTING_SCOPE], revoked: false };
    this.grants.set(grant.grantId, grant);
    return { ...this.issue(grant), realmId };
  }

  /** Admin: the merchant disconnects the app in QuickBooks (of one client and/or one company, or all). */
  revokeAll(filter: { clientId?: string; realmId?: string } = {}): number {
    let n = 0;
    for (const g of this.grants.values()) {
      if (g.revoked || (filter.clientId && g.clientId !== filter.clientId) || (filter.realmId && g.realmId !== filter.realmId)) continue;
      g.revoked = true;
      n += 1;
    }
    return n;
  }
}

function origin(ctx: RequestCtx): string {
  const proto = (ctx.req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() ?? 'http';
  return `${proto}://${ctx.req.headers.host ?? '127.0.0.1'}`;
}

function withQuery(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f4f5f8;margin:0}main{max-width:30rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.25rem;color:#393a3d}label{display:block;font-weight:600;margin:1rem 0 .25rem}select{width:100%;padding:.5rem}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;border-radius:4px;border:1px solid #2ca01c;background:#fff;cursor:pointer}#connect{background:#2ca01c;color:#fff}</style>
</head><body><main><p><strong>intuit quickbooks</strong> sandbox</p>${body}</main></body></html>`;
}
