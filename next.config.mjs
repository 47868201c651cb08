/**
 * The control panel frames the app: only BigCommerce's origins may do so, plus the local sandbox's when the app
 * points at one (BIGCOMMERCE_LOGIN_URL overridden). Read here because headers are fixed when the server starts;
 * lib/env.ts validates the same variable at run time.
 */
const REAL_LOGIN_ORIGIN = 'https://login.bigcommerce.com';
const loginOrigin = new URL(process.env.BIGCOMMERCE_LOGIN_URL || REAL_LOGIN_ORIGIN).origin;
const frameAncestors = [
  "'self'",
  'https://*.bigcommerce.com',
  'https://*.mybigcommerce.com',
  ...(loginOrigin === REAL_LOGIN_ORIGIN ? [] : [loginOrigin]),
].join(' ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: `frame-ancestors ${frameAncestors}` },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ];
  },
  reactStrictMode: true,
  poweredByHeader: false,
  compiler: { styledComponents: true },
  // Native/wasm database drivers must stay out of the server bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'pino'],
  // Only the sandbox and tests use these folders; keep them out of tracing.
  outputFileTracingExcludes: { '*': ['tests/**', '.data/**'] },
};

export default nextConfig;
