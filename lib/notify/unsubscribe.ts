/**
 * Signed one-click unsubscribe links (issue 17). The token names the store, the user and what to stop (the digest,
 * one kind of alert, or everything) and carries an HMAC-SHA256 of exactly that, keyed by a key derived from the
 * app's SESSION_SECRET (its own purpose string, so a session token can never pass as an unsubscribe token or back).
 * No expiry: an old email's link must still work. An altered or forged token is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NOTIFICATION_KINDS } from './kinds';

export const unsubscribeScope = z.enum(['all', 'digest', ...NOTIFICATION_KINDS]);
export type UnsubscribeScope = z.infer<typeof unsubscribeScope>;

const payloadSchema = z.object({ s: z.string().regex(/^[a-z0-9]{1,32}$/), u: z.number().int().positive(), k: unsubscribeScope }).strict();
export interface UnsubscribeRequest {
  storeHash: string;
  userId: number;
  scope: UnsubscribeScope;
}

const keyOf = (secret: string) => createHmac('sha256', secret).update('ledgerbridge/unsubscribe/v1').digest();

export function signUnsubscribe(secret: string, request: UnsubscribeRequest): string {
  const payload = Buffer.from(JSON.stringify({ s: request.storeHash, u: request.userId, k: request.scope })).toString('base64url');
  const mac = createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

export function verifyUnsubscribe(secret: string, token: string): UnsubscribeRequest | null {
  const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, payload, mac] = match as unknown as [string, string, string];
  // Compared as text: base64's last character has spare bits, so two spellings can decode to the same bytes.
  const expected = Buffer.from(createHmac('sha256', keyOf(secret)).update(payload).digest('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(raw);
  return parsed.success ? { storeHash: parsed.data.s, userId: parsed.data.u, scope: parsed.data.k } : null;
}

/** The link in an email: GET shows a confirmation with a button; POST (RFC 8058 one-click, or the button) unsubscribes. */
export function unsubscribeUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, '')}/api/notifications/unsubscribe?token=${encodeURIComponent(token)}`;
}
