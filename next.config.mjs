/** @type {import('next').NextConfig} */
const nextConfig = {
  // Security headers (frame-ancestors depends on the environment at run time) are set in proxy.ts.
  reactStrictMode: true,
  // The whole tree (app, lib, tests, sandboxes) is type-checked by `npm run typecheck`, which `npm test` runs;
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  compiler: { styledComponents: true },
  // Native/wasm database drivers must stay out of the server bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'pino'],
  // Only the sandbox and tests use these folders; keep them out of tracing.
  outputFileTracingExcludes: { '*': ['tests/**', '.data/**'] },
};

export default nextConfig;
