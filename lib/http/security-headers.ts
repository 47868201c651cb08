import type { Env } from '@/lib/env';

/**
 * Who may frame the app: BigCommerce's own hosts, the control panel of the store the request is for, and the local
 * sandbox's control panel when the app points at one (BIGCOMMERCE_LOGIN_URL overridden). Computed per request, so
 * one build serves both production and the sandbox.
 *
 * Not `*.mybigcommerce.com`: a store's control panel is served from its permanent address,
 * `https://store-{hash}.mybigcommerce.com/manage/...` ("If you have a custom domain and SSL certificate, your control
 * panel URL is the permanent address for your store", https://support.bigcommerce.com/articles/en_US/Knowledge/Finding-Your-Web-Address),
 * but the same domain also serves merchants' storefronts (a trial store's storefront is
 * `store-mystore.mybigcommerce.com`, same source), whose themes run any script their owner writes. A CSP source
 * cannot wildcard part of a label (`https://store-*.mybigcommerce.com` is not valid), so the store is named: the
 * request says which store it is for (`storeHint`), and only that store's permanent address may frame the answer.
 * The hint is not trusted for anything else: naming another store only lets that store's own control panel frame
 * the page, and a page without a session shows nothing of any store.
 */
export function frameAncestors(config: Pick<Env, 'sandboxOrigin'>, storeHash: string | null = null): string {
  return ["'self'", 'https://*.bigcommerce.com', storeHash ? `https://store-${storeHash}.mybigcommerce.com` : null, config.sandboxOrigin]
    .filter(Boolean)
    .join(' ');
}

/** The query parameter the embedded pages keep in their address so a reload inside the frame names its store. */
export const STORE_HINT_PARAM = 'store';
const STORE_HASH = /^[a-z0-9]{1,32}$/;

/**
 * Which store a page request is for, as far as its URL says: the embedded pages' `store` parameter (the load and
 * install callbacks put it on the first page, and the pages keep it while navigating), the install callback's
 * `context=stores/{hash}`, or the load callback's signed payload's `sub` (read, not verified: the callback verifies
 * it, and here it only chooses which control panel may frame the answer). Anything not shaped like a store hash
 * is no hint.
 */
export function storeHint(url: URL): string | null {
  const params = url.searchParams;
  const candidates = [params.get(STORE_HINT_PARAM), params.get('context')?.replace(/^stores\//, ''), subjectOf(params.get('signed_payload_jwt'))];
  return candidates.find((c): c is string => typeof c === 'string' && STORE_HASH.test(c)) ?? null;
}

/** A same-origin path (with its query) with the store hint added, for the callbacks' redirects into the pages. */
export function withStoreHint(path: string, storeHash: string): string {
  const url = new URL(path, 'http://app.invalid');
  url.searchParams.set(STORE_HINT_PARAM, storeHash);
  return `${url.pathname}${url.search}`;
}

function subjectOf(jwt: string | null): string | null {
  const payload = jwt?.split('.')[1];
  if (!payload || payload.length > 8192) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown };
    return typeof claims.sub === 'string' ? claims.sub.replace(/^stores\//, '') : null;
  } catch {
    return null;
  }
}

/**
 * Scripts run only from the app's origin and with this request's nonce: Next puts the nonce on its own bootstrap
 * and chunk scripts when it finds it in the request's Content-Security-Policy (proxy.ts sets both), and
 * 'strict-dynamic' lets those scripts load the chunks they import. An injected `<script>` or `on...=` attribute has
 * no nonce and does not run. `next dev` also needs 'unsafe-eval' (React's dev tools rebuild call stacks with eval).
 * https://nextjs.org/docs/app/guides/content-security-policy
 */
export function scriptSrc(nonce: string, dev: boolean): string {
  return ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", dev ? "'unsafe-eval'" : null].filter(Boolean).join(' ');
}

export function securityHeaders(
  config: Pick<Env, 'sandboxOrigin' | 'APP_URL' | 'NODE_ENV'>,
  nonce: string,
  storeHash: string | null = null,
): Record<string, string> {
  const csp = [
    `frame-ancestors ${frameAncestors(config, storeHash)}`,
    `script-src ${scriptSrc(nonce, config.NODE_ENV === 'development')}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // Served over HTTPS (APP_URL says so): browsers never try plain HTTP again for a year. Not on subdomains: the
    // app's domain may be shared with the agency's other sites.
    ...(new URL(config.APP_URL).protocol === 'https:' ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}
