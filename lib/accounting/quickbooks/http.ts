/**
 * The Accounting API client for one company: `${api}/v3/company/{realmId}${path}?minorversion=75`, a bearer token
 * from the token port, an injected fetch, an optional pacer. Writes carry `requestid` (Intuit replays the first
 * answer for a repeated id: https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#idempotency).
 * A 401 is answered by one forced refresh and the call repeated (a 401 was not processed, so repeating is safe).
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import type { TokenPort } from '../connect/tokens';
import { MINOR_VERSION } from './config';
import { failed, failureOf, retryAfterMs, type QboReply } from './errors';
import type { QuickBooksPacer } from './pacer';
import { encodeJson } from './wire';

export interface QboApiDeps {
  /** API root (`QuickBooksUrls.api`). */
  apiUrl: string;
  realmId: string;
  tokens: TokenPort;
  fetch?: typeof fetch;
  pacer?: QuickBooksPacer;
  /** Per call; a call that takes longer is an uncertain outcome. Default 30 s. */
  timeoutMs?: number;
  /** Intuit's minute window, for the wait after a 429. */
  minuteMs?: number;
}

export interface QboRequest {
  method: 'GET' | 'POST';
  /** Under the company: `/invoice`, `/query`, `/batch`, `/salesreceipt/12`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** QuickBooks' idempotency id (≤ 50 characters, ≤ 36 for /batch). */
  requestId?: string;
  /** Operations in a /batch (each is metered as a call). */
  batchOperations?: number;
}

export interface QboApi {
  send(request: QboRequest): Promise<Outcome<QboReply>>;
  /** GET/POST expecting 200 JSON; anything else is mapped to a failure. */
  json(request: QboRequest, what: string): Promise<Outcome<unknown>>;
  /** `SELECT ...` through /query. */
  query(text: string, what: string): Promise<Outcome<unknown>>;
  readonly minuteMs: number;
  readonly counters: { calls: number; rateLimited: number };
}

export function createQboApi(deps: QboApiDeps): QboApi {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const minuteMs = deps.minuteMs ?? 60_000;
  const counters = { calls: 0, rateLimited: 0 };
  const base = `${deps.apiUrl}/v3/company/${encodeURIComponent(deps.realmId)}`;

  async function once(request: QboRequest, token: string): Promise<QboReply> {
    const url = new URL(`${base}${request.path}`);
    url.searchParams.set('minorversion', MINOR_VERSION);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    if (request.requestId !== undefined) url.searchParams.set('requestid', request.requestId);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const isBatch = request.path === '/batch';
    const release = deps.pacer ? await deps.pacer.acquire({ calls: request.batchOperations ?? 1, batch: isBatch }) : () => {};
    counters.calls += 1;
    try {
      const res = await doFetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : encodeJson(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (res.status === 429) {
        counters.rateLimited += 1;
        deps.pacer?.observe(429, retryAfterMs(res.headers, minuteMs));
      }
      let json: unknown = undefined;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return { kind: 'response', status: res.status, headers: res.headers, json, text };
    } catch (error) {
      return { kind: 'no_response', message: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
    } finally {
      release();
    }
  }

  async function send(request: QboRequest): Promise<Outcome<QboReply>> {
    const token = await deps.tokens.accessToken();
    if (!token.ok) return token;
    const reply = await once(request, token.value);
    if (reply.kind === 'response' && reply.status === 401) {
      const fresh = await deps.tokens.accessToken({ forceRefresh: true });
      if (!fresh.ok) return fresh;
      return ok(await once(request, fresh.value));
    }
    return ok(reply);
  }

  async function json(request: QboRequest, what: string): Promise<Outcome<unknown>> {
    const sent = await send(request);
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind === 'response' && reply.status === 200) return ok(reply.json);
    return failed(failureOf(reply, what, minuteMs));
  }

  const query = (text: string, what: string) => json({ method: 'GET', path: '/query', query: { query: text } }, what);

  return { send, json, query, minuteMs, counters };
}

/** A string literal of QuickBooks' query language: single quotes, a quote escaped with a backslash. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
