import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import { StoreContext, type StoreHash } from '@/lib/ids';

/**
 * `signed_payload_jwt` sent to the load, uninstall and remove_user callbacks.
 * https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks#signed-payload-jwt
 * HS256 with the app's client secret; we pin the algorithm (so `none` and RS/HS confusion are refused), and check
 * audience (our client id: the sample app forgets this), issuer "bc", expiry and not-before with 60 s of skew.
 */
const claimsSchema = z.object({
  sub: StoreContext,
  user: z.object({ id: z.number().int().positive(), email: z.string(), locale: z.string().optional() }),
  owner: z.object({ id: z.number().int().positive(), email: z.string() }),
  url: z.string().default('/'),
  channel_id: z.number().int().nullable().optional(),
  // "jti: string, UUID: a unique identifier for the JWT" (callbacks.mdx): what makes a payload single use.
  jti: z.string().min(1).max(200),
  iat: z.number(),
  exp: z.number(),
});

export interface SignedPayload {
  storeHash: StoreHash;
  user: { id: number; email: string; locale?: string };
  owner: { id: number; email: string };
  /** Deep link inside the app, always a path starting with "/". */
  url: string;
  channelId: number | null;
  /** The payload's unique id: each is accepted once (lib/bigcommerce/install.ts). */
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

const CLOCK_SKEW_SECONDS = 60;

/** Also the answer to a replayed payload: a replay is told nothing a forgery is not. */
export const INVALID_SIGNATURE = 'The signed payload signature is invalid.';

export function verifySignedPayload(
  token: string | null | undefined,
  config: { clientId: string; clientSecret: string },
): Result<SignedPayload, EdgeFailure> {
  if (!token) return err({ kind: 'BadRequest', message: 'The request has no signed_payload_jwt parameter.' });
  if (token.split('.').length !== 3) {
    return err({ kind: 'BadRequest', message: 'signed_payload_jwt is not a JSON Web Token.' });
  }
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, config.clientSecret, {
      algorithms: ['HS256'],
      audience: config.clientId,
      issuer: 'bc',
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
  } catch (error) {
    return err({ kind: 'Unauthorized', message: describeJwtError(error) });
  }
  const claims = claimsSchema.safeParse(decoded);
  if (!claims.success) {
    const fields = claims.error.issues.map((i) => i.path.join('.')).join(', ');
    return err({ kind: 'BadRequest', message: `The signed payload is missing or has malformed claims: ${fields}.` });
  }
  const { sub, user, owner, url, channel_id, jti, iat, exp } = claims.data;
  return ok({
    storeHash: sub,
    user,
    owner,
    url: safeDeepLink(url),
    channelId: channel_id ?? null,
    jti,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  });
}

function describeJwtError(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'The signed payload has expired. Open the app again from the control panel.';
  if (error instanceof jwt.NotBeforeError) return 'The signed payload is not valid yet (check the server clock).';
  if (error instanceof jwt.JsonWebTokenError) {
    if (/audience/.test(error.message)) return 'The signed payload was issued for another app (wrong audience).';
    if (/issuer/.test(error.message)) return 'The signed payload was not issued by BigCommerce (wrong issuer).';
    if (/algorithm|signature is required/.test(error.message)) return 'The signed payload uses an algorithm this app does not accept.';
    if (/signature/.test(error.message)) return INVALID_SIGNATURE;
    return `The signed payload was rejected: ${error.message}.`;
  }
  return 'The signed payload could not be verified.';
}

/** Only same-origin paths: an absolute URL in the claim must not turn the app into an open redirect. */
export function safeDeepLink(url: string): string {
  // A backslash or a control character is kept as sent: the load route's resolveDeepLink (deep-link.ts) refuses it
  // with a 400, since browsers read `\\` as `/` and drop tabs (a claim carrying them was made to mislead).
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(url)) return url;
  if (!url.startsWith('/') || url.startsWith('//')) return '/';
  return url;
}
