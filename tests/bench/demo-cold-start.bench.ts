// Cold start of `npm run demo`: from the command to the `Control panel: <url>` line, with a fresh embedded
// database. Pass --no-cache to drop the production build's source stamp first, so the demo builds again as on a fresh
// clone (do not do that while another demo or a browser test serves this folder's build).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, root } from '../e2e/support/harness';

const noCache = process.argv.includes('--no-cache') || process.env.BENCH_NO_CACHE === '1';
if (noCache) rmSync(path.join(root, '.next', 'ledgerbridge-build.json'), { force: true });
const work = mkdtempSync(path.join(os.tmpdir(), 'lb-demo-bench-'));
const pgliteDir = path.join(work, 'pglite');
const [port, sandboxPort, inngestPort] = [await freePort(), await freePort(), await freePort()];
const started = Date.now();
const demo = spawn('npm', ['run', 'demo'], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    SANDBOX_PORT: String(sandboxPort),
    INNGEST_STANDIN_PORT: String(inngestPort),
    PGLITE_DIR: pgliteDir,
    DEMO_ENV_FILE: path.join(work, 'demo.env'),
    DATABASE_URL: '',
  },
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
rmSync(work, { recursive: true, force: true });
if (result === 'timeout' || result === 'exited') {
  console.error(`demo did not come up (${result}):\n${output.slice(-2000)}`);
  process.exit(1);
}
const build = /built the app in (\d+) s/.exec(output);
console.log(
  `demo cold start (${build ? `production build ${build[1]} s included, ` : 'build reused, '}fresh database): ${seconds.toFixed(1)} s to "Control panel: ${result}"`,
);
