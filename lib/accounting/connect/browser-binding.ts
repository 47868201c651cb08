/**
 * A connection flow is bound to the browser that started it. The consent window opens the app's own connect page
 * first (first party: a top-level window on the app's origin), which asks the app for the consent URL with the
 * store session it is handed by the page that opened it (`postMessage`, same origin only), and the answer sets a
 * cookie derived from that flow's `state`. The callback is answered only when the browser that comes back carries
 * the cookie for the state it brings. A consent URL sent to someone else (to connect their books to the sender's
 * store) or a callback replayed from elsewhere comes back without it and is refused.
 *
 * The cookie is an HMAC of the state under the app's state secret: nothing to store, and only the app can make it;
 * what makes it a binding is where it lives. `SameSite=Lax`: the accounting system sends the browser back with a
 * top-level GET, which carries Lax cookies (https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Cookies#controlling_third-party_cookies_with_samesite).
 * Scoped to the provider's callback path, HttpOnly, Secure over HTTPS, and no longer-lived than the state.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const COOKIE_PREFIX = 'lb_connect_';
/** As long as a state lives (lib/accounting/*\/oauth.ts: 600 s). */
const MAX_AGE_SECONDS = 600;

export function callbackPath(provider: string): string {
  return `/api/connections/${provider}/callback`;
}

function bindingFor(provider: string, secret: string, state: string): string {
  return createHmac('sha256', secret).update(`${provider}-browser:${state}`).digest('base64url');
}

/** The `Set-Cookie` header that binds the flow whose consent URL is `consentUrl` to the browser that receives it. */
export function bindingCookie(input: { provider: string; secret: string; consentUrl: string; secure: boolean }): string {
  const state = new URL(input.consentUrl).searchParams.get('state') ?? '';
  return [
    `${COOKIE_PREFIX}${input.provider}=${bindingFor(input.provider, input.secret, state)}`,
    `Path=${callbackPath(input.provider)}`,
    `Max-Age=${MAX_AGE_SECONDS}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(input.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Clears the binding once its callback has been answered. */
export function clearBindingCookie(provider: string, secure: boolean): string {
  return [`${COOKIE_PREFIX}${provider}=`, `Path=${callbackPath(provider)}`, 'Max-Age=0', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

/** Whether the request's cookies hold the binding of `state` (a missing state or cookie is no binding). */
export function carriesBinding(input: { provider: string; secret: string; state: string | null; cookieHeader: string | null }): boolean {
  if (!input.state || !input.cookieHeader) return false;
  const name = `${COOKIE_PREFIX}${input.provider}=`;
  const want = Buffer.from(bindingFor(input.provider, input.secret, input.state));
  return input.cookieHeader.split(';').some((part) => {
    const trimmed = part.trim();
    if (!trimmed.startsWith(name)) return false;
    const got = Buffer.from(trimmed.slice(name.length));
    return got.length === want.length && timingSafeEqual(got, want);
  });
}
