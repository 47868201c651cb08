import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';
import { StoreHash } from '@/lib/ids';

/**
 * App sessions inside the control-panel iframe.
 *
 * Why a bearer token held in memory rather than a cookie: the app runs in a third-party iframe, where Safari and
 * Firefox block or partition cookies and Chrome requires `SameSite=None; Secure; Partitioned`; a token the page
 * keeps in memory and sends as `Authorization: Bearer` works in every browser, is never sent by the browser on
 * its own (so no CSRF surface), and BigCommerce's guidance prefers it. The load callback hands it to the page in
 * the URL fragment, which browsers never send to a server or put in a Referer header.
 *
 * The token only names a store, a user and the store's install generation; every request re-checks that the store
 * is still installed in that generation and the user still belongs to it, so uninstall and remove_user take effect
 * at once, and a session from before an uninstall stays dead after a reinstall (each uninstall raises the
 * generation: lib/repos/stores.ts).
 */
export interface Session {
  storeHash: StoreHash;
  userId: number;
  /** The store's install generation when the session was issued. */
  generation: number;
}

const AUDIENCE = 'ledgerbridge-session';
const ISSUER = 'ledgerbridge';
export const SESSION_TTL_SECONDS = 60 * 60;

const claims = z.object({ sub: StoreHash, uid: z.number().int().positive(), gen: z.number().int().nonnegative() });

export function issueSessionToken(session: Session, secret: string, ttlSeconds = SESSION_TTL_SECONDS): string {
  return jwt.sign({ uid: session.userId, gen: session.generation }, secret, {
    algorithm: 'HS256',
    subject: session.storeHash,
    audience: AUDIENCE,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

export function verifySessionToken(token: string, secret: string): Result<Session, EdgeFailure> {
  try {
    const decoded = jwt.verify(token, secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
    const parsed = claims.safeParse(decoded);
    if (!parsed.success) return err({ kind: 'Unauthorized', message: 'Session token has malformed claims.' });
    return ok({ storeHash: parsed.data.sub, userId: parsed.data.uid, generation: parsed.data.gen });
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    return err({
      kind: 'Unauthorized',
      message: expired ? 'Your session has expired. Reopen the app from the control panel.' : 'Invalid session token.',
    });
  }
}

export interface SessionDeps {
  secret: string;
  /** Is this user still allowed into this store, installed in this generation? */
  isActiveUserOfStore(storeHash: StoreHash, userId: number, generation: number): Promise<boolean>;
}

/** The one helper every API route and server action uses: request → session, or a 401. */
export async function sessionFromRequest(
  request: Pick<Request, 'headers'>,
  deps: SessionDeps,
): Promise<Result<Session, EdgeFailure>> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) {
    return err({ kind: 'Unauthorized', message: 'No session. Open Ledgerbridge from your BigCommerce control panel.' });
  }
  const verified = verifySessionToken(match[1], deps.secret);
  if (!verified.ok) return verified;
  const { storeHash, userId, generation } = verified.value;
  if (!(await deps.isActiveUserOfStore(storeHash, userId, generation))) {
    return err({ kind: 'Unauthorized', message: 'This session no longer has access to the store. Reopen the app from the control panel.' });
  }
  return verified;
}
