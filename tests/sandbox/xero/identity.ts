// Xero Identity: the consent page (login.xero.com/identity/connect/authorize), the token endpoint with
// PKCE and rotating refresh tokens (identity.xero.com/connect/token), revocation, and the connections list
// (api.xero.com/connections), plus an OpenID discovery document and JWKS. Tokens are RS256 JWTs like Xero's,
// signed with a per-sandbox key; their `iss` is the sandbox's own issuer URL.
//
// Facts modelled (https://developer.xero.com/documentation/guides/oauth2/auth-flow/ and the token FAQ):
// - authorization codes live 5 minutes and are single use; access tokens live 30 minutes;
// - refresh tokens rotate on every use and expire after 60 days unused; if the response to a refresh is lost
//   the old refresh token may be retried for a 30-minute grace period (Xero staff, developer community),
//   after which it fails with {"error":"invalid_grant"};
// - revoking a refresh token removes the connections it authorised.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { XeroClock } from './clock';
import { DAY, MINUTE } from './clock';
import type { Tenant } from './tenants';
import { escapeHtml, htmlAnswer, identityTimestamp, jsonAnswer, parseForm, problem, redirectAnswer, type Answer, type RequestCtx, type Router } from './wire';

export interface XeroClient {
  clientId: string;
  /** Omitted for PKCE-only (public) apps. */
  clientSecret?: string;
  redirectUris: string[];
  name?: string;
}

export const SCRIPT_CLIENT_ID = 'xero-sandbox-scripts';

/** Scopes the sandbox recognises: OpenID, offline access, and Xero's broad and granular accounting scopes. */
export const KNOWN_SCOPES = new Set([
  'openid', 'profile', 'email', 'offline_access',
  'accounting.transactions', 'accounting.transactions.read',
  'accounting.invoices', 'accounting.invoices.read',
  'accounting.payments', 'accounting.payments.read',
  'accounting.banktransactions', 'accounting.banktransactions.read',
  'accounting.manualjournals', 'accounting.manualjournals.read',
  'accounting.contacts', 'accounting.contacts.read',
  'accounting.settings', 'accounting.settings.read',
  'accounting.attachments', 'accounting.attachments.read',
  'accounting.reports.read', 'accounting.journals.read', 'accounting.budgets.read',
]);

export const ALL_ACCOUNTING_SCOPES = 'openid profile email offline_access accounting.invoices accounting.payments accounting.contacts accounting.settings accounting.manualjournals';

export const SANDBOX_USER = {
  id: 'a1b2c3d4-0000-4000-8000-00000000c0de',
  email: 'owner@sandbox.xero.local',
  givenName: 'Sandbox',
  familyName: 'Owner',
};

interface PendingConsent {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  challenge: string;
  createdAt: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  authEventId: string;
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  authEventId: string;
  revoked: boolean;
}

interface RefreshRecord {
  grantId: string;
  expiresAt: number;
  /** When it was first exchanged (it stays usable for the grace period after that). */
  usedAt?: number;
}

interface AccessRecord {
  grantId: string;
  expiresAt: number;
}

export interface Connection {
  id: string;
  clientId: string;
  userId: string;
  tenantId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityOptions {
  /** Refresh-token grace period in platform ms (Xero: 30 minutes). 0 makes refresh tokens strictly single use. */
  refreshGraceMs?: number;
  accessTokenMs?: number;
  refreshTokenMs?: number;
}

export interface Authenticated {
  grant: Grant;
  /** Token's expiry, sandbox clock. */
  expiresAt: number;
}

export class Identity {
  readonly clients = new Map<string, XeroClient>();
  readonly grants = new Map<string, Grant>();
  readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<string, PendingConsent>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly accessTokens = new Map<string, AccessRecord>();
  /** RS256 signing key (Xero signs its JWTs with RS256 and publishes the keys as a JWKS). */
  private readonly keys: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  readonly refreshGraceMs: number;
  readonly accessTokenMs: number;
  readonly refreshTokenMs: number;

  constructor(
    private readonly clock: XeroClock,
    private readonly tenants: () => Tenant[],
    private readonly ensureTenant: () => Tenant,
    clients: XeroClient[],
    options: IdentityOptions = {},
  ) {
    for (const c of clients) this.clients.set(c.clientId, c);
    this.clients.set(SCRIPT_CLIENT_ID, { clientId: SCRIPT_CLIENT_ID, redirectUris: [], name: 'Sandbox scripts' });
    this.refreshGraceMs = options.refreshGraceMs ?? 30 * MINUTE;
    this.accessTokenMs = options.accessTokenMs ?? 30 * MINUTE;
    this.refreshTokenMs = options.refreshTokenMs ?? 60 * DAY;
    this.keys = signingKeys();
  }

  /** The issuer as seen by the caller: `<origin>/xero/identity` (Xero's is https://identity.xero.com). */
  private issuer(ctx: RequestCtx): string {
    return `${origin(ctx)}/xero/identity`;
  }

  // ------------------------------------------------------------------------------------------ routes

  register(router: Router<RequestCtx>): void {
    router.add('GET', '/xero/identity/.well-known/openid-configuration', (ctx) => {
      const o = origin(ctx);
      return jsonAnswer(200, {
        issuer: this.issuer(ctx),
        jwks_uri: `${o}/xero/identity/.well-known/openid-configuration/jwks`,
        authorization_endpoint: `${o}/xero/identity/connect/authorize`,
        token_endpoint: `${o}/xero/connect/token`,
        revocation_endpoint: `${o}/xero/connect/revocation`,
        scopes_supported: [...KNOWN_SCOPES],
        claims_supported: ['sub', 'email', 'given_name', 'family_name', 'xero_userid', 'global_session_id', 'preferred_username'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    });
    router.add('GET', '/xero/identity/.well-known/openid-configuration/jwks', () =>
      jsonAnswer(200, { keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.keys.kid, use: 'sig', alg: 'RS256' }] }),
    );
    router.add('GET', '/xero/identity/connect/authorize', (ctx) => this.authorize(ctx));
    router.add('POST', '/xero/identity/connect/authorize/consent', (ctx) => this.consent(ctx));
    router.add('POST', '/xero/connect/token', (ctx) => this.token(ctx));
    router.add('POST', '/xero/connect/revocation', (ctx) => this.revocation(ctx));
    router.add('GET', '/xero/connections', (ctx) => this.listConnections(ctx));
    router.add('DELETE', '/xero/connections/:id', (ctx, p) => this.deleteConnection(ctx, p.id ?? ''));
  }

  private errorPage(status: number, title: string, detail: string): Answer {
    return htmlAnswer(status, page('Xero: error', `<h1>${escapeHtml(title)}</h1><p id="error-detail">${escapeHtml(detail)}</p>`));
  }

  private authorize(ctx: RequestCtx): Answer {
    const q = ctx.url.searchParams;
    const client = this.clients.get(q.get('client_id') ?? '');
    if (!client || client.clientId === SCRIPT_CLIENT_ID) return this.errorPage(400, 'unauthorized_client', 'Unknown client or client not enabled');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri)) return this.errorPage(400, 'invalid_request', 'Invalid redirect_uri');
    const state = q.get('state') ?? undefined;
    const back = (error: string, description: string) => redirectAnswer(withQuery(redirectUri, { error, error_description: description, state }));
    if (q.get('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
    const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return back('invalid_scope', 'Invalid scope');
    const challenge = q.get('code_challenge') ?? '';
    // The sandbox requires PKCE (S256) on every authorize request: the app is expected to use it.
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return back('invalid_request', 'code_challenge and code_challenge_method=S256 are required');
    }
    if (this.tenants().length === 0) this.ensureTenant();
    const tenants = this.tenants();
    const pending: PendingConsent = { id: randomUUID(), clientId: client.clientId, redirectUri, scopes, state, challenge, createdAt: this.clock.now() };
    this.pending.set(pending.id, pending);
    const options = tenants
      .map((t, i) => `<option value="${t.tenantId}"${i === 0 ? ' selected' : ''}>${escapeHtml(t.name)}</option>`)
      .join('');
    const scopeList = scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
    return htmlAnswer(
      200,
      page(
        `${client.name ?? client.clientId} wants to access your Xero data`,
        `<h1><span id="app-name">${escapeHtml(client.name ?? client.clientId)}</span> wants to access your Xero data</h1>
<p>Signed in as ${escapeHtml(SANDBOX_USER.email)}</p>
<form method="post" action="/xero/identity/connect/authorize/consent">
  <input type="hidden" name="request" value="${pending.id}">
  <label for="tenant">Organisation</label>
  <select id="tenant" name="tenantId">${options}</select>
  <p>The app will be able to:</p><ul id="scopes">${scopeList}</ul>
  <button type="submit" name="action" value="allow" id="allow">Allow access</button>
  <button type="submit" name="action" value="deny" id="deny">Cancel</button>
</form>`,
      ),
    );
  }

  private consent(ctx: RequestCtx): Answer {
    const form = parseForm(ctx.rawBody);
    const pending = this.pending.get(form.request ?? '');
    if (!pending || this.clock.now() - pending.createdAt > this.clock.scaled(30 * MINUTE)) {
      return this.errorPage(400, 'invalid_request', 'This consent request has expired; start again from the app.');
    }
    this.pending.delete(pending.id);
    if (form.action !== 'allow') {
      return redirectAnswer(withQuery(pending.redirectUri, { error: 'access_denied', state: pending.state }));
    }
    const tenant = this.tenants().find((t) => t.tenantId === form.tenantId);
    if (!tenant) return this.errorPage(400, 'invalid_request', 'Choose an organisation');
    const authEventId = randomUUID();
    this.connect(pending.clientId, tenant.tenantId, authEventId);
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      scopes: pending.scopes,
      challenge: pending.challenge,
      authEventId,
      expiresAt: this.clock.now() + this.clock.scaled(5 * MINUTE),
      used: false,
    });
    return redirectAnswer(withQuery(pending.redirectUri, { code, scope: pending.scopes.join(' '), state: pending.state, session_state: randomUUID() }));
  }

  /** Creates or refreshes the (app, user, tenant) connection. */
  connect(clientId: string, tenantId: string, authEventId: string): Connection {
    const now = this.clock.now();
    for (const c of this.connections.values()) {
      if (c.clientId === clientId && c.userId === SANDBOX_USER.id && c.tenantId === tenantId) {
        c.authEventId = authEventId;
        c.updatedAt = now;
        return c;
      }
    }
    const c: Connection = { id: randomUUID(), clientId, userId: SANDBOX_USER.id, tenantId, authEventId, createdAt: now, updatedAt: now };
    this.connections.set(c.id, c);
    return c;
  }

  private clientAuth(ctx: RequestCtx, form: Record<string, string>): XeroClient | null {
    let id = form.client_id;
    let secret = form.client_secret;
    const header = ctx.req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return null;
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const client = this.clients.get(id ?? '');
    if (!client || client.clientId === SCRIPT_CLIENT_ID) return null;
    if (client.clientSecret !== undefined && !safeEqual(client.clientSecret, secret ?? '')) return null;
    return client;
  }

  private token(ctx: RequestCtx): Answer {
    const form = parseForm(ctx.rawBody);
    const fail = (error: string) => jsonAnswer(400, { error }, { 'cache-control': 'no-store' });
    const client = this.clientAuth(ctx, form);
    if (!client) return fail('invalid_client');
    const now = this.clock.now();
    if (form.grant_type === 'authorization_code') {
      const code = this.codes.get(form.code ?? '');
      if (!code || code.clientId !== client.clientId) return fail('invalid_grant');
      if (code.used || code.expiresAt <= now) {
        this.codes.delete(form.code ?? '');
        return fail('invalid_grant');
      }
      if (code.redirectUri !== form.redirect_uri) return fail('invalid_grant');
      const verifier = form.code_verifier ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
        return fail('invalid_grant');
      }
      code.used = true;
      const grant: Grant = { grantId: randomUUID(), clientId: client.clientId, userId: SANDBOX_USER.id, scopes: code.scopes, authEventId: code.authEventId, revoked: false };
      this.grants.set(grant.grantId, grant);
      return jsonAnswer(200, this.issue(grant, true, this.issuer(ctx)), { 'cache-control': 'no-store' });
    }
    if (form.grant_type === 'refresh_token') {
      const record = this.refreshTokens.get(form.refresh_token ?? '');
      const grant = record && this.grants.get(record.grantId);
      if (!record || !grant || grant.revoked || grant.clientId !== client.clientId) return fail('invalid_grant');
      if (record.expiresAt <= now) return fail('invalid_grant');
      if (record.usedAt !== undefined && now - record.usedAt > this.clock.scaled(this.refreshGraceMs)) return fail('invalid_grant');
      record.usedAt ??= now;
      return jsonAnswer(200, this.issue(grant, false, this.issuer(ctx)), { 'cache-control': 'no-store' });
    }
    return fail('unsupported_grant_type');
  }

  /** Mints an access token (and a refresh token when offline_access was granted). */
  issue(grant: Grant, withIdToken: boolean, issuer = 'https://identity.xero.com'): Record<string, unknown> {
    const now = this.clock.now();
    const accessMs = this.clock.scaled(this.accessTokenMs);
    const jti = randomUUID();
    this.accessTokens.set(jti, { grantId: grant.grantId, expiresAt: now + accessMs });
    const nowS = Math.floor(now / 1000);
    const access_token = jwt.sign(
      {
        nbf: nowS,
        exp: Math.floor((now + accessMs) / 1000),
        iss: issuer,
        aud: `${issuer}/resources`,
        client_id: grant.clientId,
        sub: grant.userId,
        auth_time: nowS,
        xero_userid: grant.userId,
        global_session_id: grant.grantId,
        sid: grant.grantId,
        jti,
        authentication_event_id: grant.authEventId,
        scope: grant.scopes,
      },
      this.keys.privateKey,
      { algorithm: 'RS256', keyid: this.keys.kid, noTimestamp: true },
    );
    const out: Record<string, unknown> = {
      access_token,
      // Wall-clock seconds, like the JWT's exp (1800 at timeScale 1).
      expires_in: Math.max(1, Math.round(accessMs / 1000)),
      token_type: 'Bearer',
      scope: grant.scopes.join(' '),
    };
    if (withIdToken && grant.scopes.includes('openid')) {
      out.id_token = jwt.sign(
        {
          nbf: nowS,
          exp: nowS + 300,
          iss: issuer,
          aud: grant.clientId,
          sub: grant.userId,
          auth_time: nowS,
          xero_userid: grant.userId,
          global_session_id: grant.grantId,
          email: SANDBOX_USER.email,
          given_name: SANDBOX_USER.givenName,
          family_name: SANDBOX_USER.familyName,
          preferred_username: SANDBOX_USER.email,
        },
        this.keys.privateKey,
        { algorithm: 'RS256', keyid: this.keys.kid, noTimestamp: true },
      );
    }
    if (grant.scopes.includes('offline_access')) {
      const refresh = randomBytes(32).toString('base64url');
      this.refreshTokens.set(refresh, { grantId: grant.grantId, expiresAt: now + this.clock.scaled(this.refreshTokenMs) });
      out.refresh_token = refresh;
    }
    return out;
  }

  private revocation(ctx: RequestCtx): Answer {
    const form = parseForm(ctx.rawBody);
    const client = this.clientAuth(ctx, form);
    if (!client) return jsonAnswer(400, { error: 'invalid_client' });
    const record = this.refreshTokens.get(form.token ?? '');
    const grant = record && this.grants.get(record.grantId);
    if (grant && grant.clientId === client.clientId) this.revokeGrant(grant);
    // RFC 7009: an unknown token is answered 200 as well.
    return { status: 200, headers: {}, body: '' };
  }

  revokeGrant(grant: Grant): void {
    grant.revoked = true;
    for (const [id, c] of this.connections) {
      if (c.clientId === grant.clientId && c.userId === grant.userId && c.authEventId === grant.authEventId) this.connections.delete(id);
    }
  }

  /** Revokes every grant of the app for the user (admin: "the merchant disconnected in Xero"). */
  revokeAll(clientId?: string): number {
    let n = 0;
    for (const g of this.grants.values()) {
      if (!g.revoked && (clientId === undefined || g.clientId === clientId)) {
        g.revoked = true;
        n += 1;
      }
    }
    for (const [id, c] of this.connections) if (clientId === undefined || c.clientId === clientId) this.connections.delete(id);
    return n;
  }

  /** Validates a bearer token against the sandbox clock; the 401 answer when it does not pass. */
  authenticate(header: string | undefined): Authenticated | Answer {
    const unauthorized = (detail: string) => jsonAnswer(401, problem(401, 'Unauthorized', detail), { 'www-authenticate': 'Bearer' });
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) return unauthorized('AuthenticationUnsuccessful');
    let claims: { jti?: string };
    try {
      claims = jwt.verify(token, this.keys.publicKey, { algorithms: ['RS256'], ignoreExpiration: true, ignoreNotBefore: true }) as { jti?: string };
    } catch {
      return unauthorized('AuthenticationUnsuccessful');
    }
    const record = this.accessTokens.get(claims.jti ?? '');
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant || grant.revoked) return unauthorized('AuthenticationUnsuccessful');
    if (record.expiresAt <= this.clock.now()) return unauthorized(`TokenExpired: token expired at ${usDate(record.expiresAt)}`);
    return { grant, expiresAt: record.expiresAt };
  }

  connectionFor(grant: Grant, tenantId: string): Connection | undefined {
    for (const c of this.connections.values()) {
      if (c.clientId === grant.clientId && c.userId === grant.userId && c.tenantId.toLowerCase() === tenantId.toLowerCase()) return c;
    }
    return undefined;
  }

  private listConnections(ctx: RequestCtx): Answer {
    const auth = this.authenticate(ctx.req.headers.authorization);
    if ('status' in auth) return auth;
    const authEventId = ctx.url.searchParams.get('authEventId');
    const tenants = new Map(this.tenants().map((t) => [t.tenantId, t]));
    const list = [...this.connections.values()]
      .filter((c) => c.clientId === auth.grant.clientId && c.userId === auth.grant.userId)
      .filter((c) => !authEventId || c.authEventId === authEventId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: tenants.get(c.tenantId)?.name ?? '',
        createdDateUtc: identityTimestamp(c.createdAt),
        updatedDateUtc: identityTimestamp(c.updatedAt),
      }));
    return jsonAnswer(200, list);
  }

  private deleteConnection(ctx: RequestCtx, id: string): Answer {
    const auth = this.authenticate(ctx.req.headers.authorization);
    if ('status' in auth) return auth;
    const c = this.connections.get(id);
    if (!c || c.clientId !== auth.grant.clientId || c.userId !== auth.grant.userId) {
      return jsonAnswer(404, problem(404, 'Not Found', 'The resource you are looking for cannot be found'));
    }
    this.connections.delete(id);
    return { status: 204, headers: {}, body: '' };
  }

  /** Admin: a grant for the scripts client (or a named client) connected to a tenant, and its tokens. */
  adminGrant(tenantId: string, clientId = SCRIPT_CLIENT_ID, scopes = ALL_ACCOUNTING_SCOPES.split(' ')): Record<string, unknown> {
    const authEventId = randomUUID();
    const grant: Grant = { grantId: randomUUID(), clientId, userId: SANDBOX_USER.id, scopes, authEventId, revoked: false };
    this.grants.set(grant.grantId, grant);
    this.connect(clientId, tenantId, authEventId);
    return { ...this.issue(grant, false), tenantId, client_id: clientId };
  }
}

let sharedKeys: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

/** One RSA key per process (generating one takes ~0.2 s); tokens are still only valid in the sandbox that issued them. */
function signingKeys() {
  if (!sharedKeys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sharedKeys = { ...pair, kid: createHash('sha256').update(pair.publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 32) };
  }
  return sharedKeys;
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

/** `1/31/2024 10:15:00 AM`-style stamp as in Xero's TokenExpired detail. */
function usDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f2f5f7;margin:0}main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.25rem;color:#0b3b5a}label{display:block;font-weight:600;margin:1rem 0 .25rem}select{width:100%;padding:.5rem}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;border-radius:4px;border:1px solid #13b5ea;background:#fff;cursor:pointer}#allow{background:#13b5ea;color:#fff}</style>
</head><body><main><p><strong>xero</strong> sandbox</p>${body}</main></body></html>`;
}

export const forbidden = (): Answer => jsonAnswer(403, problem(403, 'Forbidden', 'AuthenticationUnsuccessful'));
