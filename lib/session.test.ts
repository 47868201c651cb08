import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import type { StoreHash } from './ids';
import { issueSessionToken, sessionFromRequest, verifySessionToken } from './session';

const secret = 'x'.repeat(40);
const storeA = 'storea' as StoreHash;

const request = (authorization?: string) => ({ headers: new Headers(authorization ? { authorization } : {}) });

describe('app session', () => {
  const deps = {
    secret,
    isActiveUserOfStore: async (storeHash: string, userId: number) => storeHash === 'storea' && userId === 1,
  };

  it('turns a bearer token into the store and user it was issued for', async () => {
    const token = issueSessionToken({ storeHash: storeA, userId: 1, generation: 0 }, secret);
    expect(await sessionFromRequest(request(`Bearer ${token}`), deps)).toEqual({
      ok: true,
      value: { storeHash: 'storea', userId: 1, generation: 0 },
    });
  });

  it('answers 401 without a token, with a token edited to name another store, or expired', async () => {
    expect((await sessionFromRequest(request(), deps)).ok).toBe(false);
    const token = issueSessionToken({ storeHash: storeA, userId: 1, generation: 0 }, secret);
    const [header, , signature] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...jwt.decode(token) as object, sub: 'storeb' })).toString('base64url');
    const forged = await sessionFromRequest(request(`Bearer ${header}.${forgedBody}.${signature}`), deps);
    expect(forged.ok ? null : forged.error.kind).toBe('Unauthorized');
    const expired = issueSessionToken({ storeHash: storeA, userId: 1, generation: 0 }, secret, -10);
    const result = await sessionFromRequest(request(`Bearer ${expired}`), deps);
    expect(result.ok ? null : result.error.message).toMatch(/expired/);
  });

  it('answers 401 once the user or store has lost access', async () => {
    const removedUser = issueSessionToken({ storeHash: storeA, userId: 2, generation: 0 }, secret);
    expect((await sessionFromRequest(request(`Bearer ${removedUser}`), deps)).ok).toBe(false);
  });

  it('refuses a token signed with another secret', () => {
    const token = issueSessionToken({ storeHash: storeA, userId: 1, generation: 0 }, 'y'.repeat(40));
    expect(verifySessionToken(token, secret).ok).toBe(false);
  });
});
