// Gateway stages in front of every store API call: the per-store rate limiter (quota per plan, all the
// X-Rate-Limit-* headers, 429 + X-Retry-After) and the fault injector (500s, 429s, delays, dropped connections).
//
// An injected 429 stands for the store's quota spent by other clients: "All apps accessing the store share the
// store's quota", and once it is reached "the system rejects later requests ... until the quota is refreshed after
// the reset interval" (https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits). So it spends the
// store's current window: every later call to the store is refused until that window resets, as on the platform.
import type { ApiContext, GatewayStage } from './api';
import { sendJson } from './http';
import type { Platform } from './platform';
import type { Plan } from './state';

const STATUS_DOC = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes';

/** Requests per window by plan (PLATFORM-FACTS: Standard/Plus 150 per 30 s, Pro 450; Enterprise is negotiated). */
export const PLAN_QUOTAS: Record<Plan, number> = { standard: 150, plus: 150, pro: 450, enterprise: 900 };

interface Window {
  start: number;
  used: number;
}

/** What the gateway stages did, for benchmarks and tests (counted since the sandbox started). */
export interface GatewayCounts {
  /** Authenticated store API calls that reached the rate limiter. */
  calls: number;
  /** 429s of the rate limiter: calls made while the store's window was spent (by the caller or by an injected 429). */
  refused: number;
  injected429: number;
  injected500: number;
  dropped: number;
}

export class RateLimiter implements GatewayStage {
  private readonly windows = new Map<string, Window>();
  readonly counts: GatewayCounts = { calls: 0, refused: 0, injected429: 0, injected500: 0, dropped: 0 };
  /** Per-store overrides set through the admin API. */
  readonly overrides = new Map<string, { quota?: number; windowMs?: number }>();

  constructor(
    private readonly platform: Platform,
    public windowMs = 30_000,
  ) {}

  settings(hash: string, plan: Plan): { quota: number; windowMs: number } {
    const o = this.overrides.get(hash);
    return { quota: o?.quota ?? PLAN_QUOTAS[plan], windowMs: o?.windowMs ?? this.windowMs };
  }

  private window(hash: string, windowMs: number): Window {
    const now = Date.now();
    let w = this.windows.get(hash);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(hash, w);
    }
    return w;
  }

  headersFor(ctx: ApiContext): Record<string, string> {
    const { quota, windowMs } = this.settings(ctx.store.hash, ctx.store.plan);
    const w = this.window(ctx.store.hash, windowMs);
    return {
      'x-rate-limit-time-window-ms': String(windowMs),
      'x-rate-limit-time-reset-ms': String(Math.max(0, w.start + windowMs - Date.now())),
      'x-rate-limit-requests-quota': String(quota),
      'x-rate-limit-requests-left': String(Math.max(0, quota - w.used)),
    };
  }

  before(ctx: ApiContext): boolean {
    const { quota, windowMs } = this.settings(ctx.store.hash, ctx.store.plan);
    const w = this.window(ctx.store.hash, windowMs);
    this.counts.calls += 1;
    if (w.used >= quota) {
      this.counts.refused += 1;
      send429(ctx, this.headersFor(ctx));
      return true;
    }
    w.used += 1;
    return false;
  }

  /** Other clients have used up the store's quota: the rest of the current window is refused. */
  spend(ctx: ApiContext): void {
    const { quota, windowMs } = this.settings(ctx.store.hash, ctx.store.plan);
    const w = this.window(ctx.store.hash, windowMs);
    w.used = Math.max(w.used, quota);
  }

  headers(ctx: ApiContext): Record<string, string> {
    return this.headersFor(ctx);
  }
}

export function send429(ctx: ApiContext, rateHeaders: Record<string, string>): void {
  const resetMs = Number(rateHeaders['x-rate-limit-time-reset-ms'] ?? '0');
  sendJson(
    ctx.res,
    429,
    { status: 429, title: 'Too many requests: the rate limit for this store is exhausted.', type: STATUS_DOC, errors: {} },
    { ...rateHeaders, 'x-rate-limit-requests-left': '0', 'x-retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))) },
  );
}

export interface FaultRule {
  /** "GET /v2/orders*", "*", "PUT /v3/inventory/*": method and a glob over the path after /stores/{hash}. */
  route: string;
  error500?: number;
  error429?: number;
  delayMs?: number;
  drop?: number;
}

export class FaultInjector implements GatewayStage {
  readonly rules = new Map<string, FaultRule[]>();

  constructor(private readonly rateLimiter: RateLimiter) {}

  async before(ctx: ApiContext): Promise<boolean> {
    const rules = this.rules.get(ctx.store.hash);
    if (!rules || rules.length === 0) return false;
    const path = ctx.url.pathname.replace(/^\/stores\/[^/]+/, '');
    const rule = rules.find((r) => routeMatches(r.route, ctx.method, path));
    if (!rule) return false;
    if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
    const roll = Math.random();
    let edge = rule.drop ?? 0;
    if (roll < edge) {
      this.rateLimiter.counts.dropped += 1;
      ctx.res.socket?.destroy();
      return true;
    }
    edge += rule.error500 ?? 0;
    if (roll < edge) {
      this.rateLimiter.counts.injected500 += 1;
      sendJson(ctx.res, 500, { status: 500, title: 'Internal Server Error (injected fault)', type: STATUS_DOC, errors: {} });
      return true;
    }
    edge += rule.error429 ?? 0;
    if (roll < edge) {
      this.rateLimiter.counts.injected429 += 1;
      this.rateLimiter.spend(ctx);
      send429(ctx, this.rateLimiter.headersFor(ctx));
      return true;
    }
    return false;
  }
}

export function routeMatches(pattern: string, method: string, path: string): boolean {
  if (pattern.trim() === '*') return true;
  const [m, p] = pattern.trim().includes(' ') ? pattern.trim().split(/\s+/, 2) : ['*', pattern.trim()];
  if (m !== '*' && m!.toUpperCase() !== method) return false;
  const regex = new RegExp(`^${p!.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(path);
}
