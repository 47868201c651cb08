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

export function securityHeaders(config: Pick<Env, 'sandboxOrigin'>): Record<string, string> {
  return {
    'content-security-policy': `frame-ancestors ${frameAncestors(config)}`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}
