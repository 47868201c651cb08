import { err, ok, type EdgeFailure, type Result } from '@/lib/errors';

/**
 * The load JWT's `url` claim (the deep link inside the app) as the path to redirect to, checked the way a browser
 * will read it. A string test ("starts with / but not //") is not enough: browsers drop tabs and newlines from a URL
 * and read `\` as `/`, so `/\t/evil.example` opens `//evil.example` (with the session in the fragment). The claim is
 * parsed as a URL against the app's own origin and only a same-origin path is kept; control characters and
 * backslashes are refused outright (400), never passed on to a Location header.
 */
export function resolveDeepLink(claim: string, appUrl: string): Result<string, EdgeFailure> {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(claim)) {
    return err({ kind: 'BadRequest', message: 'The deep link in the signed payload contains control characters or a backslash.' });
  }
  const origin = new URL(appUrl).origin;
  let target: URL;
  try {
    target = new URL(claim, origin);
  } catch {
    return err({ kind: 'BadRequest', message: 'The deep link in the signed payload is not a URL.' });
  }
  if (!claim.startsWith('/') || claim.startsWith('//') || target.origin !== origin) {
    return err({ kind: 'BadRequest', message: 'The deep link in the signed payload leaves the app.' });
  }
  // The fragment is the route's to set (it carries the session), so the claim's own is dropped.
  return ok(`${target.pathname}${target.search}`);
}
