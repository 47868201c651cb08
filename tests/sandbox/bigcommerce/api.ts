// The store API gateway: every `/stores/{hash}/v2|v3/...` call passes X-Auth-Token and scope checks, the
// per-store rate limiter and the fault injector before reaching a resource handler.
import type { Platform } from './platform';
import type { StoreState, TokenRecord } from './state';
import { HttpError, type RequestContext, type Router, sendJson } from './http';

const STATUS_DOC = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/** Scope families: read is granted by either scope, modify only by the first. */
export const SCOPE_FAMILIES = {
  information: ['store_v2_information', 'store_v2_information_read_only'],
  orders: ['store_v2_orders', 'store_v2_orders_read_only'],
  products: ['store_v2_products', 'store_v2_products_read_only'],
  customers: ['store_v2_customers', 'store_v2_customers_read_only'],
  inventory: ['store_inventory', 'store_inventory_read_only'],
  transactions: ['store_v2_transactions', 'store_v2_transactions_read_only'],
  /** Hooks: BigCommerce only requires a valid token for /v3/hooks; events need read scopes of their resource. */
  none: [],
} as const;
export type ScopeFamily = keyof typeof SCOPE_FAMILIES;
export type Access = 'read' | 'modify';
/**
 * An operation whose reference lists its own scopes ("Requires at least one of the following scopes: ..."), such as the
 * V3 payment actions that accept an orders scope or a transactions scope: any one of them grants it, whatever `access`.
 */
export interface AnyOfScopes {
  anyOf: readonly string[];
}
export type ScopeRule = ScopeFamily | AnyOfScopes;

/** Gateway-style error body (verified shape for 403; 401 follows it; see README). */
export function gatewayError(status: number, title: string): HttpError {
  return new HttpError(status, { status, title, type: STATUS_DOC, errors: {} });
}

export function hasScope(token: TokenRecord, family: ScopeRule, access: Access): boolean {
  if (typeof family === 'object') return family.anyOf.some((scope) => token.scopes.includes(scope));
  const scopes = SCOPE_FAMILIES[family] as readonly string[];
  if (scopes.length === 0) return true;
  const [modify, readOnly] = scopes;
  if (token.scopes.includes(modify!)) return true;
  return access === 'read' && token.scopes.includes(readOnly!);
}

export interface ApiContext extends RequestContext {
  store: StoreState;
  token: TokenRecord;
}

export type ApiHandler = (ctx: ApiContext) => Promise<void> | void;

/** Hooks into the gateway that later layers (rate limits, faults) fill in. */
export interface GatewayStage {
  /** Runs before the handler; may throw an HttpError or write the answer and return `true` (handled). */
  before?(ctx: ApiContext, routeKey: string): Promise<boolean | void> | boolean | void;
  /** Headers to add to every answer (e.g. rate-limit headers). */
  headers?(ctx: ApiContext): Record<string, string>;
}

export class ApiGateway {
  readonly stages: GatewayStage[] = [];

  constructor(
    private readonly router: Router,
    readonly platform: Platform,
  ) {}

  /**
   * Registers `METHOD /stores/:hash{pattern}` (pattern starts with /v2 or /v3).
   * `routeKey` ("GET /v2/orders/:id") identifies the route for fault rules.
   */
  add(method: string, pattern: string, family: ScopeRule, access: Access, handler: ApiHandler): this {
    const routeKey = `${method} ${pattern}`;
    this.router.add(method, `/stores/:hash${pattern}`, async (ctx) => {
      const token = this.platform.liveToken(headerValue(ctx, 'x-auth-token'));
      const store = this.platform.state.stores[ctx.params.hash ?? ''];
      if (!token || !store || token.store_hash !== store.hash) {
        throw gatewayError(401, 'No valid credential was found.');
      }
      const apiCtx: ApiContext = Object.assign(ctx, { store, token });
      // Rate limiting and faults come before the scope check as the gateway counts every authenticated call.
      for (const stage of this.stages) {
        if (stage.before && (await stage.before(apiCtx, routeKey)) === true) return;
      }
      const extra: Record<string, string> = {};
      for (const stage of this.stages) Object.assign(extra, stage.headers?.(apiCtx) ?? {});
      for (const [k, v] of Object.entries(extra)) ctx.res.setHeader(k, v);
      if (!hasScope(token, family, access)) {
        throw gatewayError(403, "You don't have a required scope to access the endpoint");
      }
      await handler(apiCtx);
    });
    return this;
  }
}

export function headerValue(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** JSON answer for API routes; 204 for `undefined`. */
export function ok(ctx: RequestContext, body: unknown, status = 200): void {
  if (body === undefined) {
    ctx.res.writeHead(status === 200 ? 204 : status, { 'content-length': '0' });
    ctx.res.end();
    return;
  }
  sendJson(ctx.res, status, body);
}
