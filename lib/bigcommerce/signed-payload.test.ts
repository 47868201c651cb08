import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { resolveDeepLink } from './deep-link';
import { safeDeepLink, verifySignedPayload } from './signed-payload';

const config = { clientId: 'client-1', clientSecret: 'secret-1' };
const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: Record<string, unknown> = {}) {
  const iat = now();
  return {
    aud: config.clientId,
    iss: 'bc',
    iat,
    nbf: iat,
    exp: iat + 24 * 3600,
    jti: 'j1',
    sub: 'stores/abc123',
    user: { id: 42, email: 'staff@example.com', locale: 'en' },
    owner: { id: 7, email: 'owner@example.com' },
    url: '/activity',
    channel_id: 1,
    ...overrides,
  };
}
const sign = (payload: object, secret = config.clientSecret, alg: jwt.Algorithm = 'HS256') =>
  jwt.sign(payload, secret, { algorithm: alg }); // keeps the payload's own iat

describe('signed_payload_jwt', () => {
  it('accepts a payload signed by BigCommerce for this app', () => {
    const payload = claims();
    const result = verifySignedPayload(sign(payload), config);
    expect(result).toEqual({
      ok: true,
      value: {
        storeHash: 'abc123',
        user: { id: 42, email: 'staff@example.com', locale: 'en' },
        owner: { id: 7, email: 'owner@example.com' },
        url: '/activity',
        channelId: 1,
        jti: 'j1',
        issuedAt: new Date(payload.iat * 1000),
        expiresAt: new Date(payload.exp * 1000),
      },
    });
  });

  it('refuses a payload without the jti that makes it single use', () => {
    const result = verifySignedPayload(sign(claims({ jti: undefined })), config);
    expect(result).toMatchObject({ ok: false, error: { kind: 'BadRequest', message: expect.stringMatching(/jti/) } });
  });

  it.each([
    ['forged signature', () => sign(claims(), 'not-the-secret'), /signature is invalid/],
    ['expired', () => sign(claims({ exp: now() - 120 })), /expired/],
    ['wrong audience', () => sign(claims({ aud: 'other-app' })), /wrong audience/],
    ['wrong issuer', () => sign(claims({ iss: 'evil' })), /wrong issuer/],
    ['not yet valid', () => sign(claims({ nbf: now() + 600 })), /not valid yet/],
    ['HS512 instead of HS256', () => sign(claims(), config.clientSecret, 'HS512'), /algorithm/],
  ])('refuses %s with 401', (_name, make, message) => {
    const result = verifySignedPayload(make(), config);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('Unauthorized');
      expect(result.error.message).toMatch(message);
    }
  });

  it('refuses the `none` algorithm', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims())).toString('base64url');
    const result = verifySignedPayload(`${header}.${body}.`, config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe('Unauthorized');
  });

  it('tolerates 60 s of clock skew, not more', () => {
    expect(verifySignedPayload(sign(claims({ exp: now() - 30 })), config).ok).toBe(true);
    expect(verifySignedPayload(sign(claims({ nbf: now() + 30 })), config).ok).toBe(true);
    expect(verifySignedPayload(sign(claims({ exp: now() - 90 })), config).ok).toBe(false);
  });

  it('answers 400 for a missing or malformed token, or malformed claims', () => {
    for (const token of [null, '', 'not-a-jwt']) {
      const result = verifySignedPayload(token, config);
      expect(result.ok ? null : result.error.kind).toBe('BadRequest');
    }
    const result = verifySignedPayload(sign(claims({ sub: 'abc123' })), config);
    expect(result.ok ? null : result.error.kind).toBe('BadRequest');
  });

  it('never turns the deep link into an open redirect', () => {
    expect(safeDeepLink('/orders/5')).toBe('/orders/5');
    expect(safeDeepLink('https://evil.example')).toBe('/');
    expect(safeDeepLink('//evil.example')).toBe('/');
    // Left for the load route to refuse (400): deep-link.ts.
    expect(safeDeepLink('/\\evil.example')).toBe('/\\evil.example');
    expect(resolveDeepLink(safeDeepLink('/\\evil.example'), 'https://app.example').ok).toBe(false);
    expect(resolveDeepLink(safeDeepLink('/\t/evil.example'), 'https://app.example').ok).toBe(false);
  });
});
