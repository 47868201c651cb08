/**
 * The signature Xero (`x-xero-signature`) and Intuit (`intuit-signature`) put on their webhook deliveries: the base64
 * HMAC-SHA256 of the raw body under the app's webhook key, compared in constant time. Sources beside each caller.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyBase64HmacSha256(rawBody: string, signature: string | null, key: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', key).update(rawBody, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
