import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', '.next-*/**', 'node_modules/**', '.data/**', 'test-results/**', 'drizzle/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Money must never be a float: parseFloat/Number on wire amounts are banned in the domain code.
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Money is never a float: use lib/money.ts.' }],
    },
  },
  {
    // Sandboxes and tests juggle untyped OpenAPI documents and vendor payloads.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'warn' },
  },
  {
    files: ['lib/sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['next', 'next/*', 'inngest', 'inngest/*', 'drizzle-orm', 'drizzle-orm/*', '@/db', '@/db/*'], message: 'lib/sync is pure: no next, inngest or drizzle.' }] },
      ],
    },
  },
);
