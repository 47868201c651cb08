// What stands in front of the Accounting API: Intuit's throttles, fault injection for tests, and requestid replay.
//
// Throttles (Intuit's blog "QuickBooks Online API throttling changes", 2016-08-08; Intuit's batch article "Batch
// without a Scratch", 2023-07-19): per app and company (realmId) 500 requests a minute and 10 at once; the batch
// endpoint 40 requests a minute per company. Over a limit → 429 ThrottleExceeded (faults.ts). Windows are fixed
// from a company's first call. Intuit documents no Retry-After header, so none is sent; the sandbox adds
// X-Sandbox-Retry-After-Ms (its own) for tests. Items inside a batch count against the 500 a minute (Intuit's
// SampleApp-Batch tutorial: "Each BatchItemRequest is metered like a normal call").
//
// requestid (Intuit's blog "Request ID update", 2015-04-06): a requestid query parameter unique per company; a repeat
// gets the first response instead of doing the work again; at most 50 characters (36 for batch). How long Intuit
// keeps them is not documented: the sandbox keeps them for its lifetime. A repeat while the first is still running
// waits for it (not documented either).
import { randomUUID } from 'node:crypto';
import type { XeroClock } from '../xero/clock';
import { MINUTE } from '../xero/clock';
import type { Answer } from '../xero/wire';
import { throttleExceeded } from './faults';

export interface Limits {
  minute: number;
  concurrent: number;
  batchMinute: number;
  /** Items allowed in one batch request (Intuit: 30). */
  batchItems: number;
}

export const QBO_LIMITS: Limits = { minute: 500, concurrent: 10, batchMinute: 40, batchItems: 30 };

export type ThrottleKind = 'minute' | 'concurrent' | 'batch';

export interface CompanyStats {
  calls: number;
  throttled: Record<ThrottleKind, number>;
  maxConcurrent: number;
}

interface Window {
  start: number;
  used: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; answer: Answer };

export class RateLimiter {
  private readonly minute = new Map<string, Window>();
  private readonly batch = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();
  readonly overrides = new Map<string, Partial<Limits>>();
  readonly stats = new Map<string, CompanyStats>();
  defaults: Limits;

  constructor(
    private readonly clock: XeroClock,
    limits: Partial<Limits> = {},
  ) {
    this.defaults = { ...QBO_LIMITS, ...limits };
  }

  limitsFor(realmId: string): Limits {
    return { ...this.defaults, ...this.overrides.get(realmId) };
  }

  statsFor(realmId: string): CompanyStats {
    let s = this.stats.get(realmId);
    if (!s) {
      s = { calls: 0, throttled: { minute: 0, concurrent: 0, batch: 0 }, maxConcurrent: 0 };
      this.stats.set(realmId, s);
    }
    return s;
  }

  private window(map: Map<string, Window>, key: string): Window {
    const now = this.clock.now();
    let w = map.get(key);
    if (!w || now - w.start >= this.clock.scaled(MINUTE)) {
      w = { start: now, used: 0 };
      map.set(key, w);
    }
    return w;
  }

  /** Counts a request worth `calls` calls (a batch: one per item) for (app, company), or answers 429. */
  admit(clientId: string, realmId: string, calls = 1, isBatch = false): Admission {
    const limits = this.limitsFor(realmId);
    const key = `${clientId} ${realmId}`;
    const minute = this.window(this.minute, key);
    const batch = this.window(this.batch, key);
    const stats = this.statsFor(realmId);
    const now = this.clock.now();
    const reject = (kind: ThrottleKind, w: Window | null): Admission => {
      stats.throttled[kind] += 1;
      const headers: Record<string, string> = { 'x-sandbox-throttle': kind };
      if (w) headers['x-sandbox-retry-after-ms'] = String(Math.ceil(Math.max(0, w.start + this.clock.scaled(MINUTE) - now)));
      return { ok: false, answer: throttleExceeded(now, headers) };
    };
    if (minute.used + calls > limits.minute) return reject('minute', minute);
    if (isBatch && batch.used >= limits.batchMinute) return reject('batch', batch);
    const running = this.inFlight.get(key) ?? 0;
    if (running >= limits.concurrent) return reject('concurrent', null);
    minute.used += calls;
    if (isBatch) batch.used += 1;
    stats.calls += calls;
    this.inFlight.set(key, running + 1);
    stats.maxConcurrent = Math.max(stats.maxConcurrent, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
      },
    };
  }

  reset(): void {
    this.minute.clear();
    this.batch.clear();
  }
}

// ------------------------------------------------------------------------------------------ faults

export interface FaultRule {
  id: string;
  /** `status`: answer `status` (500 SystemFault, 503 the load balancer's page, 429 ThrottleExceeded) without doing
   *  the work; `timeout`: hold the request `delayMs` (default 120 s) without answering, then close the connection;
   *  `drop-before`: close the connection, nothing done; `drop-after`: do the work, then close the connection (the lost
   *  response); `delay`: wait `delayMs`, then carry on. */
  kind: 'status' | 'timeout' | 'drop-before' | 'drop-after' | 'delay';
  status?: number;
  delayMs?: number;
  method?: string;
  /** Substring of the path, case-insensitive (e.g. `/salesreceipt`, `/batch`, `/oauth2/v1/tokens`). */
  path?: string;
  realmId?: string;
  /** Fire this many times, then disappear (absent: forever). */
  times?: number;
  /** Probability per matching request (default 1), from a seeded generator. */
  rate?: number;
}

export class FaultInjector {
  rules: FaultRule[] = [];
  fired = 0;
  private seed = 0x5eed1234;

  add(rule: Omit<FaultRule, 'id'> & { id?: string }): FaultRule {
    const r: FaultRule = { ...rule, id: rule.id ?? randomUUID() };
    this.rules.push(r);
    return r;
  }

  clear(): void {
    this.rules = [];
  }

  setSeed(seed: number): void {
    this.seed = seed >>> 0 || 1;
  }

  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 0x1_0000_0000;
  }

  /** Delays to apply and at most one terminal fault for this request. */
  pick(method: string, path: string, realmId: string | undefined): { delayMs: number; terminal?: FaultRule } {
    let delayMs = 0;
    let terminal: FaultRule | undefined;
    for (const r of [...this.rules]) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.path && !path.toLowerCase().includes(r.path.toLowerCase())) continue;
      if (r.realmId && r.realmId !== realmId) continue;
      if (r.kind !== 'delay' && terminal) continue;
      if (r.rate !== undefined && this.random() >= r.rate) continue;
      if (r.times !== undefined) {
        r.times -= 1;
        if (r.times <= 0) this.rules = this.rules.filter((x) => x !== r);
      }
      this.fired += 1;
      if (r.kind === 'delay') delayMs += r.delayMs ?? 0;
      else terminal = r;
    }
    return { delayMs, terminal };
  }
}

// ------------------------------------------------------------------------------------------ requestid

export type RequestIdStart = { kind: 'fresh'; finish: (answer: Answer) => void; abandon: () => void } | { kind: 'replay'; answer: Answer };

export class RequestIds {
  private readonly seen = new Map<string, { answer?: Answer; done: Promise<void> }>();
  replays = 0;

  async start(realmId: string, requestId: string): Promise<RequestIdStart> {
    const key = `${realmId}\n${requestId}`;
    const existing = this.seen.get(key);
    if (existing) {
      await existing.done;
      if (existing.answer) {
        this.replays += 1;
        return { kind: 'replay', answer: existing.answer };
      }
    }
    let resolve!: () => void;
    const record: { answer?: Answer; done: Promise<void> } = { done: new Promise<void>((r) => (resolve = r)) };
    this.seen.set(key, record);
    return {
      kind: 'fresh',
      finish: (answer) => {
        record.answer = answer;
        resolve();
      },
      abandon: () => {
        if (this.seen.get(key) === record) this.seen.delete(key);
        resolve();
      },
    };
  }

  clear(): void {
    this.seen.clear();
  }
}
