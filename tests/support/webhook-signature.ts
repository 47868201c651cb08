import { createHmac, randomUUID } from 'node:crypto';

/**
 * Standard Webhooks headers for a delivery body, as BigCommerce sends them (the sandbox does the same in
 * tests/sandbox/bigcommerce/webhooks.ts): `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the
 * app's client secret (its UTF-8 bytes). Written out here rather than imported from lib/, so the tests check the
 * receiver against the scheme, not against itself.
 */
export function signedWebhookHeaders(
  body: string,
  clientSecret: string,
  options: { id?: string; timestampS?: number } = {},
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = String(options.timestampS ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', clientSecret).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
