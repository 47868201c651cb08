/**
 * `ledgerbridge` (`npm run cli -- <command>`, or lib/cli/bin.mjs from an installed checkout).
 * Other commands stop at once on Ctrl-C. Ctrl-C during `sync` stops after the current page; a second Ctrl-C quits at once (the page is redone on resume,
 * and its orders are recognised by their sync records).
 */
import { EXIT } from './errors';
import { runCli } from './run';

const controller = new AbortController();
if (process.argv[2] === 'sync') {
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}Stopping after the current page (Ctrl-C again to quit now)…\n`);
    controller.abort();
  });
}

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }, controller.signal);
// Let stdout drain (a large export piped to another program) before exiting.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
