import { describe, expect, it } from 'vitest';
import { failureOf, type QboReply } from './errors';

const reply = (status: number, json: unknown, headers: Record<string, string> = {}): QboReply => ({ kind: 'response', status, headers: new Headers(headers), json, text: JSON.stringify(json) });
const fault = (code: string, Message: string, Detail: string, element = '', type = 'ValidationFault') => ({ Fault: { Error: [{ Message, Detail, code, element }], type }, time: '2026-12-06T10:00:00.000-08:00' });
const gateway = (status: number, message: string, code: string, type: string) => ({ fault: { error: [{ message, detail: 'The request limit was reached.  Try again later', code, element: null }], type } });

describe('failureOf', () => {
  it('429 ThrottleExceeded (the gateway\'s shape) → rate_limited, waiting the minute window without a Retry-After', () => {
    const f = failureOf(reply(429, gateway(429, 'message=ThrottleExceeded; errorCode=003001; statusCode=429', '3001', 'SERVICE')), 'Posting', 6_000);
    expect(f).toMatchObject({ kind: 'rate_limited', retryAfterMs: 6_000 });
    expect(failureOf(reply(429, {}, { 'retry-after': '3' }), 'Posting')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
  });

  it('401 AuthenticationFailed and 403 AuthorizationFailed → auth_revoked, "Reconnect QuickBooks"', () => {
    expect(failureOf(reply(401, gateway(401, 'message=AuthenticationFailed; errorCode=003200; statusCode=401', '3200', 'AUTHENTICATION')), 'Posting')).toMatchObject({ kind: 'auth_revoked', message: expect.stringMatching(/Reconnect QuickBooks/) });
    expect(failureOf(reply(403, gateway(403, 'message=AuthorizationFailed; errorCode=003100; statusCode=403', '3100', 'SERVICE')), 'Posting').kind).toBe('auth_revoked');
  });

  it('6190 Invalid Company Status (subscription ended) → auth_revoked, in Intuit\'s words, saying to renew', () => {
    const f = failureOf(reply(400, fault('6190', 'Invalid Company Status', "Subscription period has ended or been canceled, or there was a billing problem: You can't add data")), 'Posting');
    expect(f.kind).toBe('auth_revoked');
    expect(f.message).toMatch(/Invalid Company Status: Subscription period has ended.*Renew the QuickBooks subscription/);
  });

  it('6240 duplicate name and 6140 duplicate DocNumber → duplicate; 610 → not_found', () => {
    expect(failureOf(reply(400, fault('6240', 'Duplicate Name Exists Error', 'The name supplied already exists.', 'DisplayName')), 'x').kind).toBe('duplicate');
    expect(failureOf(reply(400, fault('6140', 'Duplicate Document Number Error', 'You must specify a different number.', 'DocNumber')), 'x').kind).toBe('duplicate');
    expect(failureOf(reply(400, fault('610', 'Object Not Found', 'Object Not Found : Another user has deleted this transaction.')), 'x').kind).toBe('not_found');
  });

  it('other validation faults → validation, the element as the field, Intuit\'s message and detail', () => {
    const f = failureOf(reply(400, fault('2050', 'String length is either shorter or longer than supported by specification', 'Min:0 Max:21 supported. Supplied length:24', 'DocNumber')), 'Posting BC-1');
    expect(f).toMatchObject({ kind: 'validation', fields: [{ field: 'DocNumber' }] });
    expect(f.message).toBe('Posting BC-1: String length is either shorter or longer than supported by specification: Min:0 Max:21 supported. Supplied length:24');
  });

  it('5xx (a SystemFault or the load balancer\'s HTML page) and no answer → unavailable', () => {
    expect(failureOf(reply(500, fault('10000', 'An application error has occurred', 'System Failure Error', '', 'SystemFault')), 'x').kind).toBe('unavailable');
    expect(failureOf({ kind: 'response', status: 503, headers: new Headers(), json: undefined, text: '<html>503</html>' }, 'x').kind).toBe('unavailable');
    expect(failureOf({ kind: 'no_response', message: 'socket hang up' }, 'x').kind).toBe('unavailable');
  });

  it('an answer of unknown shape is a bug: it throws', () => {
    expect(() => failureOf(reply(400, { nope: true }), 'x')).toThrow(/unexpected QuickBooks answer/);
  });
});
