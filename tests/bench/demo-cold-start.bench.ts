// Cold start of `npm run demo`: from the command to the `Control panel: <url>` line, with a fresh embedded
// database. Pass --no-cache to also delete Next's dev compile cache (.next/dev) first, as on a fresh clone
// (do not do that while another `next dev` runs in this folder).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, root } from '../e2e/support/harness';

const noCache = process.argv.includes('--no-cache') || process.env.BENCH_NO_CACHE === '1';
if (noCache) rmSync(path.join(root, '.next', 'dev'), { recursive: true, force: true });
const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-demo-bench-'));
const [port, sandboxPort, inngestPort] = [await freePort(), await freePort(), await freePort()];
const started = Date.now();
const demo = spawn('npm', ['run', 'demo'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), INNGEST_STANDIN_PORT: String(inngestPort), PGLITE_DIR: pgliteDir, DATABASE_URL: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let output = '';
const result = await new Promise<string>((resolve) => {
  const timer = setTimeout(() => resolve('timeout'), 300_000);
  demo.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /Control panel: (\S+)/.exec(output);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]!);
    }
  });
  demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.once('exit', () => resolve('exited'));
});
const seconds = (Date.now() - started) / 1000;
process.kill(-demo.pid!, 'SIGTERM');
await new Promise((r) => setTimeout(r, 1500));
rmSync(pgliteDir, { recursive: true, force: true });
if (result === 'timeout' || result === 'exited') {
  console.error(`demo did not come up (${result}):\n${output.slice(-2000)}`);
  process.exit(1);
}
console.log(`demo cold start (${noCache ? 'no compile cache, ' : ''}fresh database): ${seconds.toFixed(1)} s to "Control panel: ${result}"`);
