/**
 * The Accounting API client: one tenant, a token port, an injected fetch, an optional pacer. Every call sends
 * `xero-tenant-id`; creates send `Idempotency-Key`
 * (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/). An expired access token
 * is refreshed once and the call repeated (a 401 was not processed, so repeating is safe).
 */
import { ok, type Outcome } from '@/lib/sync/provider';
import { failed, failureOf, type XeroReply } from './errors';
import type { XeroPacer } from './pacer';
import { encodeJson } from './wire';
import type { TokenPort } from '../connect/tokens';

export type XeroTokenPort = TokenPort;

export interface XeroApiDeps {
  /** Accounting API root (`XeroUrls.api`). */
  apiUrl: string;
  tenantId: string;
  tokens: XeroTokenPort;
  fetch?: typeof fetch;
  pacer?: XeroPacer;
  /** Per call; a call that takes longer is an uncertain outcome. Default 30 s. */
  timeoutMs?: number;
}

export interface XeroRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** Extra request headers (e.g. `If-Modified-Since` for an incremental read). */
  headers?: Record<string, string>;
}

export interface XeroApi {
  /** Sends one request; token problems come back as an `auth_revoked` failure. */
  send(request: XeroRequest): Promise<Outcome<XeroReply>>;
  /** Calls made (including refresh retries), for the benchmark and tests. */
  readonly counters: { calls: number; rateLimited: number };
}

export function createXeroApi(deps: XeroApiDeps): XeroApi {
  const doFetch = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const counters = { calls: 0, rateLimited: 0 };

  async function once(request: XeroRequest, token: string): Promise<XeroReply> {
    const url = new URL(`${deps.apiUrl}${request.path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'xero-tenant-id': deps.tenantId,
      accept: 'application/json',
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    const release = deps.pacer ? await deps.pacer.acquire() : () => {};
    counters.calls += 1;
    try {
      const res = await doFetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : encodeJson(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      deps.pacer?.observe(res.status, res.headers);
      if (res.status === 429) counters.rateLimited += 1;
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

  async function send(request: XeroRequest): Promise<Outcome<XeroReply>> {
    const token = await deps.tokens.accessToken();
    if (!token.ok) return token;
    const reply = await once(request, token.value);
    if (reply.kind === 'response' && reply.status === 401 && isExpired(reply)) {
      const fresh = await deps.tokens.accessToken({ forceRefresh: true });
      if (!fresh.ok) return fresh;
      return ok(await once(request, fresh.value));
    }
    return ok(reply);
  }

  return { send, counters };
}

function isExpired(reply: Extract<XeroReply, { kind: 'response' }>): boolean {
  return /TokenExpired|AuthenticationUnsuccessful/i.test(reply.text);
}

/** A reply as parsed JSON of a 2xx, or the failure it maps to. Uncertain outcomes are for the caller to check first. */
export function expectOk(reply: XeroReply, what: string): Outcome<unknown> {
  if (reply.kind === 'response' && reply.status >= 200 && reply.status < 300) return ok(reply.json);
  return failed(failureOf(reply, what));
}
