/**
 * The one place Xero's errors become the typed outcomes of lib/accounting/provider.ts.
 * - 400 ValidationException (ErrorNumber 10) and element `ValidationErrors` → validation{fields}
 * - "Invoice # must be unique." → handled by the caller (look the invoice up), else duplicate
 * - 401 (after one refresh) / 403 tenant not connected / invalid_grant → auth_revoked
 * - 404 → not_found; 429 → rate_limited{retryAfterMs from Retry-After}; 5xx, timeouts, dropped connections → unavailable
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 */
import type { ProviderFailure } from '@/lib/sync/provider';
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

// Xero's refusal texts the app acts on. Each is quoted from Xero's answers; the sources are written beside the Xero
// sandbox's copy of the text (tests/sandbox/xero/documents.ts, XERO_TEXT) and in its README.

/**
 * A payment to a document that is not AUTHORISED: a draft, or one already PAID or VOIDED. "Payments can only be made
 * against Authorised documents" (Workato's and Wise-Pay's help quoting Xero). Spelt "Authorized" by some quoters.
 */
export const PAYMENT_NOT_AUTHORISED = /Payments can only be made against Authori[sz]ed documents/i;

/** More than is outstanding: "Payment amount exceeds the amount outstanding on this document" (Xero's OpenAPI example). */
export const PAYMENT_EXCEEDS_OUTSTANDING = /Payment amount exceeds the amount outstanding on this document/i;

/**
 * A payment Xero refuses because the document takes no more money: paid already (perhaps by our own earlier, unanswered
 * call; Xero then answers both texts), or not approved. Look the payment up before deciding which.
 */
export const ALREADY_PAID = new RegExp(`${PAYMENT_NOT_AUTHORISED.source}|${PAYMENT_EXCEEDS_OUTSTANDING.source}`, 'i');

/**
 * The document has a payment or a credit note allocated, so Xero will not edit it, change its status or void it:
 * "This document cannot be edited as it has a payment or credit note allocated to it." (edits; Xero-NetStandard#84) and
 * "The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it." (status
 * changes; CiviCRM's Xero connector lists DRAFT, SUBMITTED and AUTHORISED). Treat the document as locked: change it with
 * a credit note, not an edit. Some quoters report "a reconciled payment".
 */
export const DOCUMENT_LOCKED =
  /cannot be edited as it has a (?:reconciled )?payment or credit note allocated to it|The status \w+ cannot be applied to the (?:invoice|credit note) because it has payments or credit notes allocated to it/i;

/**
 * "Invoice not of valid status for modification" (or "Credit Note ..."): the status does not allow the change, e.g.
 * editing a PAID, VOIDED or DELETED document, voiding a draft or deleting an approved one (Xero's MJMortimer,
 * Xero-NetStandard#79). With a PAID invoice Xero adds the DOCUMENT_LOCKED text; alone, read the document to know why.
 */
export const NOT_VALID_STATUS_FOR_MODIFICATION = /not of valid status for modification/i;

/**
 * Allocating more than the credit note has left or the invoice still owes: "Credit Note cannot be allocated as amount is
 * greater than amount outstanding" (Xero's answer quoted in xeroizer#320 and xero-php#251).
 */
export const ALLOCATION_EXCEEDS_OUTSTANDING = /Credit Note cannot be allocated as amount is greater than amount outstanding/i;

/** Allocating to a PAID invoice: "The invoice you are trying to allocate to has already been paid off" (xeroizer#320). */
export const ALLOCATION_INVOICE_PAID = /The invoice you are trying to allocate to has already been paid off/i;

/** Whether Xero's messages say the document is locked by a payment or credit note (see DOCUMENT_LOCKED). */
export const isDocumentLocked = (messages: readonly string[]) => messages.some((m) => DOCUMENT_LOCKED.test(m));
