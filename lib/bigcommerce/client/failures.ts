/**
 * The expected ways a BigCommerce call fails, as values. Every operation of the client returns
 * `Result<T, BcFailure>`; bugs (a response our wire schema rejects, a programming error) throw.
 */
export type BcFailure =
  /** 404: the order, hook or resource does not exist (or is not visible to this token). */
  | { kind: 'NotFound'; message: string }
  /** 401: the token was revoked or the app uninstalled: the store must re-install the app. */
  | { kind: 'Unauthorized'; message: string }
  /** 403: the token lacks a scope; `missingScope` names the one the operation needs when we know it. */
  | { kind: 'Forbidden'; message: string; missingScope?: string }
  /** 429 that outlasted our retries: try again after `resetMs`. */
  | { kind: 'RateLimited'; message: string; resetMs: number }
  /** 5xx, timeout or dropped connection that outlasted our retries (or a POST we must not repeat). */
  | { kind: 'Unavailable'; message: string; status?: number }
  /** 400/409/413/422: BigCommerce refused the input; `fields` maps a field path to its reason. */
  | { kind: 'Validation'; message: string; status: number; fields: Record<string, string> };

export type BcFailureKind = BcFailure['kind'];

/** Thrown when BigCommerce answers with a body our wire schema rejects: our schema or the platform changed. */
export class BigCommerceContractError extends Error {
  override name = 'BigCommerceContractError';
  constructor(
    readonly operation: string,
    readonly issues: string[],
  ) {
    super(`${operation}: unexpected response body from BigCommerce (${issues.slice(0, 5).join('; ')})`);
  }
}

/**
 * Turns a non-2xx answer (other than 429 and 5xx, which the transport retries) into a failure. Error bodies come
 * in two shapes: V3 `{status, title, type, errors: {field: reason}}` and V2 `[{status, message, details?}]`.
 */
export function failureFromResponse(status: number, body: unknown, context: { operation: string; scope?: string }): BcFailure {
  const { message, fields } = describeErrorBody(body);
  const text = message || `${context.operation} answered ${status}`;
  if (status === 401) return { kind: 'Unauthorized', message: text };
  if (status === 403) return { kind: 'Forbidden', message: text, ...(context.scope ? { missingScope: context.scope } : {}) };
  if (status === 404) return { kind: 'NotFound', message: text };
  if (status === 429) return { kind: 'RateLimited', message: text, resetMs: 0 };
  if (status >= 500) return { kind: 'Unavailable', message: text, status };
  return { kind: 'Validation', message: text, status, fields };
}

function describeErrorBody(body: unknown): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  if (Array.isArray(body)) {
    const messages: string[] = [];
    for (const entry of body) {
      if (entry && typeof entry === 'object') {
        const e = entry as Record<string, unknown>;
        if (typeof e.message === 'string') messages.push(e.message);
        const details = e.details;
        if (details && typeof details === 'object' && !Array.isArray(details)) {
          for (const [k, v] of Object.entries(details)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
        }
        // V2 names the field in the message: "The field 'status_id' is invalid."
        const field = typeof e.message === 'string' ? /field '([^']+)'/.exec(e.message)?.[1] : undefined;
        if (field && !(field in fields)) fields[field] = e.message as string;
      }
    }
    return { message: messages.join('; '), fields };
  }
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const errors = b.errors;
    if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
      for (const [k, v] of Object.entries(errors)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    const message = [b.title, b.detail, b.message, b.error].find((x): x is string => typeof x === 'string') ?? '';
    return { message, fields };
  }
  return { message: typeof body === 'string' ? body.slice(0, 300) : '', fields };
}
