/**
 * The OAuth `state` of a connection flow, stateless and bound to the store session: `{storeHash, userId, nonce,
 * exp}` signed with HMAC under a per-provider domain, so a state minted for one store (or one provider) cannot
 * complete a connection for another. A PKCE verifier, where the provider uses PKCE, is derived from the same secret
 * and nonce, so the callback needs no server-side storage.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoreHash } from '@/lib/ids';

export interface AuthorizationState {
  storeHash: string;
  userId: number;
  nonce: string;
  /** Epoch seconds. */
  exp: number;
}

export type StateCheck = { ok: true; state: AuthorizationState } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_store' };

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The PKCE verifier for a state's nonce: 43 characters, derivable only with the secret. */
export function pkceVerifier(domain: string, secret: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${domain}-pkce:${nonce}`).digest('base64url');
}

export function signState(domain: string, secret: string, state: AuthorizationState): string {
  const payload = b64url(JSON.stringify(state));
  const sig = createHmac('sha256', secret).update(`${domain}-state:${payload}`).digest('base64url');
  return `${payload}.${sig}`;
}

/** Verifies a state from the callback; `expected` binds it to the session that started the flow. */
export function verifyState(domain: string, secret: string, raw: string, expected: { storeHash?: string; nowMs: number }): StateCheck {
  const [payload, sig] = raw.split('.');
  if (!payload || !sig) return { ok: false, reason: 'malformed' };
  const want = createHmac('sha256', secret).update(`${domain}-state:${payload}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'bad_signature' };
  let state: AuthorizationState;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AuthorizationState;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof state.exp !== 'number' || state.exp * 1000 < expected.nowMs) return { ok: false, reason: 'expired' };
  if (expected.storeHash !== undefined && state.storeHash !== expected.storeHash) return { ok: false, reason: 'wrong_store' };
  return { ok: true, state };
}

/** A verified state used once: false when `consume` says it was used before (no `consume`: always first use). */
export async function firstUse(
  consume: ((input: { nonce: string; storeHash: StoreHash; expiresAt: Date }) => Promise<boolean>) | undefined,
  state: AuthorizationState,
): Promise<boolean> {
  if (!consume) return true;
  return consume({ nonce: state.nonce, storeHash: state.storeHash as StoreHash, expiresAt: new Date(state.exp * 1000) });
}
