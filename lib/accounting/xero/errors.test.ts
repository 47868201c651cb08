import { describe, expect, it } from 'vitest';
import {
  ALLOCATION_EXCEEDS_OUTSTANDING,
  ALLOCATION_INVOICE_PAID,
  ALREADY_PAID,
  DOCUMENT_LOCKED,
  failureOf,
  fieldOf,
  isDocumentLocked,
  isUncertain,
  NOT_VALID_STATUS_FOR_MODIFICATION,
  PAYMENT_EXCEEDS_OUTSTANDING,
  PAYMENT_NOT_AUTHORISED,
  type XeroReply,
} from './errors';

const reply = (status: number, json: unknown, headers: Record<string, string> = {}): XeroReply => ({ kind: 'response', status, headers: new Headers(headers), json, text: JSON.stringify(json) });

describe('Xero errors → typed outcomes', () => {
  it('429 → rate_limited with Retry-After in ms and the limit named', () => {
    const f = failureOf(reply(429, { Title: 'Too Many Requests' }, { 'retry-after': '17', 'x-rate-limit-problem': 'minute' }), 'Posting');
    expect(f).toEqual({ kind: 'rate_limited', message: "Posting: Xero's minute limit was reached.", retryAfterMs: 17_000 });
  });

  it('ValidationException → validation with one field per message', () => {
    const f = failureOf(
      reply(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: "Account code '999' is not a valid code for this document." }, { Message: 'Invoice # must be unique.' }] }] }),
      'Posting',
    );
    expect(f).toMatchObject({ kind: 'validation', fields: [{ field: 'AccountCode' }, { field: 'InvoiceNumber' }] });
  });

  it('401 / 403 → auth_revoked; 404 → not_found; 5xx and lost connections → unavailable and uncertain', () => {
    expect(failureOf(reply(401, { Detail: 'AuthenticationUnsuccessful' }), 'x').kind).toBe('auth_revoked');
    expect(failureOf(reply(401, { Detail: 'AuthorizationUnsuccessful' }), 'x').message).toContain('permission');
    expect(failureOf(reply(403, { Title: 'Forbidden' }), 'x').kind).toBe('auth_revoked');
    expect(failureOf(reply(404, {}), 'x').kind).toBe('not_found');
    expect(failureOf(reply(503, {}, { 'retry-after': '2' }), 'x')).toMatchObject({ kind: 'unavailable', retryAfterMs: 2000 });
    expect(failureOf({ kind: 'no_response', message: 'socket hang up' }, 'x').kind).toBe('unavailable');
    expect(isUncertain(reply(500, {}))).toBe(true);
    expect(isUncertain({ kind: 'no_response', message: 'timeout' })).toBe(true);
    expect(isUncertain(reply(400, {}))).toBe(false);
  });

  it('an idempotency key reused for another body is a duplicate; a malformed request of ours throws', () => {
    expect(failureOf(reply(400, { Title: 'Bad Request', Detail: 'Idempotency Key: k is used with a different request.' }), 'x').kind).toBe('duplicate');
    expect(() => failureOf(reply(400, { ErrorNumber: 14, Type: 'PostDataInvalidException', Message: 'JSON for post data was invalid' }), 'x')).toThrow(/unexpected Xero answer/);
  });
});

describe("Xero's refusal texts, as Xero words them", () => {
  // The texts below are Xero's own (sources beside XERO_TEXT in tests/sandbox/xero/documents.ts). The sandbox's
  // former invented text must no longer count as "already paid".
  const paidTwice = ['Payments can only be made against Authorised documents', 'Payment amount exceeds the amount outstanding on this document'];

  it('a payment refused because the document takes no more money is ALREADY_PAID, in either of its two texts', () => {
    expect(paidTwice.every((m) => ALREADY_PAID.test(m))).toBe(true);
    expect(PAYMENT_NOT_AUTHORISED.test('Payments can only be made against Authorised documents')).toBe(true);
    expect(PAYMENT_NOT_AUTHORISED.test('Validation Message: Payments can only be made against authorized documents.')).toBe(true);
    expect(PAYMENT_EXCEEDS_OUTSTANDING.test('Payment amount exceeds the amount outstanding on this document')).toBe(true);
    expect(PAYMENT_EXCEEDS_OUTSTANDING.test(paidTwice[0]!)).toBe(false);
    expect(ALREADY_PAID.test('Payment can only be made against an approved document (status PAID).')).toBe(false);
    expect(ALREADY_PAID.test('Account type is invalid for making a payment to/from')).toBe(false);
    expect(fieldOf(paidTwice[1]!)).toBe('Amount');
  });

  it('an edit, status change or void of a document with money on it is DOCUMENT_LOCKED', () => {
    const locked = [
      'This document cannot be edited as it has a payment or credit note allocated to it.',
      'This document cannot be edited as it has a reconciled payment or credit note allocated to it.',
      'The status VOIDED cannot be applied to the invoice because it has payments or credit notes allocated to it.',
      'The status AUTHORISED cannot be applied to the invoice because it has payments or credit notes allocated to it.',
      'The status DRAFT cannot be applied to the invoice because it has payments or credit notes allocated to it.',
    ];
    for (const m of locked) expect(DOCUMENT_LOCKED.test(m), m).toBe(true);
    expect(isDocumentLocked(['Invoice not of valid status for modification', locked[0]!])).toBe(true);
    expect(isDocumentLocked(['Invoice not of valid status for modification'])).toBe(false);
    expect(isDocumentLocked(['Invoice # must be unique.', "Account code '999' is not a valid code for this document."])).toBe(false);
  });

  it('a change the status forbids is NOT_VALID_STATUS_FOR_MODIFICATION, for invoices and credit notes', () => {
    expect(NOT_VALID_STATUS_FOR_MODIFICATION.test('Invoice not of valid status for modification')).toBe(true);
    expect(NOT_VALID_STATUS_FOR_MODIFICATION.test('Credit Note not of valid status for modification')).toBe(true);
    expect(NOT_VALID_STATUS_FOR_MODIFICATION.test('This document cannot be edited as it has a payment or credit note allocated to it.')).toBe(false);
  });

  it('credit-note allocations: more than is outstanding, and a paid invoice', () => {
    expect(ALLOCATION_EXCEEDS_OUTSTANDING.test('Credit Note cannot be allocated as amount is greater than amount outstanding')).toBe(true);
    expect(ALLOCATION_INVOICE_PAID.test('The invoice you are trying to allocate to has already been paid off')).toBe(true);
    expect(ALLOCATION_EXCEEDS_OUTSTANDING.test('The invoice you are trying to allocate to has already been paid off')).toBe(false);
  });

  it('a locked edit answered as a 400 ValidationException is a validation failure that keeps Xero\'s words', () => {
    const f = failureOf(
      reply(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: 'Invoice not of valid status for modification' }, { Message: 'This document cannot be edited as it has a payment or credit note allocated to it.' }] }] }),
      'Editing the invoice',
    );
    expect(f.kind).toBe('validation');
    expect(f.kind === 'validation' && isDocumentLocked((f.fields ?? []).map((x) => x.message))).toBe(true);
  });
});
