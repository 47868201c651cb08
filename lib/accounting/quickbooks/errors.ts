/**
 * The one place QuickBooks' answers become the typed failures of lib/sync/provider.ts, in Intuit's own words.
 * Two shapes reach us (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes):
 * - API faults `{"Fault":{"Error":[{Message, Detail, code, element}],"type":"ValidationFault"|"SystemFault"|...}}`;
 * - the gateway's own `{"fault":{"error":[{message, detail, code}],"type":"AUTHENTICATION"|"SERVICE"}}` for 401, 403
 *   and 429, so the HTTP status decides first.
 * Codes acted on: 3200 / 401 AuthenticationFailed and 3100 / 403 AuthorizationFailed → auth_revoked (after one
 * refresh); 6190 Invalid Company Status (subscription ended) → auth_revoked with what to do; 3001 / 429
 * ThrottleExceeded → rate_limited; 6240 Duplicate Name and 6140 Duplicate Document Number → duplicate (callers look
 * the record up first); 5010 Stale Object → handled by the caller (re-read, retry once); 610 Object Not Found →
 * not_found; 5xx and dropped connections → unavailable; other 4xx faults → validation with the element as field.
 */
import type { ProviderFailure } from '@/lib/sync/provider';
import { faultSchema, gatewayFaultSchema, type IntuitError } from './wire';

export type QboReply =
  | { kind: 'response'; status: number; headers: Headers; json: unknown; text: string }
  /** Timeout or dropped connection: QuickBooks may or may not have done it. */
  | { kind: 'no_response'; message: string };

export const CODES = {
  throttled: '3001',
  authentication: '3200',
  authorization: '3100',
  companyStatus: '6190',
  duplicateName: '6240',
  duplicateDocNumber: '6140',
  staleObject: '5010',
  notFound: '610',
} as const;

/** Outcomes after which a create may or may not have happened: look it up before sending it again. */
export function isUncertain(reply: QboReply): boolean {
  return reply.kind === 'no_response' || reply.status >= 500;
}

/** The Intuit errors of a reply (API fault or gateway fault), normalised to `{Message, Detail, code, element}`. */
export function errorsOf(json: unknown): IntuitError[] {
  const api = faultSchema.safeParse(json);
  if (api.success) return api.data.Fault.Error;
  const gateway = gatewayFaultSchema.safeParse(json);
  if (gateway.success) return gateway.data.fault.error.map((e) => ({ Message: e.message ?? undefined, Detail: e.detail ?? undefined, code: e.code ?? undefined }));
  return [];
}

export const hasCode = (errors: readonly IntuitError[], code: string) => errors.some((e) => e.code === code);

/** "Duplicate Name Exists Error: The name supplied already exists. …" — Intuit's Message and Detail, once each. */
export function intuitWords(errors: readonly IntuitError[]): string {
  return errors
    .map((e) => {
      const message = (e.Message ?? '').trim();
      const detail = (e.Detail ?? '').trim();
      if (!detail || detail.startsWith(message)) return detail || message;
      return message ? `${message}: ${detail}` : detail;
    })
    .filter(Boolean)
    .join(' ');
}

/** A validation failure of Intuit's errors: the element is the field the merchant looks at. */
export function validationFailure(errors: readonly IntuitError[], what: string): ProviderFailure {
  const words = intuitWords(errors) || 'no reason given';
  return {
    kind: 'validation',
    message: `${what}: ${words}`,
    fields: errors.map((e) => ({ field: e.element || 'document', message: intuitWords([e]) || words })),
  };
}

/** Milliseconds to wait after a 429: `Retry-After` (seconds or an HTTP date) when sent, else the minute window. */
export function retryAfterMs(headers: Headers, fallbackMs: number): number {
  const v = headers.get('retry-after');
  if (v) {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.ceil(Number(v) * 1000);
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  return fallbackMs;
}

const RECONNECT = 'Reconnect QuickBooks.';

/**
 * Maps a reply that is not a success. `minuteMs` is the throttle window (Intuit sends no Retry-After). A reply that
 * means our request was malformed (an unknown shape) throws: a bug, not the merchant's data.
 */
export function failureOf(reply: QboReply, what: string, minuteMs = 60_000): ProviderFailure {
  if (reply.kind === 'no_response') return { kind: 'unavailable', message: `${what}: no answer from QuickBooks (${reply.message}); it will be retried.` };
  const { status, headers, json } = reply;
  const errors = errorsOf(json);
  const words = intuitWords(errors);
  if (status === 429 || hasCode(errors, CODES.throttled)) {
    return { kind: 'rate_limited', message: `${what}: QuickBooks' request limit was reached (${words || 'ThrottleExceeded'}).`, retryAfterMs: retryAfterMs(headers, minuteMs) };
  }
  if (status === 401) return { kind: 'auth_revoked', message: `${what}: QuickBooks no longer accepts this connection (${words || 'AuthenticationFailed'}). ${RECONNECT}` };
  if (status === 403) return { kind: 'auth_revoked', message: `${what}: the QuickBooks company does not allow this app (${words || 'AuthorizationFailed'}). ${RECONNECT}` };
  if (hasCode(errors, CODES.companyStatus)) {
    return {
      kind: 'auth_revoked',
      message: `${what}: ${words} Renew the QuickBooks subscription (${RECONNECT} if it asks); orders wait and are posted once QuickBooks takes data again.`,
    };
  }
  if (status >= 500) return { kind: 'unavailable', message: `${what}: QuickBooks answered ${status}${words ? ` (${words})` : ''}; it will be retried.` };
  if (hasCode(errors, CODES.notFound) || status === 404) return { kind: 'not_found', message: `${what}: ${words || 'QuickBooks could not find it.'}` };
  if (hasCode(errors, CODES.duplicateName) || hasCode(errors, CODES.duplicateDocNumber)) return { kind: 'duplicate', message: `${what}: ${words}` };
  if (status === 400 && errors.length) return validationFailure(errors, what);
  throw new Error(`${what}: unexpected QuickBooks answer ${status}: ${reply.text.slice(0, 500)}`);
}

/** A failure as an Outcome (the port's `fail` wants a literal kind; this takes any failure). */
export function failed(error: ProviderFailure): { ok: false; error: ProviderFailure } {
  return { ok: false, error };
}
