import { describe, expect, it } from 'vitest';
import { compileExpression, matches } from './expression';
import { delayUntil, parseRetryAfter, parseTimeString, toSerializedError, ulid } from './protocol';

describe('expressions (the CEL subset Inngest uses in if, match, concurrency keys and idempotency)', () => {
  const event = { name: 'order/changed', data: { storeHash: 'abc', orderId: 42, total: 99.5, tags: { vip: true } } };

  it('evaluates paths, comparisons and boolean operators', () => {
    expect(matches('event.data.storeHash == "abc" && event.data.total > 50', { event })).toBe(true);
    expect(matches("event.data.storeHash == 'xyz' || event.data['tags'].vip", { event })).toBe(true);
    expect(matches('!(event.data.orderId >= 42)', { event })).toBe(false);
    expect(matches('event.data.orderId != 41 && event.name == "order/changed"', { event })).toBe(true);
  });

  it('matches waitForEvent and cancelOn expressions across the run event and the incoming one', () => {
    const expression = 'event.data.orderId == async.data.orderId';
    expect(matches(expression, { event, async: { data: { orderId: 42 } } })).toBe(true);
    expect(matches(expression, { event, async: { data: { orderId: 43 } } })).toBe(false);
  });

  it('builds concurrency and idempotency keys by concatenation', () => {
    expect(compileExpression('event.data.storeHash + "-" + event.data.orderId')({ event })).toBe('abc-42');
    expect(compileExpression('1 + 2 - 4')({})).toBe(-1);
    // CEL's conversion functions, as the app's order function keys use them.
    expect(compileExpression('event.data.storeHash + "-" + string(event.data.orderId)')({ event })).toBe('abc-42');
    expect(compileExpression('int(event.data.total) + 1')({ event })).toBe(100);
    expect(compileExpression('string(event.data.orderId) + "-" + string(event.data.missing)')({ event })).toBe('42-null');
  });

  it('treats missing fields as null and syntax outside the subset as no match', () => {
    expect(compileExpression('event.data.missing.deeper')({ event })).toBeNull();
    expect(matches('event.data.missing == null', { event })).toBe(true);
    expect(matches('event.data.total > "10"', { event })).toBe(false);
    expect(() => compileExpression('size(event.data) > 1')).toThrow(/Expected|Unexpected/);
    expect(matches('event.data.total ~ 3', { event })).toBe(false);
    expect(matches(undefined, { event })).toBe(true);
  });
});

describe('time strings, Retry-After and ids', () => {
  it('parses Inngest time strings, including compound ones', () => {
    expect(parseTimeString('300ms')).toBe(300);
    expect(parseTimeString('2h45m')).toBe(9_900_000);
    expect(parseTimeString('1d')).toBe(86_400_000);
    expect(parseTimeString('1w1s')).toBe(604_801_000);
    expect(() => parseTimeString('10 minutes')).toThrow(/Invalid time string/);
  });

  it('turns an ISO date into the delay until then, never negative', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(delayUntil('2025-01-01T00:01:00.000Z', now)).toBe(60_000);
    expect(delayUntil('2024-12-31T00:00:00.000Z', now)).toBe(0);
    expect(delayUntil('90s', now)).toBe(90_000);
  });

  it('reads Retry-After as the SDK sends it: seconds or an ISO date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('2025-01-01T00:00:30.000Z', now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('makes time-ordered ULIDs', () => {
    const a = ulid(Date.parse('2025-01-01T00:00:00Z'));
    const b = ulid(Date.parse('2025-01-01T00:00:01Z'));
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 100 }, () => ulid())).size).toBe(100);
  });

  it('normalises errors from the SDK into name and message', () => {
    expect(toSerializedError({ name: 'NonRetriableError', message: 'bad SKU', stack: 's' })).toMatchObject({
      name: 'NonRetriableError',
      message: 'bad SKU',
    });
    expect(toSerializedError({ error: 'Could not find step "x"' })).toEqual({ name: 'Error', message: 'Could not find step "x"' });
    expect(toSerializedError('<html>502</html>', 'HTTP 502')).toEqual({ name: 'Error', message: '<html>502</html>' });
    expect(toSerializedError(null, 'HTTP 502')).toEqual({ name: 'Error', message: 'HTTP 502' });
  });
});
