/** @type {import('next').NextConfig} */
const nextConfig = {
  // Security headers (frame-ancestors depends on the environment at run time) are set in proxy.ts.
  reactStrictMode: true,
  // The whole tree (app, lib, tests, sandboxes) is type-checked by `npm run typecheck`, which `npm test` runs;
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // One checkout can hold several builds (a second engineer's test run beside yours): NEXT_DIST_DIR names another
  // build folder than .next, for `next build` and for the server that serves it alike.
  distDir: globalThis.process.env.NEXT_DIST_DIR || '.next',
  // `next dev` logs each request's URL with its query string, and three of them carry secrets: the load, uninstall
  // and remove_user callbacks' signed JWT (`signed_payload_jwt`) and the install and accounting OAuth callbacks'
  // one-time `code`. Those requests are left out of the log; the production server (`npm start`) logs no URLs.
  logging: { incomingRequests: { ignore: [/[?&](signed_payload_jwt|code)=/] } },
  compiler: { styledComponents: true },
  // BigDesign and its icons are imported from their package roots (barrels of a hundred components and a thousand icons):
  // each import is rewritten to the one module it names. Both packages declare no side effects, so Turbopack already
  // left the unused ones out (this saves under 1 KB a page); it keeps a page's chunks to what it names either way.
  experimental: { optimizePackageImports: ['@bigcommerce/big-design', '@bigcommerce/big-design-icons'] },
  // BigDesign calls nine functions of `polished`; lib/ui/polished.ts gives the same results without the package's
  // colour and formula machinery (5.7 KB brotli on every page; issue 16's JavaScript budget, README Performance).
  // Server and browser alike, so the styles rendered on the server are those the browser computes.
  turbopack: { resolveAlias: { polished: './lib/ui/polished.ts' } },
  // Native/wasm database drivers must stay out of the server bundle; mailparser (the bounce route reads DSNs with it)
  // is loaded from node_modules as it is rather than bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'pino', 'mailparser'],
  // Only the sandbox and tests use these folders; keep them out of tracing.
  outputFileTracingExcludes: { '*': ['tests/**', '.data/**'] },
};

export default nextConfig;
