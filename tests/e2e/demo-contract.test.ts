import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, root } from './support/harness';

/**
 * `npm run demo` is a contract other tools rely on: it honours PORT / SANDBOX_PORT / APP_URL, prints exactly one
 * `Control panel: <url>` line once the app and the sandbox are up with the app installed, and Ctrl-C stops both.
 */
const pgliteDir = mkdtempSync(path.join(os.tmpdir(), 'lb-demo-test-'));
afterAll(() => rmSync(pgliteDir, { recursive: true, force: true }));

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm run demo', () => {
  it('starts the sandbox and the app on the given ports, installs the app, prints the control panel, stops on SIGINT', async () => {
    const [port, sandboxPort, inngestPort] = [await freePort(), await freePort(), await freePort()];
    const demo = spawn(process.execPath, ['--import', 'tsx', 'tests/sandbox/demo.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        SANDBOX_PORT: String(sandboxPort),
        INNGEST_STANDIN_PORT: String(inngestPort),
        PGLITE_DIR: pgliteDir,
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const controlPanel = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Control panel line in time:\n${output}`)), 240_000);
      demo.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^Control panel: (\S+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      demo.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
    });
    try {
      expect(controlPanel).toBe(`http://localhost:${sandboxPort}/manage/demostore/apps`);
      expect(output.match(/^Control panel: /gm)).toHaveLength(1);
      const health = await fetch(`http://localhost:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ db: 'ok' });
      const page = await fetch(controlPanel);
      expect(page.status).toBe(200);
      const store = (await (await fetch(`http://localhost:${sandboxPort}/__sandbox/stores/demostore`)).json()) as {
        installed: boolean;
      };
      expect(store.installed).toBe(true);
      // The app (next dev: Inngest in dev mode, /api/inngest unsigned) and the sandbox answer on loopback only.
      const external = Object.values(os.networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const address of external) {
        expect(await refused(`http://${address}:${port}/api/health`), address).toBe(true);
        expect(await refused(`http://${address}:${sandboxPort}/manage`), address).toBe(true);
      }
    } finally {
      const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
      demo.kill('SIGINT');
      expect(await exited).toBe(0);
    }
    expect(await refused(`http://localhost:${port}/api/health`)).toBe(true);
    expect(await refused(`http://localhost:${sandboxPort}/manage`)).toBe(true);
  });
});
