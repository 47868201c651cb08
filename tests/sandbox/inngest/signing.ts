/**
 * The stand-in as a signing server, the way Inngest Cloud and a self-hosted `inngest start` talk to an app in
 * production: every call to the app carries `X-Inngest-Signature` (HMAC-SHA256 of the canonical JSON body and a
 * timestamp, keyed with the signing key without its `signkey-<env>-` prefix), and the app registers with the hashed
 * signing key as its bearer token. This mirrors inngest's own helpers (helpers/net.ts signDataWithKey,
 * helpers/strings.ts hashSigningKey) so the app can run in production mode against the stand-in.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = /^signkey-\w+-/;

/** RFC 8785-style canonical JSON (sorted keys), what the SDK signs after parsing the body. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The `X-Inngest-Signature` of a JSON body (empty body: the empty string, as the SDK reads it). */
export function signatureFor(body: string, signingKey: string, now = Date.now()): string {
  const ts = Math.round(now / 1000).toString();
  const data = body === '' ? '' : canonical(JSON.parse(body));
  const s = createHmac('sha256', signingKey.replace(PREFIX, '')).update(data + ts).digest('hex');
  return `t=${ts}&s=${s}`;
}

/** The bearer token the SDK registers with: the prefix kept, the hex key hashed. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = PREFIX.exec(signingKey)?.[0] ?? '';
  return `${prefix}${createHash('sha256').update(Buffer.from(signingKey.replace(PREFIX, ''), 'hex')).digest('hex')}`;
}

export function bearerMatches(header: string | undefined, signingKey: string): boolean {
  const expected = Buffer.from(`Bearer ${hashedSigningKey(signingKey)}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
