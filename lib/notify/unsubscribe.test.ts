import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signUnsubscribe, verifyUnsubscribe } from './unsubscribe';

const SECRET = 'unit-test-session-secret-0123456789abcdef';

describe('unsubscribe tokens', () => {
  it('a signed token verifies to what it names', () => {
    const token = signUnsubscribe(SECRET, { storeHash: 'abc123', userId: 42, scope: 'digest' });
    expect(verifyUnsubscribe(SECRET, token)).toEqual({ storeHash: 'abc123', userId: 42, scope: 'digest' });
  });

  it('another secret, or any change to the token, is refused', () => {
    const token = signUnsubscribe(SECRET, { storeHash: 'abc123', userId: 42, scope: 'all' });
    expect(verifyUnsubscribe('another-secret-0123456789abcdef-xyz', token)).toBeNull();
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCDEFabcdef0123456789-_.'.split('')), (at, ch) => {
        fc.pre(token[at] !== ch);
        const altered = token.slice(0, at) + ch + token.slice(at + 1);
        expect(verifyUnsubscribe(SECRET, altered)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('a payload naming another store or user with the old signature is refused', () => {
    const token = signUnsubscribe(SECRET, { storeHash: 'abc123', userId: 42, scope: 'all' });
    const mac = token.split('.')[1];
    const forged = `${Buffer.from(JSON.stringify({ s: 'other99', u: 42, k: 'all' })).toString('base64url')}.${mac}`;
    expect(verifyUnsubscribe(SECRET, forged)).toBeNull();
    expect(verifyUnsubscribe(SECRET, '')).toBeNull();
    expect(verifyUnsubscribe(SECRET, 'not-a-token')).toBeNull();
  });
});
