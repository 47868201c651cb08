import { describe, expect, it } from 'vitest';
import { failureOf, isUncertain, type XeroReply } from './errors';

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
