/**
 * The one place Xero's errors become the typed outcomes of lib/accounting/provider.ts.
 * - 400 ValidationException (ErrorNumber 10) and element `ValidationErrors` → validation{fields}
 * - "Invoice # must be unique." → handled by the caller (look the invoice up), else duplicate
 * - 401 (after one refresh) / 403 tenant not connected / invalid_grant → auth_revoked
 * - 404 → not_found; 429 → rate_limited{retryAfterMs from Retry-After}; 5xx, timeouts, dropped connections → unavailable
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 */
import type { ProviderFailure } from '../provider';
import { retryAfterMs } from './pacer';
import { problemSchema, validationExceptionSchema } from './wire';

export type XeroReply =
  | { kind: 'response'; status: number; headers: Headers; json: unknown; text: string }
  /** Timeout or dropped connection: Xero may or may not have processed the request. */
  | { kind: 'no_response'; message: string };

/** Outcomes after which a create may or may not have happened: look it up before trying again. */
export function isUncertain(reply: XeroReply): boolean {
  return reply.kind === 'no_response' || reply.status >= 500;
}

/** Xero's validation messages of one element (`ValidationErrors: [{Message}]`). */
export function elementErrors(element: { ValidationErrors?: Array<{ Message: string }> | undefined }): string[] {
  return (element.ValidationErrors ?? []).map((e) => e.Message);
}

const FIELD_PATTERNS: Array<[RegExp, string]> = [
  [/Invoice #|InvoiceNumber/i, 'InvoiceNumber'],
  [/Credit Note #|CreditNoteNumber/i, 'CreditNoteNumber'],
  [/Account code|account/i, 'AccountCode'],
  [/TaxType|tax rate/i, 'TaxType'],
  [/Item code/i, 'ItemCode'],
  [/currency/i, 'CurrencyCode'],
  [/contact name/i, 'Contact.Name'],
  [/contact/i, 'Contact'],
  [/date/i, 'Date'],
  [/quantity on hand/i, 'ItemCode'],
  [/payment|outstanding/i, 'Amount'],
  [/line item|LineAmount|UnitAmount|Quantity|description/i, 'LineItems'],
];

export function fieldOf(message: string): string {
  return FIELD_PATTERNS.find(([re]) => re.test(message))?.[1] ?? 'document';
}

export function validationFailure(messages: readonly string[], what = 'Xero refused the document'): ProviderFailure {
  const list = messages.length ? messages : ['no reason given'];
  return { kind: 'validation', message: `${what}: ${list.join(' ')}`, fields: list.map((message) => ({ field: fieldOf(message), message })) };
}

export const isDuplicateInvoiceNumber = (messages: readonly string[]) => messages.some((m) => /(Invoice|Credit Note) # must be unique/i.test(m));
export const isContactNameTaken = (messages: readonly string[]) => messages.some((m) => /already assigned to another contact/i.test(m));

/** Maps a reply that is not a success to a failure. Replies that mean our request was malformed throw (a bug). */
export function failureOf(reply: XeroReply, what: string): ProviderFailure {
  if (reply.kind === 'no_response') return { kind: 'unavailable', message: `${what}: no answer from Xero (${reply.message}); it will be retried.` };
  const { status, headers, json } = reply;
  const problem = problemSchema.safeParse(json);
  const detail = problem.success ? (problem.data.Detail ?? problem.data.Title ?? '') : '';
  if (status === 429) {
    const limit = headers.get('x-rate-limit-problem') ?? 'minute';
    const fallback = limit === 'day' ? 3_600_000 : limit === 'concurrent' ? 1_000 : 60_000;
    return { kind: 'rate_limited', message: `${what}: Xero's ${limit} limit was reached.`, retryAfterMs: retryAfterMs(headers, fallback) };
  }
  if (status === 401) {
    if (/AuthorizationUnsuccessful/i.test(detail)) {
      return { kind: 'auth_revoked', message: `${what}: the Xero connection does not grant the permission this needs. Reconnect Xero and approve every requested permission.` };
    }
    return { kind: 'auth_revoked', message: `${what}: Xero no longer accepts this connection (${detail || 'unauthorized'}). Reconnect Xero.` };
  }
  if (status === 403) return { kind: 'auth_revoked', message: `${what}: the Xero organisation is no longer connected to the app. Reconnect Xero.` };
  if (status === 404) return { kind: 'not_found', message: `${what}: Xero could not find it.` };
  if (status >= 500) {
    const wait = headers.get('retry-after') ? retryAfterMs(headers, 0) : undefined;
    return { kind: 'unavailable', message: `${what}: Xero answered ${status}; it will be retried.`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 400) {
    const v = validationExceptionSchema.safeParse(json);
    if (v.success && v.data.Type === 'ValidationException') {
      return validationFailure((v.data.Elements ?? []).flatMap((e) => elementErrors(e)), what);
    }
    const text = v.success ? (v.data.Message ?? detail) : detail || reply.text.slice(0, 300);
    if (/Idempotency Key/i.test(text)) return { kind: 'duplicate', message: `${what}: ${text}` };
  }
  throw new Error(`${what}: unexpected Xero answer ${status}: ${reply.text.slice(0, 500)}`);
}

/** A failure as an Outcome (the provider's `fail` wants a literal kind; this takes any failure). */
export function failed(error: ProviderFailure): { ok: false; error: ProviderFailure } {
  return { ok: false, error };
}

/** A payment Xero refuses because the document is paid already (perhaps by our own earlier, unanswered call). */
export const ALREADY_PAID = /exceeds the amount outstanding|against an approved document \(status PAID\)/i;
