import type { Env } from '@/lib/env';

/**
 * Only the BigCommerce control panel may frame the app, plus the local sandbox's control panel when the app
 * points at one (BIGCOMMERCE_LOGIN_URL overridden). Computed per request from the environment, so one build
 * serves both production and the sandbox.
 */
export function frameAncestors(config: Pick<Env, 'sandboxOrigin'>): string {
  return ["'self'", 'https://*.bigcommerce.com', 'https://*.mybigcommerce.com', config.sandboxOrigin]
    .filter(Boolean)
    .join(' ');
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
): Record<string, string> {
  const csp = [
    `frame-ancestors ${frameAncestors(config)}`,
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
