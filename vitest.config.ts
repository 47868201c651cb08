import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@': path.resolve(import.meta.dirname) };

/**
 * One command runs everything (`npm test`). Projects:
 * - unit: pure code beside its source, and the sandboxes' own tests (fast, no database server needed).
 * - integration: real HTTP between app code, sandboxes and a database (real Postgres when DATABASE_URL
 *   is set, PGlite otherwise).
 * - e2e: Debian Chromium driving the real pages inside the sandbox control panel.
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'tests/sandbox/**/*.test.ts', 'tests/checks/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
