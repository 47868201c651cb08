import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * BigCommerce signs webhook deliveries the Standard Webhooks way, keyed with the app's client secret:
 * developer.bigcommerce.com/docs/integrations/webhooks/https-webhook-overview#security ("We recommend validating the
 * signature and timestamp before processing any webhook event"; "A timestamp is used to protect against replay
 * attacks"). Its code samples hand `base64(client_secret)` to the standardwebhooks library, which base64-decodes the
 * secret: the HMAC key is the client secret's own UTF-8 bytes. The scheme (standardwebhooks.com, spec
 * "Signature scheme" and "Webhook headers"): `webhook-signature` is a space-separated list of `v1,<base64 of
 * HMAC-SHA256("{webhook-id}.{webhook-timestamp}.{body}")>`, the timestamp in Unix seconds; the reference library
 * refuses a timestamp more than 5 minutes from now either way.
 *
 * Signing is not something a hook opts into (the Create a webhook body has no such field, specs/bigcommerce/
 * webhooks.v3.yml), so every delivery is expected to carry the three headers and one without them is refused.
 */
export const SIGNATURE_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** How far `webhook-timestamp` may be from our clock, either way (the Standard Webhooks reference library's 5 min). */
export const SIGNATURE_TOLERANCE_S = 5 * 60;

export interface SignatureHeaders {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
}

/** `unsigned`: a header is missing; `stale_signature`: outside the tolerance; `bad_signature`: no signature matches. */
export type SignatureFailure = 'unsigned' | 'bad_signature' | 'stale_signature';

/** The three headers from any header source (a web Request's `headers.get`, or Node's `req.headers`). */
export function signatureHeadersOf(get: (name: string) => string | string[] | null | undefined): SignatureHeaders {
  const one = (name: string) => {
    const value = get(name);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  return { id: one(SIGNATURE_HEADERS.id), timestamp: one(SIGNATURE_HEADERS.timestamp), signature: one(SIGNATURE_HEADERS.signature) };
}

/**
 * Checks a delivery's signature over the body as received. Null when one of the `v1` signatures matches (compared in
 * constant time), else why not.
 */
export function checkWebhookSignature(input: {
  clientSecret: string;
  headers: SignatureHeaders;
  rawBody: string;
  nowMs: number;
  toleranceS?: number;
}): SignatureFailure | null {
  const { id, timestamp, signature } = input.headers;
  if (id === null || timestamp === null || signature === null) return 'unsigned';
  // Whole seconds only: the timestamp is part of the signed text, so "1700000000.0" would not be what was signed.
  if (!/^[0-9]{1,12}$/.test(timestamp) || id.length > 512) return 'bad_signature';
  const tolerance = input.toleranceS ?? SIGNATURE_TOLERANCE_S;
  if (Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp)) > tolerance) return 'stale_signature';
  const expected = createHmac('sha256', Buffer.from(input.clientSecret, 'utf8')).update(`${id}.${timestamp}.${input.rawBody}`, 'utf8').digest();
  let matched = false;
  for (const entry of signature.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue; // other schemes (v1a: asymmetric) are not ours
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    // Every candidate is compared, a match does not end the loop early.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? null : 'bad_signature';
}
