/**
 * One HTTP exchange with a store's API, with everything BigCommerce expects from a well-behaved client:
 * `X-Auth-Token`, JSON, pacing through the store's rate limiter, a per-request timeout, waiting out a 429 for
 * `X-Rate-Limit-Time-Reset-Ms` (or `X-Retry-After`), and bounded exponential backoff on 5xx, timeouts and
 * dropped connections for idempotent methods only (GET, PUT, DELETE). A POST is repeated only after a 429,
 * which BigCommerce answers before doing anything.
 */
import { err, ok, type Result } from '@/lib/errors';
import { failureFromResponse, type BcFailure } from './failures';
import { readRateLimitHeaders, type Clock, type RateLimiter } from './rate-limiter';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface ClientLog {
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface RetryPolicy {
  /** Retries after a 5xx, timeout or dropped connection (idempotent methods only). Default 4. */
  maxRetries: number;
  /** First backoff delay; doubles on each retry up to `maxDelayMs`, with jitter. Default 250 ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s waited out before giving up with `RateLimited`. Default 5. */
  maxRateLimitRetries: number;
  /**
   * The longest reset a 429 is waited out for here; a longer one is `RateLimited` at once, with its reset, for a
   * caller that can come back later (a job step: Inngest's RetryAfterError frees the worker instead of holding the
   * call open for up to the 30 s window). Default: no limit.
   */
  maxRateLimitWaitMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxRateLimitRetries: 5 };

/** The part of a response the transport reads (a fetch Response has it; so has lib/http/json-fetch.ts's answer). */
export interface HeadersLike {
  get(name: string): string | null;
}

/** The part of fetch the transport uses: the global fetch, a test's fake, or lib/http/json-fetch.ts. */
export type HttpFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | undefined; signal?: AbortSignal },
) => Promise<{ status: number; headers: HeadersLike; text(): Promise<string> }>;

export interface TransportDeps {
  fetch: HttpFetch;
  apiUrl: string;
  storeHash: string;
  accessToken: string;
  clock: Clock;
  rateLimiter: RateLimiter;
  timeoutMs: number;
  retry: RetryPolicy;
  log?: ClientLog;
  /** Jitter source (tests pin it). */
  random?: () => number;
}

export interface BcRequest {
  method: HttpMethod;
  /** Path after `/stores/{hash}`, e.g. `/v2/orders`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Names the operation in failures and logs, e.g. `GET /v2/orders`. */
  operation: string;
  /** The OAuth scope the call needs, reported as `missingScope` on a 403. */
  scope?: string;
}

export interface BcResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body (V2 answers an empty list with 204). */
  body: unknown;
  headers: HeadersLike;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/**
 * Filters read as BigCommerce documents them (`sku:in=A,B`, `include=consignments.line_items,fees`): `:` stays
 * literal in names, and `,` stays literal in list values, where it is the separator. Everything else is
 * percent-encoded, so a comma inside a single value (`sku=A%2CB`) is not read as a list.
 */
const LIST_PARAMS = new Set(['include', 'include_fields', 'exclude_fields']);
function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/%3A/gi, ':');
}
function encodeValue(name: string, value: string): string {
  const encoded = encodeURIComponent(value);
  return name.endsWith(':in') || LIST_PARAMS.has(name) ? encoded.replace(/%2C/gi, ',') : encoded;
}

export function buildUrl(apiUrl: string, storeHash: string, path: string, query?: BcRequest['query']): string {
  const base = apiUrl.replace(/\/+$/, '');
  const params = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeName(k)}=${encodeValue(k, String(v))}`)
    .join('&');
  return `${base}/stores/${encodeURIComponent(storeHash)}${path}${params ? `?${params}` : ''}`;
}

function retryAfterMs(headers: HeadersLike, fallbackMs: number): number {
  const reset = Number(headers.get('x-rate-limit-time-reset-ms'));
  if (headers.get('x-rate-limit-time-reset-ms') !== null && Number.isFinite(reset) && reset >= 0) return reset;
  const seconds = Number(headers.get('x-retry-after') ?? headers.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return fallbackMs;
}

export function createTransport(deps: TransportDeps) {
  const random = deps.random ?? Math.random;

  function backoff(attempt: number): number {
    const ceiling = Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  async function request(req: BcRequest): Promise<Result<BcResponse, BcFailure>> {
    const url = buildUrl(deps.apiUrl, deps.storeHash, req.path, req.query);
    const headers: Record<string, string> = { 'x-auth-token': deps.accessToken, accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const idempotent = IDEMPOTENT.has(req.method);
    let failures = 0;
    let rateLimited = 0;

    for (;;) {
      await deps.rateLimiter.acquire(deps.clock);
      let response: Awaited<ReturnType<HttpFetch>> | undefined;
      let text = '';
      let transportError: unknown;
      try {
        response = await deps.fetch(url, { method: req.method, headers, body, signal: AbortSignal.timeout(deps.timeoutMs) });
        text = await response.text();
      } catch (error) {
        transportError = error;
      } finally {
        deps.rateLimiter.release(deps.clock, response ? readRateLimitHeaders(response.headers) : null);
      }

      if (transportError !== undefined || !response) {
        const message = describeTransportError(transportError, deps.timeoutMs);
        if (idempotent && failures < deps.retry.maxRetries) {
          const delay = backoff(failures);
          failures += 1;
          deps.log?.warn({ storeHash: deps.storeHash, operation: req.operation, attempt: failures, delay, error: message }, 'bigcommerce: request failed, retrying');
          await deps.clock.sleep(delay);
          continue;
        }
        return err({ kind: 'Unavailable', message: `${req.operation}: ${message}` });
      }

      const status = response.status;
      if (status === 429) {
        const wait = retryAfterMs(response.headers, 1_000);
        deps.rateLimiter.block(deps.clock, wait);
        if (rateLimited >= deps.retry.maxRateLimitRetries) {
          return err({ kind: 'RateLimited', message: `${req.operation}: rate limit exhausted`, resetMs: wait });
        }
        if (wait > (deps.retry.maxRateLimitWaitMs ?? Infinity)) {
          return err({ kind: 'RateLimited', message: `${req.operation}: rate limited for ${Math.ceil(wait / 1000)} s`, resetMs: wait });
        }
        rateLimited += 1;
        deps.log?.warn({ storeHash: deps.storeHash, operation: req.operation, attempt: rateLimited, resetMs: wait }, 'bigcommerce: 429, waiting for the window to reset');
        continue; // the limiter holds every request to this store until the reset
      }
      if (status >= 500) {
        if (idempotent && failures < deps.retry.maxRetries) {
          const delay = backoff(failures);
          failures += 1;
          deps.log?.warn({ storeHash: deps.storeHash, operation: req.operation, status, attempt: failures, delay }, 'bigcommerce: server error, retrying');
          await deps.clock.sleep(delay);
          continue;
        }
        return err({ kind: 'Unavailable', status, message: `${req.operation} answered ${status}${snippet(text)}` });
      }

      const parsed = parseJson(text);
      if (status >= 200 && status < 300) {
        if (parsed === INVALID) {
          return err({ kind: 'Unavailable', status, message: `${req.operation} answered ${status} with a body that is not JSON${snippet(text)}` });
        }
        return ok({ status, body: parsed, headers: response.headers });
      }
      return err(failureFromResponse(status, parsed === INVALID ? text : parsed, { operation: req.operation, scope: req.scope }));
    }
  }

  return { request };
}

export type Transport = ReturnType<typeof createTransport>;

const INVALID = Symbol('invalid-json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

function snippet(text: string): string {
  const t = text.trim();
  return t ? `: ${t.slice(0, 200)}` : '';
}

function describeTransportError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}
