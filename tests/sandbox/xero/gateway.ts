// What stands in front of the Accounting API: per-tenant rate limits with Xero's headers, fault injection, and
// Idempotency-Key replay.
//
// Limits (https://developer.xero.com/documentation/guides/oauth2/limits/): per app and organisation 5 calls in
// progress, 60 calls a minute and 5,000 a day; per app 10,000 a minute across organisations. Every response
// carries X-DayLimit-Remaining, X-MinLimit-Remaining and X-AppMinLimit-Remaining; a 429 names the limit in
// X-Rate-Limit-Problem and, for the minute and day limits, says when to retry in Retry-After (seconds).
// Windows are fixed and start at a tenant's first call, so they reset at different times per tenant.
//
// Idempotency (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/): POST, PUT
// and PATCH only; key at most 128 characters; keys are kept 6 minutes from the first call and processed per
// app; a replay returns the first response, errors included; the same key with a different URL, body or
// method is a 400; the check runs after rate limiting, so replays still use up calls.
import { randomUUID } from 'node:crypto';
import type { XeroClock } from './clock';
import { DAY, MINUTE } from './clock';
import { jsonAnswer, problem, type Answer } from './wire';

export interface Limits {
  minute: number;
  day: number;
  concurrent: number;
  appMinute: number;
}

export const XERO_LIMITS: Limits = { minute: 60, day: 5000, concurrent: 5, appMinute: 10_000 };

interface Window {
  start: number;
  used: number;
}

export interface LimitStats {
  calls: number;
  rejected: Record<'minute' | 'day' | 'concurrent' | 'appminute', number>;
  maxConcurrent: number;
}

export type Admission = { ok: true; headers: Record<string, string>; release: () => void } | { ok: false; answer: Answer };

export class RateLimiter {
  private readonly minute = new Map<string, Window>();
  private readonly day = new Map<string, Window>();
  private readonly appMinute = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();
  /** Per-tenant overrides (admin API). */
  readonly overrides = new Map<string, Partial<Limits>>();
  readonly stats = new Map<string, LimitStats>();
  defaults: Limits;

  constructor(
    private readonly clock: XeroClock,
    limits: Partial<Limits> = {},
  ) {
    this.defaults = { ...XERO_LIMITS, ...limits };
  }

  limitsFor(tenantId: string): Limits {
    return { ...this.defaults, ...this.overrides.get(tenantId) };
  }

  statsFor(tenantId: string): LimitStats {
    let s = this.stats.get(tenantId);
    if (!s) {
      s = { calls: 0, rejected: { minute: 0, day: 0, concurrent: 0, appminute: 0 }, maxConcurrent: 0 };
      this.stats.set(tenantId, s);
    }
    return s;
  }

  private window(map: Map<string, Window>, key: string, lengthMs: number): Window {
    const now = this.clock.now();
    let w = map.get(key);
    if (!w || now - w.start >= this.clock.scaled(lengthMs)) {
      w = { start: now, used: 0 };
      map.set(key, w);
    }
    return w;
  }

  /** Counts one call for (app, tenant) or answers 429. */
  admit(clientId: string, tenantId: string): Admission {
    const limits = this.limitsFor(tenantId);
    const key = `${clientId} ${tenantId}`;
    const day = this.window(this.day, key, DAY);
    const minute = this.window(this.minute, key, MINUTE);
    const app = this.window(this.appMinute, clientId, MINUTE);
    const stats = this.statsFor(tenantId);
    const headers = () => ({
      'x-daylimit-remaining': String(Math.max(0, limits.day - day.used)),
      'x-minlimit-remaining': String(Math.max(0, limits.minute - minute.used)),
      'x-appminlimit-remaining': String(Math.max(0, limits.appMinute - app.used)),
    });
    const now = this.clock.now();
    const reject = (problemName: keyof LimitStats['rejected'], w: Window | null, lengthMs: number): Admission => {
      stats.rejected[problemName] += 1;
      const extra: Record<string, string> = { 'x-rate-limit-problem': problemName };
      if (w) {
        // Retry-After is whole wall-clock seconds (at timeScale N the windows are N times shorter, and a client
        // must wait the real time); the sandbox also gives the exact wait in milliseconds.
        const waitMs = Math.max(0, w.start + this.clock.scaled(lengthMs) - now);
        extra['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
        extra['x-sandbox-retry-after-ms'] = String(Math.ceil(waitMs));
      }
      return { ok: false, answer: jsonAnswer(429, problem(429, 'Too Many Requests', `Rate limit exceeded: ${problemName}`), { ...headers(), ...extra }) };
    };
    if (day.used >= limits.day) return reject('day', day, DAY);
    if (minute.used >= limits.minute) return reject('minute', minute, MINUTE);
    if (app.used >= limits.appMinute) return reject('appminute', app, MINUTE);
    const running = this.inFlight.get(key) ?? 0;
    if (running >= limits.concurrent) return reject('concurrent', null, 0);
    day.used += 1;
    minute.used += 1;
    app.used += 1;
    stats.calls += 1;
    this.inFlight.set(key, running + 1);
    stats.maxConcurrent = Math.max(stats.maxConcurrent, running + 1);
    let released = false;
    return {
      ok: true,
      headers: headers(),
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
      },
    };
  }

  /** Forgets the windows (admin: "a new day"). */
  reset(tenantId?: string): void {
    for (const map of [this.minute, this.day]) {
      for (const k of [...map.keys()]) if (!tenantId || k.endsWith(` ${tenantId}`)) map.delete(k);
    }
    if (!tenantId) this.appMinute.clear();
  }
}

// ------------------------------------------------------------------------------------------ faults

export interface FaultRule {
  id: string;
  /** `status`: answer with `status` before processing; `drop-before`: close the connection before processing;
   *  `drop-after`: process the request, then close the connection without answering (a lost response);
   *  `delay`: wait `delayMs` then carry on. */
  kind: 'status' | 'drop-before' | 'drop-after' | 'delay';
  status?: number;
  delayMs?: number;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Substring of the path (case-insensitive), e.g. `/Invoices` or `/connect/token`. */
  path?: string;
  tenantId?: string;
  /** Fire this many times, then disappear (absent: forever). */
  times?: number;
  /** Probability of firing per matching request (default 1). */
  rate?: number;
}

export class FaultInjector {
  rules: FaultRule[] = [];
  fired = 0;
  private seed = 0x2545f491;

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
    // xorshift32: deterministic across runs for a given seed.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 0x1_0000_0000;
  }

  /** The rules that fire for this request (delays first, then at most one terminal fault). */
  pick(method: string, path: string, tenantId: string | undefined): { delayMs: number; terminal?: FaultRule } {
    let delayMs = 0;
    let terminal: FaultRule | undefined;
    for (const r of [...this.rules]) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.path && !path.toLowerCase().includes(r.path.toLowerCase())) continue;
      if (r.tenantId && r.tenantId !== tenantId) continue;
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

export function faultAnswer(status: number): Answer {
  if (status === 503) {
    return jsonAnswer(503, problem(503, 'Service Unavailable', 'The Xero API is temporarily unavailable. Please try again later.'));
  }
  return jsonAnswer(status, problem(status, 'An error occurred', 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.'));
}

// ------------------------------------------------------------------------------------------ idempotency

interface KeyRecord {
  fingerprint: string;
  expiresAt: number;
  answer?: Answer;
  done: Promise<void>;
}

export const IDEMPOTENCY_RETENTION_MS = 6 * MINUTE;

export type IdempotencyStart =
  | { kind: 'fresh'; finish: (answer: Answer) => void; abandon: () => void }
  | { kind: 'replay'; answer: Answer }
  | { kind: 'error'; answer: Answer };

export class IdempotencyStore {
  private readonly keys = new Map<string, KeyRecord>();
  replays = 0;

  constructor(private readonly clock: XeroClock) {}

  /** Starts a keyed request: a replay of the stored answer, a mismatch error, or a fresh run to finish. */
  async start(clientId: string, key: string, fingerprint: string): Promise<IdempotencyStart> {
    if (key.length > 128) {
      return { kind: 'error', answer: jsonAnswer(400, problem(400, 'Bad Request', `Idempotency Key: ${key} exceeds the maximum length of 128 characters (length ${key.length}).`)) };
    }
    const id = `${clientId}\n${key}`;
    const now = this.clock.now();
    const existing = this.keys.get(id);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) {
        return { kind: 'error', answer: jsonAnswer(400, problem(400, 'Bad Request', `Idempotency Key: ${key} is used with a different request.`)) };
      }
      // A retry while the first request is still running waits for it, then replays its answer.
      await existing.done;
      if (existing.answer) {
        this.replays += 1;
        return { kind: 'replay', answer: existing.answer };
      }
    }
    let resolve!: () => void;
    const record: KeyRecord = { fingerprint, expiresAt: now + this.clock.scaled(IDEMPOTENCY_RETENTION_MS), done: new Promise<void>((r) => (resolve = r)) };
    this.keys.set(id, record);
    return {
      kind: 'fresh',
      finish: (answer) => {
        record.answer = answer;
        resolve();
      },
      abandon: () => {
        // Nothing happened (e.g. the connection was dropped before processing): forget the key.
        if (this.keys.get(id) === record) this.keys.delete(id);
        resolve();
      },
    };
  }

  clear(): void {
    this.keys.clear();
  }
}
