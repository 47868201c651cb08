// The platform core of the BigCommerce sandbox: stores, users, app installations, OAuth codes and tokens,
// signed payload JWTs, and the server-side calls BigCommerce makes to an app's callbacks.
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  type AppInstallation,
  type CodeRecord,
  type Plan,
  type SandboxState,
  type StoreState,
  type SandboxUser,
  type TokenRecord,
  SandboxClock,
  newStoreHash,
  newToken,
  newUuid,
  saveState,
} from './state';

export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  /** Base URL of the app; callbacks live under `${appUrl}/api/bigcommerce/...`. */
  appUrl: string;
  name?: string;
  /** Developer Portal account that registered the app (sent as `account_uuid`). */
  accountUuid?: string;
  /**
   * The app's numeric ID in the Developer Portal: the control panel serves it at `/manage/app/{appId}` (the app's
   * BIGCOMMERCE_APP_ID). Default: a stable number derived from the client id (`platform.appId(app)`).
   */
  appId?: string;
}

/** The scopes Ledgerbridge asks for; an install grants these unless told otherwise. */
export const DEFAULT_APP_SCOPES = [
  'store_v2_orders',
  'store_v2_information_read_only',
  'store_v2_products',
  'store_v2_customers_read_only',
  'store_inventory',
  'store_v2_transactions_read_only',
] as const;

/** Real BigCommerce auth codes are short-lived; we use 10 minutes of platform time (divided by timeScale). */
export const CODE_TTL_MS = 10 * 60 * 1000;
/** `exp` of a signed payload JWT: 24 h after `iat` (docs: integrations/apps/guide/callbacks). */
export const JWT_TTL_S = 24 * 60 * 60;

export interface CallbackOutcome {
  status: number | null;
  body: string;
  error?: string;
}

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CreateStoreInput {
  hash?: string;
  plan?: Plan;
  currency?: string;
  tax_inclusive?: boolean;
  name?: string;
  owner_email?: string;
}

export class Platform {
  private saveTimer: NodeJS.Timeout | null = null;
  /** Listeners other modules use to react to platform events (webhooks, hook clean-up on uninstall). */
  readonly onUninstall: Array<(store: StoreState, clientId: string) => void> = [];
  readonly onTokenRevoked: Array<(token: TokenRecord) => void> = [];
  /** Store events (webhook scopes such as `store/order/created`) for the webhook dispatcher. */
  readonly onEvent: Array<(store: StoreState, scope: string, data: Record<string, unknown>) => void> = [];

  emit(store: StoreState, scope: string, data: Record<string, unknown>): void {
    for (const listener of this.onEvent) listener(store, scope, data);
  }

  constructor(
    readonly state: SandboxState,
    readonly clock: SandboxClock,
    readonly apps: SandboxApp[],
    private readonly stateFile?: string,
  ) {
    if (apps.length === 0) throw new Error('The BigCommerce sandbox needs at least one app');
  }

  // ---------- persistence ----------

  /** Marks the state dirty; writes it to the state file shortly after (if one is configured). */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.flush();
    }, 50);
    this.saveTimer.unref();
  }

  flush(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    if (this.stateFile) saveState(this.stateFile, this.state);
  }

  // ---------- apps ----------

  app(clientId?: string): SandboxApp {
    if (clientId === undefined) return this.apps[0]!;
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app) throw new PlatformError(404, `No app registered with client id ${clientId}`);
    return app;
  }

  /** The app's numeric ID: given, or a stable 5-digit number derived from the client id. */
  appId(app: SandboxApp): string {
    if (app.appId) return app.appId;
    return String(10_000 + (createHash('sha256').update(`app:${app.clientId}`).digest().readUInt32BE(0) % 90_000));
  }

  /** The app the control panel serves at `/manage/app/{appId}`. */
  appById(appId: string): SandboxApp {
    const app = this.apps.find((a) => this.appId(a) === appId);
    if (!app) throw new PlatformError(404, `No app with ID ${appId}`);
    return app;
  }

  /** The Developer Portal account that registered the app: given, or a stable UUID derived from the client id. */
  accountUuid(app: SandboxApp): string {
    if (app.accountUuid) return app.accountUuid;
    const h = createHash('sha256').update(`account:${app.clientId}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  callbackUrl(app: SandboxApp, name: 'auth' | 'load' | 'uninstall' | 'remove-user'): string {
    return `${app.appUrl.replace(/\/+$/, '')}/api/bigcommerce/${name}`;
  }

  // ---------- stores and users ----------

  createStore(input: CreateStoreInput): StoreState {
    const hash = input.hash ?? newStoreHash();
    if (this.state.stores[hash]) throw new PlatformError(409, `Store ${hash} already exists`);
    const ownerId = this.state.next_user_id++;
    const ownerEmail = input.owner_email ?? `owner+${hash}@example.com`;
    const store: StoreState = {
      hash,
      store_id: this.state.next_store_id++,
      account_uuid: newUuid(),
      name: input.name ?? `Sandbox Store ${hash}`,
      plan: input.plan ?? 'standard',
      currency: input.currency ?? 'USD',
      tax_inclusive: input.tax_inclusive ?? false,
      timezone: 'America/Chicago',
      created_at: this.clock.iso(),
      owner_id: ownerId,
      users: [{ id: ownerId, email: ownerEmail, username: ownerEmail, locale: 'en-US', is_owner: true }],
      installations: {},
      data: {},
    };
    this.state.stores[hash] = store;
    this.changed();
    return store;
  }

  store(hash: string): StoreState {
    const store = this.state.stores[hash];
    if (!store) throw new PlatformError(404, `Store ${hash} not found`);
    return store;
  }

  owner(store: StoreState): SandboxUser {
    const owner = store.users.find((u) => u.id === store.owner_id);
    if (!owner) throw new Error(`Store ${store.hash} has no owner`);
    return owner;
  }

  user(store: StoreState, userId?: number): SandboxUser {
    if (userId === undefined) return this.owner(store);
    const user = store.users.find((u) => u.id === userId);
    if (!user) throw new PlatformError(404, `User ${userId} not found in store ${store.hash}`);
    return user;
  }

  addUser(store: StoreState, input: { email: string; username?: string; locale?: string; can_manage_apps?: boolean }): SandboxUser {
    if (store.users.some((u) => u.email.toLowerCase() === input.email.toLowerCase())) {
      throw new PlatformError(409, `A user with email ${input.email} already exists in store ${store.hash}`);
    }
    const user: SandboxUser = {
      id: this.state.next_user_id++,
      email: input.email,
      username: input.username ?? input.email,
      locale: input.locale ?? 'en-US',
      is_owner: false,
      ...(input.can_manage_apps ? { can_manage_apps: true } : {}),
    };
    store.users.push(user);
    this.changed();
    return user;
  }

  installation(store: StoreState, clientId: string): AppInstallation {
    let inst = store.installations[clientId];
    if (!inst) {
      inst = {
        client_id: clientId,
        installed: false,
        access_token: null,
        scope: null,
        installed_at: null,
        uninstalled_at: null,
        history: [],
      };
      store.installations[clientId] = inst;
    }
    return inst;
  }

  private record(inst: AppInstallation, event: string, status: number | null, detail?: string): void {
    inst.history.push({ at: this.clock.iso(), event, status, ...(detail ? { detail } : {}) });
    if (inst.history.length > 50) inst.history.splice(0, inst.history.length - 50);
  }

  // ---------- OAuth ----------

  mintCode(store: StoreState, app: SandboxApp, scope: string, userId: number): CodeRecord {
    const installer = this.user(store, userId);
    if (!installer.is_owner && !installer.can_manage_apps) {
      throw new PlatformError(403, `User ${userId} may not install apps: only the store owner or an authorized user can`);
    }
    const code: CodeRecord = {
      code: newToken(16),
      store_hash: store.hash,
      client_id: app.clientId,
      scope,
      user_id: userId,
      expires_at: this.clock.now() + this.clock.scaled(CODE_TTL_MS),
      used_at: null,
      issued_token: null,
    };
    this.state.codes[code.code] = code;
    this.pruneCodes();
    this.changed();
    return code;
  }

  private pruneCodes(): void {
    const cutoff = this.clock.now() - this.clock.scaled(CODE_TTL_MS) * 2;
    for (const [key, code] of Object.entries(this.state.codes)) {
      if (code.expires_at < cutoff) delete this.state.codes[key];
    }
  }

  /** The auth callback URL the control panel opens (in its iframe) for an install with a fresh code. */
  authCallbackUrl(store: StoreState, app: SandboxApp, code: CodeRecord): string {
    const url = new URL(this.callbackUrl(app, 'auth'));
    url.searchParams.set('code', code.code);
    url.searchParams.set('scope', code.scope);
    url.searchParams.set('context', `stores/${store.hash}`);
    url.searchParams.set('account_uuid', this.accountUuid(app));
    return url.toString();
  }

  /** Issues a new token for a code exchange, revoking the installation's previous token (re-install). */
  issueAppToken(code: CodeRecord): { token: TokenRecord; store: StoreState; user: SandboxUser } {
    const store = this.store(code.store_hash);
    const inst = this.installation(store, code.client_id);
    if (inst.access_token) this.revokeToken(inst.access_token);
    const token: TokenRecord = {
      token: newToken(),
      store_hash: store.hash,
      client_id: code.client_id,
      scopes: code.scope.split(/\s+/).filter(Boolean),
      kind: 'app',
      created_at: this.clock.iso(),
      revoked_at: null,
    };
    this.state.tokens[token.token] = token;
    code.used_at = this.clock.now();
    code.issued_token = token.token;
    inst.installed = true;
    inst.access_token = token.token;
    inst.scope = code.scope;
    inst.installed_at = this.clock.iso();
    inst.uninstalled_at = null;
    this.record(inst, 'token-exchange', 200);
    this.changed();
    return { token, store, user: this.user(store, code.user_id) };
  }

  revokeToken(token: string): void {
    const record = this.state.tokens[token];
    if (!record || record.revoked_at) return;
    record.revoked_at = this.clock.iso();
    for (const listener of this.onTokenRevoked) listener(record);
    this.changed();
  }

  /** Looks up a live token; null when unknown or revoked. */
  liveToken(token: string | undefined): TokenRecord | null {
    if (!token) return null;
    const record = this.state.tokens[token];
    if (!record || record.revoked_at) return null;
    return record;
  }

  // ---------- signed payload JWT ----------

  signedPayloadClaims(
    store: StoreState,
    app: SandboxApp,
    user: SandboxUser,
    extra: { url?: string; channel_id?: number | null } = {},
  ): Record<string, unknown> {
    const owner = this.owner(store);
    const iat = Math.floor(this.clock.now() / 1000);
    return {
      aud: app.clientId,
      iss: 'bc',
      iat,
      nbf: iat,
      exp: iat + JWT_TTL_S,
      jti: newUuid(),
      sub: `stores/${store.hash}`,
      user: { id: user.id, email: user.email, locale: user.locale },
      owner: { id: owner.id, email: owner.email },
      url: extra.url ?? '/',
      channel_id: extra.channel_id === undefined ? null : extra.channel_id,
    };
  }

  /** HS256 with the app's client secret (or, for negative tests, another secret or `alg: none`). */
  signPayload(claims: Record<string, unknown>, secret: string, alg: 'HS256' | 'none' = 'HS256'): string {
    if (alg === 'none') {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    }
    return jwt.sign(claims, secret, { algorithm: 'HS256' }); // keeps the given iat
  }

  signedPayloadJwt(store: StoreState, app: SandboxApp, user: SandboxUser, extra: { url?: string } = {}): string {
    return this.signPayload(this.signedPayloadClaims(store, app, user, extra), app.clientSecret);
  }

  loadUrl(store: StoreState, app: SandboxApp, user: SandboxUser, deepLink?: string): string {
    const url = new URL(this.callbackUrl(app, 'load'));
    url.searchParams.set('signed_payload_jwt', this.signedPayloadJwt(store, app, user, { url: deepLink ?? '/' }));
    return url.toString();
  }

  // ---------- server-side calls to the app ----------

  /** GETs an app URL like BigCommerce's servers or a browser would: no redirects followed, 15 s timeout. */
  async callApp(url: string, accept = 'application/json'): Promise<CallbackOutcome> {
    try {
      const res = await fetch(url, {
        method: 'GET',
        redirect: 'manual',
        headers: { accept, 'user-agent': 'BigCommerce-Sandbox/1.0' },
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.text();
      return { status: res.status, body };
    } catch (error) {
      return { status: null, body: '', error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The whole install as the control panel would run it, server-side: mint a code, GET the app's auth
   * callback (the app exchanges the code meanwhile), report what happened.
   */
  async install(
    store: StoreState,
    app: SandboxApp,
    options: { scope?: string; userId?: number } = {},
  ): Promise<{ code: CodeRecord; outcome: CallbackOutcome }> {
    const user = this.user(store, options.userId);
    const scope = options.scope ?? DEFAULT_APP_SCOPES.join(' ');
    const code = this.mintCode(store, app, scope, user.id);
    const outcome = await this.callApp(this.authCallbackUrl(store, app, code), 'text/html');
    const inst = this.installation(store, app.clientId);
    this.record(inst, 'auth-callback', outcome.status, outcome.error);
    this.changed();
    return { code, outcome };
  }

  /**
   * Uninstall as BigCommerce does it: the app disappears from the store whatever the callback answers.
   * The token is revoked and the app's hooks are deleted (listeners).
   */
  async uninstall(store: StoreState, app: SandboxApp, userId?: number): Promise<CallbackOutcome> {
    const inst = this.installation(store, app.clientId);
    const user = this.user(store, userId);
    // "Users: Cannot install or uninstall apps. Store owners must grant permissions so that authorized users can
    // install or uninstall apps." (developer.bigcommerce.com/docs/integrations/apps/guide/users)
    if (!user.is_owner && !user.can_manage_apps) {
      throw new PlatformError(403, `User ${user.id} may not uninstall apps: only the store owner or an authorized user can`);
    }
    const url = new URL(this.callbackUrl(app, 'uninstall'));
    url.searchParams.set('signed_payload_jwt', this.signedPayloadJwt(store, app, user));
    const outcome = inst.installed ? await this.callApp(url.toString()) : { status: null, body: '', error: 'not installed' };
    if (inst.access_token) this.revokeToken(inst.access_token);
    const wasInstalled = inst.installed;
    inst.installed = false;
    inst.access_token = null;
    if (wasInstalled) inst.uninstalled_at = this.clock.iso();
    this.record(inst, 'uninstall-callback', outcome.status, outcome.error);
    if (wasInstalled) for (const listener of this.onUninstall) listener(store, app.clientId);
    this.changed();
    return outcome;
  }

  /** Revokes a (non-owner) user's access: calls remove_user, then removes them from the store. */
  async removeUser(store: StoreState, app: SandboxApp, userId: number): Promise<CallbackOutcome> {
    const user = this.user(store, userId);
    if (user.is_owner) throw new PlatformError(422, 'The store owner cannot be removed');
    const inst = this.installation(store, app.clientId);
    let outcome: CallbackOutcome = { status: null, body: '', error: 'not installed' };
    if (inst.installed) {
      const url = new URL(this.callbackUrl(app, 'remove-user'));
      url.searchParams.set('signed_payload_jwt', this.signedPayloadJwt(store, app, user));
      outcome = await this.callApp(url.toString());
    }
    store.users = store.users.filter((u) => u.id !== user.id);
    this.record(inst, 'remove-user-callback', outcome.status, outcome.error);
    this.changed();
    return outcome;
  }
}
