/** @type {import('next').NextConfig} */
const nextConfig = {
  // Security headers (frame-ancestors depends on the environment at run time) are set in proxy.ts.
  reactStrictMode: true,
  // The whole tree (app, lib, tests, sandboxes) is type-checked by `npm run typecheck`, which `npm test` runs;
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // `next dev` logs each request's URL with its query string, and three of them carry secrets: the load, uninstall
  // and remove_user callbacks' signed JWT (`signed_payload_jwt`) and the install and accounting OAuth callbacks'
  // one-time `code`. Those requests are left out of the log; the production server (`npm start`) logs no URLs.
  logging: { incomingRequests: { ignore: [/[?&](signed_payload_jwt|code)=/] } },
  compiler: { styledComponents: true },
  // Native/wasm database drivers must stay out of the server bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'pino'],
  // Only the sandbox and tests use these folders; keep them out of tracing.
  outputFileTracingExcludes: { '*': ['tests/**', '.data/**'] },
};

export default nextConfig;
