# syntax=docker/dockerfile:1
# Ledgerbridge production image: `docker build -t ledgerbridge .`, then run with the environment described in
# README.md › Deploying (DATABASE_URL, BIGCOMMERCE_*, TOKEN_ENCRYPTION_KEY, SESSION_SECRET, INNGEST_*, APP_URL).
# The server is `npm start` (lib/server/main.ts under tsx): it applies pending migrations under an advisory lock on
# first use of the database and drains on SIGTERM, so rolling restarts need nothing else.

ARG NODE_VERSION=20
# The npm that wrote package-lock.json (npm 11 runs only the install scripts package.json approves).
ARG NPM_VERSION=11

FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG NPM_VERSION
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}"
WORKDIR /app

# Dependencies exactly as the lockfile pins them (fails if package.json and the lockfile disagree).
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .next/cache

FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000
# tsx runs the server's TypeScript (lib/, db/) at start; Next serves the prebuilt .next; drizzle/ holds the
# migrations applied at start. Code is owned by root and read-only to the app; only .next is the app's (Next writes
# its cache there).
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json /app/next.config.mjs /app/proxy.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/app ./app
COPY --from=build /app/lib ./lib
COPY --from=build /app/db ./db
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/public ./public
COPY --from=build --chown=node:node /app/.next ./.next
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
# Liveness only: a database outage must not get healthy containers restarted. Point the load balancer's (or
# Kubernetes') readiness probe at /api/health/ready.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not `npm start`), as PID 1, so SIGTERM reaches the server's drain handler; the flags as `npm start`'s
# (package.json; lib/server/main.ts says why the young generation is larger). Set WEB_CONCURRENCY to the cores.
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "lib/server/main.ts"]
