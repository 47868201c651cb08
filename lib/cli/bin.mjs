#!/usr/bin/env node
// `ledgerbridge` from an installed checkout (package.json "bin"). The CLI is TypeScript run by tsx: this starts
// `node --import tsx lib/cli/main.ts` in the checkout (where tsconfig.json maps `@/` and drizzle/ holds the
// migrations), tells it where the user ran the command (relative paths in arguments), and passes its exit code on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = path.join(root, 'lib', 'cli', 'main.ts');

if (!existsSync(path.join(root, 'node_modules', 'tsx'))) {
  process.stderr.write(`ledgerbridge: tsx is not installed in ${root}; run npm install there first\n`);
  process.exit(2);
}

const child = spawn(process.execPath, ['--import', 'tsx', main, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LEDGERBRIDGE_CWD: process.env.LEDGERBRIDGE_CWD || process.cwd() },
});

// Ctrl-C reaches the child too (same process group): let it stop after its current page and report.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}

child.on('error', (error) => {
  process.stderr.write(`ledgerbridge: cannot start node: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
});
